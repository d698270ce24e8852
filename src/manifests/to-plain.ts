// A parsed document turned into the plain value the core reads, directly for the usual document, remembering which
// node each collection was made of (a patch skips an unchanged subtree by identity).
import { Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
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
  if (value === UNUSUAL) return origin.doc.toJS();
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
