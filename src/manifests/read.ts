// Documents in: resolves -f inputs the way kubectl does and parses each source, one document at a time,
// into plain objects for the core plus what the writer needs to put them back as they were.

import { readdirSync, readFileSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import {
  Composer,
  CST,
  Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
  Scalar,
  YAMLMap,
  YAMLSeq,
  type Node,
  type DocumentOptions,
  type ParseOptions,
  type SchemaOptions,
  type ScalarTag,
  type Tags,
} from 'yaml';
import { SidecarsetError, UsageError } from '../errors.js';
import { BINARY_TAG, goBinaryTag } from './go-binary.js';

export type ManifestFormat = 'yaml' | 'json';

/** Layout conventions of a YAML document, so that re-rendered and new nodes look like the rest of it. */
export interface YamlStyle {
  indent: number;
  indentSeq: boolean;
  flowCollectionPadding: boolean;
}

/**
 * One document of a source stream, as parsed: the unit the writer renders. All items of a List share one.
 * `before + text + after` of every document of a source reproduce the source exactly.
 */
export interface SourceDocument {
  source: string;
  /** 0-based position in the source's stream of documents (empty documents count) */
  index: number;
  format: ManifestFormat;
  /** the yaml Document to patch; for JSON input a block-style document built from the value */
  doc: Document;
  /** exact source text of the document ('' for JSON, which is always re-rendered) */
  text: string;
  /** source text before it that belongs to no kept document: comments, directives, empty documents */
  before: string;
  /** source text after it: a `...` marker and, for a source's last document, whatever trails it */
  after: string;
  /** exact text of the comments that close the document (part of `text`), re-used when it is re-rendered */
  trailer: string;
  /** the document carries its own `---` marker */
  explicitStart: boolean;
  /** `before` holds %directives (a writer joining streams must end the previous document with `...`) */
  directivesBefore: boolean;
  style: YamlStyle;
  /** for a List: how many items it has (each is a ManifestDocument of its own) */
  listSize?: number;
  /** set by patchDocument once the document no longer matches `text` */
  changed: boolean;
  /**
   * Each map and sequence node -> the plain value made of it for `ManifestDocument.object`, while the node is
   * unchanged (patchDocument forgets the nodes it edits). Lets a patch skip a subtree by identity. Absent when
   * the document was converted by the yaml library (aliases, merge keys, special tags).
   */
  plain?: Map<Node, unknown>;
}

/** One Kubernetes object read from a source. */
export interface ManifestDocument {
  /** path as the user gave it (joined with the file name inside a directory), or "<stdin>" */
  source: string;
  /** 0-based position in the source's stream of documents */
  index: number;
  /** position inside a List document */
  listItem?: number;
  /** plain value the core reads; patchDocument keeps it in step with the yaml document */
  object: Record<string, unknown>;
  origin: SourceDocument;
}

export interface ReadOptions {
  recursive?: boolean;
  /** what `-` reads */
  stdin: NodeJS.ReadableStream;
}

// Synchronous underneath: a command reads its inputs before anything else happens, and the thread pool behind
// asynchronous file calls (a round trip per open, stat, read and close) costs more start-up than it saves.
// Failures still arrive as rejections.
function stat(file: string): Promise<Stats> {
  return new Promise((resolve) => resolve(statSync(file)));
}
function readdir(dir: string, options: { withFileTypes: true }): Promise<Dirent[]> {
  return new Promise((resolve) => resolve(readdirSync(dir, options)));
}
function readFile(file: string): Promise<Buffer> {
  return new Promise((resolve) => resolve(readFileSync(file)));
}

export const STDIN_SOURCE = '<stdin>';
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Reads every -f input in order: files, directories (lexical order, -R descends), `-` for stdin. */
export async function* readManifests(paths: string[], opts: ReadOptions): AsyncGenerator<ManifestDocument> {
  for (const file of await resolveSources(paths, opts.recursive ?? false)) {
    if (file === '-') yield* parseManifestStream(opts.stdin, STDIN_SOURCE);
    else yield* parseSourceText(await readSourceFile(file, file));
  }
}

/** One input read whole, for callers that look at the text before parsing it. */
export interface SourceText {
  source: string;
  text: string;
}

/** The -f inputs as text, in order (same resolution as readManifests). */
export async function readSourceTexts(paths: string[], opts: ReadOptions): Promise<SourceText[]> {
  const out: SourceText[] = [];
  for (const file of await resolveSources(paths, opts.recursive ?? false)) {
    const source = file === '-' ? STDIN_SOURCE : file;
    // Decoded whole (a BOM dropped, bad bytes replaced), not in `stream` mode: for a large input that gives a
    // two-byte string, twice the memory and slower to parse.
    out.push(file === '-' ? { source, text: new TextDecoder().decode(await readStream(opts.stdin, source)) } : await readSourceFile(file, source));
  }
  return out;
}

/** A file read whole and decoded (a BOM dropped, bad bytes replaced); a failure to read names the source. */
export async function readSourceFile(file: string, source: string): Promise<SourceText> {
  const bytes = await readFile(file).catch((err: unknown) => Promise.reject(readFailure(err, source)));
  return { source, text: new TextDecoder().decode(bytes) };
}

/** All the bytes of a stream (stdin); a failure to read names the source. */
export async function readStream(stream: NodeJS.ReadableStream, source: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  } catch (err) {
    throw readFailure(err, source);
  }
  return Buffer.concat(chunks);
}

