// A parsed document turned into the plain value the core reads, directly for the usual document, remembering which
// node each collection was made of (a patch skips an unchanged subtree by identity).
import { isAlias, isCollection, isPair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { SidecarsetError } from '../errors.js';
import { MAX_ALIAS_EXPANSION, tooManyAliases } from './limits.js';
import type { SourceDocument } from './types.js';

/** What a fast path returns for a value it does not handle: the yaml library's own way is taken instead. */
export const UNUSUAL = Symbol('unusual');

/**
 * What `doc.toJS()` gives, built directly for the usual document (maps with scalar keys, sequences, scalars),
 * recording in `origin.plain` the value of each map and sequence. Anything else falls back to the library.
 */
export function plainObjectOf(origin: SourceDocument): unknown {
  const plain = new Map<Node, unknown>();
  const value = toPlain(origin.doc.contents, plain);
  if (value === UNUSUAL) {
    // the yaml library shares what an alias stands for; every later copy would not: the expansion is bounded here
    if (aliasExpansion(origin.doc.contents) > MAX_ALIAS_EXPANSION) {
      throw new SidecarsetError(tooManyAliases(), { source: origin.source, document: origin.index });
    }
    return origin.doc.toJS({ maxAliasCount: -1 });
  }
  origin.plain = plain;
  return value;
}

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
      if (name === '__proto__')
        Object.defineProperty(out, name, { value: v, writable: true, enumerable: true, configurable: true });
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

/**
 * How many nodes the document stands for with every alias expanded. Anchors come before their aliases, so each
 * anchored node is measured once, in document order; the walk stops counting past the limit.
 */
function aliasExpansion(root: unknown): number {
  const anchored = new Map<string, number>();
  let expanded = 0;
  const size = (node: unknown): number => {
    if (expanded > MAX_ALIAS_EXPANSION) return 0;
    if (isAlias(node)) {
      const n = anchored.get(node.source) ?? 1;
      expanded += n;
      return n;
    }
    let n = 1;
    if (isCollection(node)) {
      for (const item of node.items) n += isPair(item) ? size(item.key) + size(item.value) : size(item);
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) anchored.set(anchor, n);
    return n;
  };
  size(root);
  return expanded;
}
