// A JSON stream (one object, or several in a row) split into objects, like kubectl's JSON decoder.
import { Document } from 'yaml';
import { DEFAULT_STYLE } from './style.js';
import { placedError, type Parsed, type SourceDocument } from './types.js';
import { KUBERNETES_YAML } from './yaml-stream.js';

/** Splits a JSON stream (one object, or several in a row) into objects, like kubectl's JSON decoder. */
export class JsonStream {
  private index = -1;
  private line = 1;
  private startLine = 1;
  private buf = '';
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(private readonly source: string) {}

  push(text: string, final: boolean): Parsed[] {
    const out: Parsed[] = [];
    let from = 0; // where the current object's text starts in this chunk
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\n') this.line++;
      if (this.depth === 0) {
        if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t' || ch === '\uFEFF') continue;
        this.index++;
        if (ch !== '{') throw placedError(this.source, this.index, this.line, `expected a JSON object, found "${ch}"`);
        this.startLine = this.line;
        from = i;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === '\\') this.escaped = true;
        else if (ch === '"') this.inString = false;
      } else if (ch === '"') {
        this.inString = true;
      } else if (ch === '{' || ch === '[') {
        this.depth++;
      } else if ((ch === '}' || ch === ']') && --this.depth === 0) {
        out.push(this.complete(this.buf + text.slice(from, i + 1)));
        this.buf = '';
      }
    }
    if (this.depth > 0) this.buf += text.slice(from);
    if (final && this.depth > 0) {
      throw placedError(this.source, this.index, this.line, 'unexpected end of JSON input');
    }
    return out;
  }

  private complete(text: string): Parsed {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      const message = (err as Error).message;
      const at = /at position (\d+)/.exec(message);
      const line = this.startLine + (at ? countLines(text.slice(0, Number(at[1]))) : 0);
      throw placedError(this.source, this.index, line, message.replace(/ in JSON at position.*$/, ''));
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

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
