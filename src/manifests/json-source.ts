// Inputs read whole, with a fast path for JSON: `kubectl get pods -A -o json` of a large cluster is one JSON
// value of a hundred megabytes and more, which JSON.parse reads directly, while the general reader
// (documents.ts) builds a YAML document model of it to keep its layout for writing back. Commands that only read
// objects (plan-rollout) use this. A source whose first non-blank character is `{` (kubectl's rule for JSON)
// and that is one valid JSON value gives its object, or the items of a List, as documents; anything else
// (YAML, a stream of several JSON objects, invalid JSON, an item that is not a Kubernetes object) goes
// through the general reader, which gives the same objects and the same errors with their place.
import { parseManifests, parseSourceText } from './documents.js';
import { readSourceFile, readStream, resolveSources, STDIN_SOURCE, type ReadOptions } from './sources.js';
import { listItemType, typedItem } from './list-items.js';
import type { ManifestDocument } from './types.js';
import { decodeUtf8 } from './utf8.js';

/** One object of an input; `origin` is there when it came through the general reader. */
export type InputDocument = Pick<ManifestDocument, 'source' | 'index' | 'listItem' | 'object'> &
  Partial<Pick<ManifestDocument, 'origin'>>;

/** Reads every -f input in order, as readManifests resolves them: files, directories (-R descends), `-` for stdin. */
export async function* readInputDocuments(paths: string[], opts: ReadOptions): AsyncGenerator<InputDocument> {
  for (const file of await resolveSources(paths, opts.recursive ?? false)) {
    const source = file === '-' ? STDIN_SOURCE : file;
    const text =
      file === '-'
        ? decodeUtf8(await readStream(opts.stdin, source), source)
        : (await readSourceFile(file, source)).text;
    yield* documentsOf(source, text);
  }
}

/** The documents of one source's text: by JSON.parse when it is one JSON value of objects, else the general reader. */
export async function* documentsOf(source: string, text: string): AsyncGenerator<InputDocument> {
  const fast = jsonDocuments(text, source);
  if (fast) yield* fast;
  else yield* parseSourceText({ source, text });
}

/** A document as the general reader gives it (with its YAML node), for the few objects that need one. */
export function toManifestDocument(doc: InputDocument): ManifestDocument {
  if (doc.origin) return doc as ManifestDocument;
  const [parsed] = parseManifests(JSON.stringify(doc.object), doc.source);
  return { ...parsed, index: doc.index, listItem: doc.listItem };
}

/** The documents of a source that is one JSON value of Kubernetes objects; undefined when it is not. */
export function jsonDocuments(text: string, source: string): InputDocument[] | undefined {
  if (firstNonBlank(text) !== '{') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const object = value as Record<string, unknown>;
  const items = object.items;
  if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(items)) {
    const type = listItemType(object);
    const typed = type ? items.map((item) => typedItem(item, type)) : items;
    if (!typed.every(isKubernetesObject)) return undefined;
    return typed.map((item: Record<string, unknown>, listItem) => ({ source, index: 0, listItem, object: item }));
  }
  return isKubernetesObject(object) ? [{ source, index: 0, object }] : undefined;
}

// What the general reader accepts as an object: a mapping with a non-empty apiVersion and kind.
function isKubernetesObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return typeof o.apiVersion === 'string' && o.apiVersion !== '' && typeof o.kind === 'string' && o.kind !== '';
}

function firstNonBlank(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t' && c !== '\uFEFF') return c;
  }
  return undefined;
}
