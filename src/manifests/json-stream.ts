// A JSON stream (one object, or several in a row) split into objects, like kubectl's JSON decoder. It is the fast
// path of a source whose first character is `{`: what is not such a stream (JSON documents between `---`, YAML
// flow mappings) declines, and the YAML reader takes the rest of the source from the object it stopped at.
import { Document } from 'yaml';
import { Declined } from '../errors.js';
import { MAX_DOCUMENT_CHARS, MAX_NESTING_DEPTH, tooDeep, tooLarge } from './limits.js';
import { DEFAULT_STYLE } from './style.js';
import { placedError, type Parsed, type SourceDocument } from './types.js';
import { KUBERNETES_YAML } from './yaml-stream.js';

/** Where a JsonStream stopped when it declined: the text from there on is the YAML reader's. */
export interface JsonRest {
  /** the source's text from the start of the document it could not read, to the end of what was pushed */
  text: string;
  /** that document's index in the source, and its first line */
  index: number;
  line: number;
  /** the objects read before it in the last push */
  parsed: Parsed[];
}

/** Splits a JSON stream (one object, or several in a row) into objects, like kubectl's JSON decoder. */
export class JsonStream {
  private index = -1;
  private line = 1;
  private startLine = 1;
  private buf = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** set when push declined */
  rest?: JsonRest;

  constructor(private readonly source: string) {}

  /** The objects complete in `text`; throws Declined (and sets `rest`) where the input is no JSON stream. */
  push(text: string, final: boolean): Parsed[] {
    const out: Parsed[] = [];
    let from = 0; // where the current object's text starts in this chunk
    const decline = (reason: string, at: number): never => {
      this.rest = { text: this.buf + text.slice(at), index: this.index, line: this.startLine, parsed: out };
      throw new Declined(reason);
    };
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\n') this.line++;
      if (this.depth === 0) {
        if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t' || ch === '\uFEFF') continue;
        this.index++;
        this.startLine = this.line;
        if (ch !== '{') {
          // a YAML stream's document marker or comment: the rest is YAML; anything else is no manifest at all
          if (ch === '-' || ch === '.' || ch === '#') decline('a YAML stream', i);
          throw placedError(this.source, this.index, this.line, `expected a JSON object, found "${ch}"`);
        }
        from = i;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === '\\') this.escaped = true;
        else if (ch === '"') this.inString = false;
      } else if (ch === '"') {
        this.inString = true;
      } else if (ch === '{' || ch === '[') {
        if (++this.depth > MAX_NESTING_DEPTH) throw placedError(this.source, this.index, this.line, tooDeep());
      } else if ((ch === '}' || ch === ']') && --this.depth === 0) {
        const parsed = this.complete(this.buf + text.slice(from, i + 1));
        if (parsed === undefined) decline('not JSON', from);
        else out.push(parsed);
        this.buf = '';
      }
    }
    if (this.depth > 0) {
      this.buf += text.slice(from);
      if (this.buf.length > MAX_DOCUMENT_CHARS) throw placedError(this.source, this.index, this.startLine, tooLarge());
    }
    // an object left open may still be YAML (a flow mapping with a quote or bracket JSON reads otherwise)
    if (final && this.depth > 0) decline('an unfinished object', text.length);
    return out;
  }

  /** The document of one object's text; undefined when it is not JSON. */
  private complete(text: string): Parsed | undefined {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined;
    }
    const startLine = this.startLine;
    const origin: SourceDocument = {
      source: this.source,
      index: this.index,
      format: 'json',
      doc: new Document(value, KUBERNETES_YAML),
      text: '',
      before: '',
      after: '',
      trailer: '',
      explicitStart: false,
      directivesBefore: false,
      style: DEFAULT_STYLE,
      changed: false,
    };
    return { origin, lineAt: () => startLine };
  }
}