/** Parses a text already in memory one slice at a time, so only the current document is held parsed. */
export function parseSourceText(src: SourceText): AsyncGenerator<ManifestDocument> {
  const SLICE = 1 << 16;
  async function* slices(): AsyncGenerator<string> {
    for (let i = 0; i < src.text.length; i += SLICE) yield src.text.slice(i, i + SLICE);
  }
  return parseManifestStream(slices(), src.source);
}

// Like kubectl, every path is checked before anything is read, so a typo fails before any output.
/** The files the -f values name, in order ('-' for standard input, which may be given once). */
export async function resolveSources(paths: string[], recursive: boolean): Promise<string[]> {
  const sources: string[] = [];
  for (const p of paths) {
    if (p === '-') {
      if (sources.includes('-')) throw new UsageError('stdin ("-") can be given to -f only once');
      sources.push('-');
    } else {
      sources.push(...(await listManifestFiles(p, recursive)));
    }
  }
  return sources;
}

/** The files a -f value stands for: the file itself, or a directory's .yaml/.yml/.json files. */
export async function listManifestFiles(p: string, recursive: boolean): Promise<string[]> {
  const info = await stat(p).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
      throw new SidecarsetError(`the path "${p}" does not exist`, { source: p });
    }
    throw new SidecarsetError(`${p}: cannot read: ${err.message}`, { source: p });
  });
  if (!info.isDirectory()) return [p];
  const out: string[] = [];
  await walkDirectory(p, recursive, out);
  return out;
}

async function walkDirectory(dir: string, recursive: boolean, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive) await walkDirectory(full, recursive, out);
    } else if (MANIFEST_EXTENSIONS.has(path.extname(entry.name))) {
      out.push(full);
    }
  }
}

/** Parses a stream of text (a file, stdin), yielding each object as soon as its document is complete. */
export async function* parseManifestStream(
  chunks: AsyncIterable<string | Uint8Array>,
  source: string,
): AsyncGenerator<ManifestDocument> {
  const parser = new ManifestParser(source);
  const decoder = new TextDecoder();
  try {
    for await (const chunk of chunks) {
      yield* parser.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    }
  } catch (err) {
    throw readFailure(err, source);
  }
  yield* parser.push(decoder.decode(), true);
}

/** Parses a whole text at once (tests, objects already in memory). */
export function parseManifests(text: string, source: string): ManifestDocument[] {
  return new ManifestParser(source).push(text, true);
}

