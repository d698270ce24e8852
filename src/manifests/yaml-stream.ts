// A YAML stream split into documents, each with its exact text, so that unchanged ones are written back verbatim.
import {
  Composer,
  CST,
  isScalar,
  LineCounter,
  Parser,
  type DocumentOptions,
  type ParseOptions,
  type ScalarTag,
  type SchemaOptions,
  type Tags,
} from 'yaml';
import type { SidecarsetError } from '../errors.js';
import { BINARY_TAG, goBinaryTag } from './go-binary.js';
import { MAX_DOCUMENT_CHARS, MAX_NESTING_DEPTH, tooDeep, tooLarge } from './limits.js';
import { detectStyle } from './style.js';
import { placedError, type Parsed, type SourceDocument } from './types.js';

// kubectl reads YAML as YAML 1.1 (go-yaml v2): `yes` is a boolean and `0644` octal. go-yaml has no
// sexagesimal numbers and keeps unquoted dates as strings, so those YAML 1.1 tags are left out; `!!binary` is
// read as go-yaml reads it (./go-binary.ts).
export const KUBERNETES_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  // yaml's one warning (a collection as a mapping key, read as its text) is not ours to print
  logLevel: 'error',
  customTags: (tags: Tags) =>
    tags
      .filter((t) => !(typeof t === 'object' && (t.format === 'TIME' || t.tag === 'tag:yaml.org,2002:timestamp')))
      .map((t) => (typeof t === 'object' && t.tag === BINARY_TAG ? goBinaryTag(t as ScalarTag) : t)),
};

/** Splits a YAML stream into documents with the exact text of each, so unchanged ones are written back verbatim. */
export class YamlStream {
  private readonly parser: Parser;
  private readonly composer = new Composer(KUBERNETES_YAML);
  private readonly lines = new LineCounter();
  private index: number;
  private held?: Parsed;
  private before = '';
  private directivesBefore = false;
  private partialLine = '';
  // Tokens cover the input without gaps, so a document's exact text is the input from its offset up to the
  // next token's (or the end): sliced from `buffer` (input from `bufferStart` on) once that is known.
  private buffer = '';
  private bufferStart = 0;
  private pendingText?: (text: string) => void;
  private readonly lineAt = (offset: number | undefined): number =>
    offset === undefined ? this.firstLine : this.lines.linePos(offset).line + this.firstLine - 1;

  /** `firstIndex`, `firstLine`: where the text pushed starts in its source (a JSON stream read up to there). */
  constructor(
    private readonly source: string,
    firstIndex = 0,
    private readonly firstLine = 1,
  ) {
    this.index = firstIndex - 1;
    let last = -1;
    // The parser reports the start of input again on each call until it has consumed something.
    this.parser = new Parser((offset) => {
      if (offset > last) this.lines.addNewLine((last = offset));
    });
  }

  push(text: string, final: boolean): Parsed[] {
    const out: Parsed[] = [];
    // The parser only gets whole lines: the yaml library can mis-lex a chunk that ends inside an indentation.
    let input = this.partialLine + text;
    this.partialLine = '';
    if (!final) {
      const cut = input.lastIndexOf('\n') + 1;
      this.partialLine = input.slice(cut);
      input = input.slice(0, cut);
    }
    this.buffer += input;
    for (const token of this.parser.parse(input, !final)) {
      this.settleText(token.offset);
      this.take(token, out);
    }
    // what is left unsettled is the document still being read
    if (this.buffer.length > MAX_DOCUMENT_CHARS) throw this.error(tooLarge(), this.bufferStart);
    if (final) {
      this.settleText(this.bufferStart + this.buffer.length);
      if (this.held) {
        this.held.origin.after += this.before;
        out.push(this.held);
        this.held = undefined;
      }
    }
    return out;
  }

  /** The input up to `end` is known to belong to tokens already taken: settle the last document's text. */
  private settleText(end: number): void {
    const at = end - this.bufferStart;
    this.pendingText?.(this.buffer.slice(0, at));
    this.pendingText = undefined;
    this.buffer = this.buffer.slice(at);
    this.bufferStart = end;
  }

  private take(token: CST.Token, out: Parsed[]): void {
    if (token.type === 'document') {
      this.index++;
      this.takeDocument(token, out);
      return;
    }
    const text = CST.stringify(token);
    switch (token.type) {
      case 'doc-end':
        if (this.held && this.before === '') this.held.origin.after += text;
        else this.before += text;
        return;
      case 'error':
        throw this.error(token.message, token.offset);
      case 'directive':
        this.directivesBefore = true;
        this.before += text;
        return;
      default:
        this.before += text;
    }
  }

  private takeDocument(token: CST.Document, out: Parsed[]): void {
    // composing is recursive: a document nested too deep is refused before it is composed
    if (nestingDepth(token.value) > MAX_NESTING_DEPTH) throw this.error(tooDeep(), token.offset);
    // Each document is composed on its own so that comments between documents stay out of it.
    const doc = [...this.composer.next(token), ...this.composer.end()][0];
    const problem = doc.errors[0];
    if (problem) throw this.error(problem.message, problem.pos[0]);
    const contents = doc.contents;
    if (contents === null || (isScalar(contents) && contents.value === null)) {
      // empty or comment-only: kept as text, never an object
      this.pendingText = (text) => {
        this.before += text;
      };
      return;
    }
    if (this.held) out.push(this.held);
    // The closing comments are kept as text: re-rendered, the yaml library would put a blank line before them.
    doc.comment = null;
    const origin: SourceDocument = {
      source: this.source,
      index: this.index,
      format: 'yaml',
      doc,
      text: '', // settled when the next token arrives
      before: this.before,
      after: '',
      trailer: (token.end ?? []).map((t) => t.source).join(''),
      explicitStart: token.start.some((t) => t.type === 'doc-start'),
      directivesBefore: this.directivesBefore,
      style: detectStyle(token),
      changed: false,
    };
    this.pendingText = (text) => {
      origin.text = text;
    };
    this.held = { origin, lineAt: this.lineAt };
    this.before = '';
    this.directivesBefore = false;
  }

  private error(message: string, offset: number): SidecarsetError {
    return placedError(this.source, Math.max(this.index, 0), this.lineAt(offset), message);
  }
}

/** How deep the collections of a parsed (CST) node nest, walked without recursion. */
function nestingDepth(root: CST.Token | undefined): number {
  let deepest = 0;
  const stack: [CST.Token | undefined, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node?.type !== 'block-map' && node?.type !== 'block-seq' && node?.type !== 'flow-collection') continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > MAX_NESTING_DEPTH) break;
    for (const item of node.items) {
      if ('key' in item) stack.push([item.key ?? undefined, depth + 1]);
      stack.push([item.value, depth + 1]);
    }
  }
  return deepest;
}
