// Documents out: rendered one at a time as a YAML stream (unchanged documents as their exact text, changed ones
// with their own layout) or as JSON, kubectl's way.
import { isSeq, type Document, type ToStringOptions } from 'yaml';
import type { ManifestDocument, ManifestFormat, SourceDocument } from './types.js';

/**
 * The YAML text of one document: its exact source text when unchanged, otherwise re-rendered with the
 * document's own layout. Text around it that belonged to no object (comments, empty documents) is kept.
 * `items` limits a List to the items that were written.
 */
export function renderYamlDocument(origin: SourceDocument, items?: ReadonlySet<number>): string {
  const dropped = origin.listSize !== undefined && items !== undefined && items.size < origin.listSize;
  if (origin.format === 'yaml' && !origin.changed && !dropped) return origin.before + origin.text + origin.after;
  let doc = origin.doc;
  if (dropped) {
    doc = doc.clone();
    const seq = doc.get('items', true);
    if (isSeq(seq)) seq.items = seq.items.filter((_, i) => items.has(i));
  }
  const options: ToStringOptions = { ...origin.style, lineWidth: 0 };
  return origin.before + stringifyDocument(doc, options) + origin.trailer + origin.after;
}

/**
 * doc.toString(options). Before printing, yaml walks the whole document to find which %TAG handles it uses;
 * a document with only the default `!!` handle prints none either way, so the walk is skipped for it.
 */
function stringifyDocument(doc: Document, options: ToStringOptions): string {
  const directives = doc.directives;
  const handles = directives ? Object.entries(directives.tags) : [];
  if (!directives || handles.length !== 1 || handles[0][0] !== '!!' || handles[0][1] !== 'tag:yaml.org,2002:') {
    return doc.toString(options);
  }
  const own = Object.getPrototypeOf(directives) as { toString: (doc?: Document) => string };
  directives.toString = () => own.toString.call(directives);
  try {
    return doc.toString(options);
  } finally {
    delete (directives as { toString?: unknown }).toString;
  }
}

/** Writes documents as they come; `end()` finishes the output. */
export interface ManifestWriter {
  write(md: ManifestDocument): void;
  end(): void;
}

/** Where a YAML stream written so far stands, for joining streams written apart (see yamlSeparator). */
export interface YamlStreamEnd {
  /** documents written */
  count: number;
  endsWithNewline: boolean;
  /** the last document was closed with `...` */
  endsWithDocEnd: boolean;
}

/** What a document needs from the one before it: flags of its SourceDocument. */
export type YamlStreamStart = Pick<SourceDocument, 'explicitStart' | 'directivesBefore'>;

/** The text between the documents of a stream that stands at `end` and the next document. */
export function yamlSeparator(end: YamlStreamEnd, next: YamlStreamStart): string {
  if (end.count === 0) return '';
  let sep = end.endsWithNewline ? '' : '\n';
  // After a document, %directives are only allowed once it has been ended with `...`.
  if (next.directivesBefore && !end.endsWithDocEnd) sep += '...\n';
  else if (!next.explicitStart) sep += '---\n';
  return sep;
}

/**
 * A YAML stream: documents are separated by `---` where the input had it, and where documents from different
 * sources meet. Items of a List are collected and the List is written once its last item arrives (or when
 * another document or end() shows that no more will).
 */
export class YamlWriter implements ManifestWriter {
  /** where the stream stands (after end(): what it ended with) */
  readonly state: YamlStreamEnd = { count: 0, endsWithNewline: true, endsWithDocEnd: false };
  /** flags of the first document written */
  first?: YamlStreamStart;
  private list?: { origin: SourceDocument; items: Set<number> };

  constructor(private readonly out: (chunk: string) => void) {}

  write(md: ManifestDocument): void {
    if (this.list && this.list.origin !== md.origin) this.flushList();
    if (md.listItem === undefined) {
      this.emit(md.origin, renderYamlDocument(md.origin));
      return;
    }
    this.list ??= { origin: md.origin, items: new Set() };
    this.list.items.add(md.listItem);
    if (this.list.items.size === md.origin.listSize) this.flushList();
  }

  end(): void {
    this.flushList();
  }

  private flushList(): void {
    if (!this.list) return;
    const { origin, items } = this.list;
    this.list = undefined;
    this.emit(origin, renderYamlDocument(origin, items));
  }

  private emit(origin: SourceDocument, text: string): void {
    const sep = yamlSeparator(this.state, origin);
    if (sep !== '') this.out(sep);
    this.out(text);
    this.first ??= { explicitStart: origin.explicitStart, directivesBefore: origin.directivesBefore };
    this.state.count++;
    this.state.endsWithNewline = text.endsWith('\n');
    this.state.endsWithDocEnd = /(^|\n)\.\.\.(\s|$)/.test(origin.after);
  }
}

/** `-o json`: one object as itself, several as a v1 List; 2-space indent, trailing newline. */
export class JsonWriter implements ManifestWriter {
  private first?: unknown;
  private count = 0;

  constructor(private readonly out: (chunk: string) => void) {}

  write(md: ManifestDocument): void {
    this.count++;
    if (this.count === 1) {
      this.first = md.object; // held: it is the whole output if nothing follows
      return;
    }
    if (this.count === 2)
      this.out(`{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": [\n${listItem(this.first)}`);
    this.out(`,\n${listItem(md.object)}`);
  }

  end(): void {
    if (this.count === 0) this.out(`${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }, null, 2)}\n`);
    else if (this.count === 1) this.out(`${JSON.stringify(this.first, null, 2)}\n`);
    else this.out('\n  ]\n}\n');
  }
}

function listItem(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/^/gm, '    ');
}

/** Makes a writer that hands its text to `out`: the printer a command chose from -o. */
export type WriterFactory = (out: (chunk: string) => void) => ManifestWriter;

export const yamlWriter: WriterFactory = (out) => new YamlWriter(out);
export const jsonWriter: WriterFactory = (out) => new JsonWriter(out);

/** The documents as one text, as `writer` renders them. */
export function renderText(docs: ManifestDocument[], writer: WriterFactory): string {
  const chunks: string[] = [];
  const w = writer((chunk) => chunks.push(chunk));
  for (const md of docs) w.write(md);
  w.end();
  return chunks.join('');
}

/** The writer of a format: what `-o yaml|json` prints, and how a file is written back in its own format. */
export function writerFor(format: ManifestFormat): WriterFactory {
  return format === 'json' ? jsonWriter : yamlWriter;
}