function readFailure(err: unknown, source: string): unknown {
  if (err instanceof SidecarsetError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return new SidecarsetError(`the path "${source}" does not exist`, { source });
  if (e.code) return new SidecarsetError(`${source}: cannot read: ${e.message}`, { source });
  return err;
}

// ---------------------------------------------------------------------------------------------------------
// Parsing

// kubectl reads YAML as YAML 1.1 (go-yaml v2): `yes` is a boolean and `0644` octal. go-yaml has no
// sexagesimal numbers and keeps unquoted dates as strings, so those YAML 1.1 tags are left out; `!!binary` is
// read as go-yaml reads it (./go-binary.ts).
const KUBERNETES_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  // yaml's one warning (a collection as a mapping key, read as its text) is not ours to print
  logLevel: 'error',
  customTags: (tags: Tags) =>
    tags
      .filter((t) => !(typeof t === 'object' && (t.format === 'TIME' || t.tag === 'tag:yaml.org,2002:timestamp')))
      .map((t) => (typeof t === 'object' && t.tag === BINARY_TAG ? goBinaryTag(t as ScalarTag) : t)),
};

const DEFAULT_STYLE: YamlStyle = { indent: 2, indentSeq: false, flowCollectionPadding: false };

/** A parsed document and how to turn an offset in it into a 1-based line of its source. */
interface Parsed {
  origin: SourceDocument;
  lineAt: (offset: number | undefined) => number;
}

/** Incremental parser for one source: push text as it arrives; JSON or YAML is decided by the first character. */
class ManifestParser {
  private head = '';
  private inner?: YamlStream | JsonStream;

  constructor(private readonly source: string) {}

  push(text: string, final = false): ManifestDocument[] {
    if (!this.inner) {
      // kubectl's rule: input whose first non-blank character is `{` is JSON, anything else YAML.
      this.head += text;
      const first = /[^\s\uFEFF]/.exec(this.head);
      if (!first && !final) return [];
      this.inner = first?.[0] === '{' ? new JsonStream(this.source) : new YamlStream(this.source);
      text = this.head;
      this.head = '';
    }
    return this.inner.push(text, final).flatMap((d) => manifestsOf(d.origin, d.lineAt));
  }
}

/** Splits a YAML stream into documents with the exact text of each, so unchanged ones are written back verbatim. */
class YamlStream {
  private readonly parser: Parser;
  private readonly composer = new Composer(KUBERNETES_YAML);
  private readonly lines = new LineCounter();
  private index = -1;
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
    offset === undefined ? 1 : this.lines.linePos(offset).line;

