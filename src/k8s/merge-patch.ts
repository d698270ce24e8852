// JSON merge patch (RFC 7386) with the exact output of github.com/evanphx/json-patch v5.6.0 MergePatch, which
// Kruise uses for patchPodMetadata "MergePatchJson". Its output is not a plain re-serialisation:
//   - an object it had to look into (the document, objects present on both sides, objects it pruned of nulls)
//     is written with keys sorted, Go-escaped;
//   - any value it did not look into is written as it came, only compacted (whitespace removed) and with
//     < > & U+2028 U+2029 escaped inside strings (Go's json.Compact with HTML escaping), so numbers keep
//     their spelling and untouched objects keep their key order.
import { goJsonString } from '../go/json-string.js';
import { compareGoStrings } from '../go/sort.js';

// A value of the source text, by position; objects and arrays know their children.
interface Span {
  type: 'object' | 'array' | 'scalar';
  start: number;
  end: number;
  members?: { key: string; value: Span | null }[]; // null: the literal null
  items?: (Span | null)[];
}

// A json-patch lazyNode: raw text until it is looked into as a document or an array.
type LazyNode =
  | { which: 'raw'; src: string; span: Span }
  | { which: 'doc'; doc: PartialDoc }
  | { which: 'ary'; ary: (LazyNode | null)[] };
type PartialDoc = Map<string, LazyNode | null>;

export class MergePatchError extends Error {}

/** MergePatch(doc, patch) as bytes-in, bytes-out. Throws MergePatchError with json-patch's message. */
export function goMergePatch(docText: string, patchText: string): string {
  const doc = parseTop(docText);
  const patch = parseTop(patchText);
  if (doc === 'syntax') throw new MergePatchError('Invalid JSON Document');
  if (patch === 'syntax') throw new MergePatchError('Invalid JSON Patch');
  if (doc.span === null) throw new MergePatchError('Invalid JSON Document');
  if (patch.span === null) throw new MergePatchError('Invalid JSON Patch');

  if (doc.span.type !== 'object' || patch.span.type !== 'object') {
    // Not a document on one side: the result is the patch, pruned of nulls.
    if (patch.span.type === 'object')
      return marshal({ which: 'doc', doc: pruneDocNulls(docOf(patch.src, patch.span)) });
    if (patch.span.type !== 'array') throw new MergePatchError('Invalid JSON Patch');
    const ary = aryOf(patch.src, patch.span);
    pruneAryNulls(ary);
    return marshal({ which: 'ary', ary });
  }
  const merged = docOf(doc.src, doc.span);
  mergeDocs(merged, docOf(patch.src, patch.span));
  return marshal({ which: 'doc', doc: merged });
}

function mergeDocs(doc: PartialDoc, patch: PartialDoc): void {
  for (const [k, v] of patch) {
    if (v === null) {
      doc.delete(k);
      continue;
    }
    const cur = doc.get(k);
    if (cur === undefined || cur === null) {
      pruneNulls(v);
      doc.set(k, v);
    } else doc.set(k, merge(cur, v));
  }
}

function merge(cur: LazyNode, patch: LazyNode): LazyNode {
  const curDoc = intoDoc(cur);
  if (!curDoc) {
    pruneNulls(patch);
    return patch;
  }
  const patchDoc = intoDoc(patch);
  if (!patchDoc) return patch;
  mergeDocs(curDoc, patchDoc);
  return cur;
}

function pruneNulls(n: LazyNode): void {
  const doc = intoDoc(n);
  if (doc) pruneDocNulls(doc);
  else {
    const ary = intoAry(n);
    if (ary) pruneAryNulls(ary);
  }
}

function pruneDocNulls(doc: PartialDoc): PartialDoc {
  for (const [k, v] of [...doc]) {
    if (v === null) doc.delete(k);
    else pruneNulls(v);
  }
  return doc;
}

function pruneAryNulls(ary: (LazyNode | null)[]): void {
  for (const v of ary) if (v !== null) pruneNulls(v);
}

