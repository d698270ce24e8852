// Documents in: each source parsed, one document at a time, into plain objects for the core plus what the writer
// needs to put them back as they were. JSON or YAML is decided by kubectl's rule (first non-blank character `{`).
import { isMap, isSeq } from 'yaml';
import { Declined, type SidecarsetError } from '../errors.js';
import { JsonStream } from './json-stream.js';
import {
  readFailure,
  readSourceFile,
  resolveSources,
  STDIN_SOURCE,
  type ReadOptions,
  type SourceText,
} from './sources.js';
import { listItemType, typedItem } from './list-items.js';
import { plainObjectOf } from './to-plain.js';
import { placedError, type ManifestDocument, type Parsed, type SourceDocument } from './types.js';
import { Utf8Chunks } from './utf8.js';
import { YamlStream } from './yaml-stream.js';

/** Reads every -f input in order: files, directories (lexical order, -R descends), `-` for stdin. */
export async function* readManifests(paths: string[], opts: ReadOptions): AsyncGenerator<ManifestDocument> {
  for (const file of await resolveSources(paths, opts.recursive ?? false)) {
    if (file === '-') yield* parseManifestStream(opts.stdin, STDIN_SOURCE);
    else yield* parseSourceText(await readSourceFile(file, file));
  }
}

/** Parses a text already in memory one slice at a time, so only the current document is held parsed. */
export function parseSourceText(src: SourceText): AsyncGenerator<ManifestDocument> {
  const SLICE = 1 << 16;
  async function* slices(): AsyncGenerator<string> {
    for (let i = 0; i < src.text.length; i += SLICE) yield src.text.slice(i, i + SLICE);
  }
  return parseManifestStream(slices(), src.source);
}

/** Parses a stream of text (a file, stdin), yielding each object as soon as its document is complete. */
export async function* parseManifestStream(
  chunks: AsyncIterable<string | Uint8Array>,
  source: string,
): AsyncGenerator<ManifestDocument> {
  const parser = new ManifestParser(source);
  const decoder = new Utf8Chunks(source);
  try {
    for await (const chunk of chunks) {
      yield* parser.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk));
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
    return this.parse(this.inner, text, final).flatMap((d) => manifestsOf(d.origin, d.lineAt));
  }

  /** The documents complete in `text`; where a JSON stream declines, YAML reads on from the same place. */
  private parse(inner: YamlStream | JsonStream, text: string, final: boolean): Parsed[] {
    try {
      return inner.push(text, final);
    } catch (err) {
      if (!(err instanceof Declined) || !(inner instanceof JsonStream) || !inner.rest) throw err;
      const { rest } = inner;
      this.inner = new YamlStream(this.source, rest.index, rest.line);
      return [...rest.parsed, ...this.inner.push(rest.text, final)];
    }
  }
}

/** The objects of a document: itself, or each item of a List. */
function manifestsOf(origin: SourceDocument, lineAt: Parsed['lineAt']): ManifestDocument[] {
  const { doc, source, index } = origin;
  const line = () => lineAt(doc.contents?.range?.[0]);
  if (!isMap(doc.contents)) {
    const found = isSeq(doc.contents) ? 'a sequence' : 'a scalar';
    throw notAnObject(
      origin,
      line(),
      `expected a Kubernetes object (a mapping with apiVersion and kind), found ${found}`,
    );
  }
  const object = plainObjectOf(origin) as Record<string, unknown>;
  const items = object.items;
  if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(items)) {
    const nodes = doc.get('items');
    origin.listSize = items.length;
    const type = listItemType(object);
    return items.map((read, i) => {
      const node = isSeq(nodes) ? nodes.items[i] : undefined;
      const itemLine = lineAt((node as { range?: [number, number, number] } | undefined)?.range?.[0]);
      const item = typedItem(read, type);
      checkObject(item, origin, itemLine, `items[${i}]: `);
      const md: ManifestDocument = { source, index, listItem: i, object: item as Record<string, unknown>, origin };
      if (item !== read) md.listType = type;
      return md;
    });
  }
  checkObject(object, origin, line(), '');
  return [{ source, index, object, origin }];
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