  constructor(private readonly source: string) {
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

/** Splits a JSON stream (one object, or several in a row) into objects, like kubectl's JSON decoder. */
class JsonStream {
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

function placedError(source: string, index: number, line: number, message: string): SidecarsetError {
  // The place goes in `place`; the CLI prints it in front of the message (src/cli/errors.ts).
  return new SidecarsetError(message, {
    source,
    document: index,
    line,
  });
}

// ---------------------------------------------------------------------------------------------------------
// From documents to objects

/** The objects of a document: itself, or each item of a List. */
function manifestsOf(origin: SourceDocument, lineAt: Parsed['lineAt']): ManifestDocument[] {
  const { doc, source, index } = origin;
  const line = () => lineAt(doc.contents?.range?.[0]);
  if (!isMap(doc.contents)) {
    const found = isSeq(doc.contents) ? 'a sequence' : 'a scalar';
    throw notAnObject(origin, line(), `expected a Kubernetes object (a mapping with apiVersion and kind), found ${found}`);
  }
  const object = plainObjectOf(origin) as Record<string, unknown>;
  const items = object.items;
  if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(items)) {
    const nodes = doc.get('items');
    origin.listSize = items.length;
    return items.map((item, i) => {
      const node = isSeq(nodes) ? nodes.items[i] : undefined;
      const itemLine = lineAt((node as { range?: [number, number, number] } | undefined)?.range?.[0]);
      checkObject(item, origin, itemLine, `items[${i}]: `);
      return { source, index, listItem: i, object: item as Record<string, unknown>, origin };
    });
  }
  checkObject(object, origin, line(), '');
  return [{ source, index, object, origin }];
}

/**
 * What `doc.toJS()` gives, built directly for the usual document (maps with scalar keys, sequences, scalars),
 * recording in `origin.plain` the value of each map and sequence. Anything else falls back to the library.
 */
function plainObjectOf(origin: SourceDocument): unknown {
  const plain = new Map<Node, unknown>();
  const value = toPlain(origin.doc.contents, plain);
  if (value === UNUSUAL) return origin.doc.toJS();
  origin.plain = plain;
  return value;
}

const UNUSUAL = Symbol('unusual');

// Mirrors yaml's toJS with `keep` (Document#toJS): a scalar gives its value as is; a map key its String().
function toPlain(node: unknown, plain: Map<Node, unknown>): unknown {
  if (node === null) return null;
  const proto: unknown = Object.getPrototypeOf(node);
  if (proto === Scalar.prototype) return (node as Scalar).value;
  if (proto === YAMLMap.prototype) {
    const map = node as YAMLMap;
    const out: Record<string, unknown> = {};
    for (const { key, value } of map.items) {
      let name: string;
      if (key === null) name = '';
      else if (Object.getPrototypeOf(key) !== Scalar.prototype) return UNUSUAL;
      else {
        const k = (key as Scalar).value;
        // `<<` may be a merge key (its value is then a symbol); a key of another type has no name here
        if (k === '<<' || (typeof k === 'object' && k !== null) || typeof k === 'symbol') return UNUSUAL;
        name = k === null ? '' : String(k);
      }
      const v = toPlain(value, plain);
      if (v === UNUSUAL) return UNUSUAL;
      // as yaml does, `__proto__` becomes an own property (assignment would set the prototype)
      if (name === '__proto__') Object.defineProperty(out, name, { value: v, writable: true, enumerable: true, configurable: true });
      else out[name] = v;
    }
    plain.set(map, out);
    return out;
  }
  if (proto === YAMLSeq.prototype) {
    const seq = node as YAMLSeq;
    const out: unknown[] = [];
    for (const item of seq.items) {
      const v = toPlain(item, plain);
      if (v === UNUSUAL) return UNUSUAL;
      out.push(v);
    }
    plain.set(seq, out);
    return out;
  }
  return UNUSUAL; // aliases, pairs in a sequence, !!set, !!omap...
}

function checkObject(value: unknown, origin: SourceDocument, line: number, prefix: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw notAnObject(origin, line, `${prefix}expected a Kubernetes object (a mapping with apiVersion and kind)`);
  }
  const o = value as Record<string, unknown>;
  for (const field of ['apiVersion', 'kind']) {
    if (typeof o[field] !== 'string' || o[field] === '') {
      throw notAnObject(origin, line, `${prefix}not a Kubernetes object: "${field}" is missing`);
    }
  }
}

function notAnObject(origin: SourceDocument, line: number, message: string): SidecarsetError {
  return placedError(origin.source, origin.index, line, message);
}

// ---------------------------------------------------------------------------------------------------------
// Layout detection

/** Reads indentation width, sequence indentation and flow padding from the document's own text. */
function detectStyle(token: CST.Document): YamlStyle {
  const style = { ...DEFAULT_STYLE };
  let indent: number | undefined;
  let indentSeq: boolean | undefined;
  let padding: boolean | undefined;
  const walk = (node: CST.Token | undefined): void => {
    if (!node) return;
    if (node.type === 'block-map') {
      for (const item of node.items) {
        const v = item.value;
        if (v?.type === 'block-map' && indent === undefined) indent = v.indent - node.indent;
        if (v?.type === 'block-seq' && indentSeq === undefined) indentSeq = v.indent > node.indent;
        walk(v);
      }
    } else if (node.type === 'block-seq') {
      for (const item of node.items) walk(item.value);
    } else if (node.type === 'flow-collection') {
      if (padding === undefined && node.items.length > 0) {
        padding = node.items[0].start.some((t) => t.type === 'space');
      }
      for (const item of node.items) walk(item.value);
    }
  };
  walk(token.value);
  if (indent !== undefined && indent > 0) style.indent = indent;
  if (indentSeq !== undefined) style.indentSeq = indentSeq;
  if (padding !== undefined) style.flowCollectionPadding = padding;
  return style;
}