// Turns a node into a document in place (json-patch's intoDoc); undefined when it is not an object.
function intoDoc(n: LazyNode): PartialDoc | undefined {
  if (n.which === 'doc') return n.doc;
  if (n.which !== 'raw' || n.span.type !== 'object') return undefined;
  const doc = docOf(n.src, n.span);
  Object.assign(n, { which: 'doc', doc });
  return doc;
}

function intoAry(n: LazyNode): (LazyNode | null)[] | undefined {
  if (n.which === 'ary') return n.ary;
  if (n.which !== 'raw' || n.span.type !== 'array') return undefined;
  const ary = aryOf(n.src, n.span);
  Object.assign(n, { which: 'ary', ary });
  return ary;
}

function docOf(src: string, span: Span): PartialDoc {
  const doc: PartialDoc = new Map();
  for (const m of span.members ?? []) doc.set(m.key, m.value === null ? null : { which: 'raw', src, span: m.value });
  return doc;
}

function aryOf(src: string, span: Span): (LazyNode | null)[] {
  return (span.items ?? []).map((s) => (s === null ? null : { which: 'raw', src, span: s }));
}

function marshal(n: LazyNode | null): string {
  if (n === null) return 'null';
  switch (n.which) {
    case 'raw':
      return compactHtmlEscaped(n.src.slice(n.span.start, n.span.end));
    case 'doc': {
      const keys = [...n.doc.keys()].sort(compareGoStrings);
      return `{${keys.map((k) => `${goJsonString(k)}:${marshal(n.doc.get(k) ?? null)}`).join(',')}}`;
    }
    case 'ary':
      return `[${n.ary.map(marshal).join(',')}]`;
  }
}

// json.Compact with HTML escaping: drop insignificant whitespace, escape < > & U+2028 U+2029.
function compactHtmlEscaped(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') {
        out += ch + text[i + 1];
        i++;
        continue;
      }
      if (ch === '"') inString = false;
      out += ESCAPES[ch] ?? ch;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r') out += ch;
  }
  return out;
}

const ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

// ---- a span parser for text JSON.parse has already accepted ----

function parseTop(src: string): { src: string; span: Span | null } | 'syntax' {
  try {
    JSON.parse(src);
  } catch {
    return 'syntax';
  }
  const p = { src, i: 0 };
  return { src, span: parseValue(p) };
}

interface Cursor {
  src: string;
  i: number;
}

function skipWs(p: Cursor): void {
  while (p.i < p.src.length && ' \t\n\r'.includes(p.src[p.i])) p.i++;
}

function parseValue(p: Cursor): Span | null {
  skipWs(p);
  const start = p.i;
  const ch = p.src[p.i];
  if (ch === '{') {
    p.i++;
    const members: { key: string; value: Span | null }[] = [];
    skipWs(p);
    if (p.src[p.i] === '}') p.i++;
    else {
      for (;;) {
        skipWs(p);
        const keyStart = p.i;
        skipString(p);
        const key = JSON.parse(p.src.slice(keyStart, p.i)) as string;
        skipWs(p);
        p.i++; // ':'
        members.push({ key, value: parseValue(p) });
        skipWs(p);
        if (p.src[p.i++] === '}') break; // else ','
      }
    }
    return { type: 'object', start, end: p.i, members };
  }
  if (ch === '[') {
    p.i++;
    const items: (Span | null)[] = [];
    skipWs(p);
    if (p.src[p.i] === ']') p.i++;
    else {
      for (;;) {
        items.push(parseValue(p));
        skipWs(p);
        if (p.src[p.i++] === ']') break;
      }
    }
    return { type: 'array', start, end: p.i, items };
  }
  if (ch === '"') {
    skipString(p);
    return { type: 'scalar', start, end: p.i };
  }
  while (p.i < p.src.length && !' \t\n\r,]}'.includes(p.src[p.i])) p.i++;
  if (p.src.slice(start, p.i) === 'null') return null;
  return { type: 'scalar', start, end: p.i };
}

function skipString(p: Cursor): void {
  p.i++; // opening quote
  while (p.src[p.i] !== '"') p.i += p.src[p.i] === '\\' ? 2 : 1;
  p.i++;
}
