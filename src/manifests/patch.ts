// Documents changed: the parsed YAML patched in place, so that everything the tool does not change keeps its
// comments, quoting and key order.
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Pair,
  Scalar,
  visit,
  type Document,
  type Node,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { isObject } from '../k8s/api.js';
import { deepEqual } from '../k8s/deep-equal.js';
import { typedItem } from './list-items.js';
import { forgetRendering, makeNode } from './made-nodes.js';
import { UNUSUAL } from './to-plain.js';
import type { ManifestDocument } from './types.js';

/**
 * Makes the object's value at `path` (relative to the object; [] is the whole object) equal `value`, editing the
 * yaml document as little as possible. `undefined` removes the key. Returns whether anything changed.
 * This is the only way to change a document: `md.object` is refreshed from the patched document.
 */
export function patchDocument(md: ManifestDocument, path: string[], value: unknown): boolean {
  const prefix = md.listItem === undefined ? [] : ['items', md.listItem];
  const { doc } = md.origin;
  const patcher = new Patcher(doc, md.origin.plain);
  doc.contents = patcher.patchAt(doc.contents as Node | null, [...prefix, ...path], value) as Document['contents'];
  if (patcher.changed) {
    md.origin.changed = true;
    refreshObject(md, () => (prefix.length === 0 ? doc.contents : doc.getIn(prefix, true)) as Node);
  }
  return patcher.changed;
}

/** `md.object` becomes the patched node's value, converted when first read (the YAML writer never reads it). */
function refreshObject(md: ManifestDocument, node: () => Node): void {
  let object: Record<string, unknown> | undefined;
  Object.defineProperty(md, 'object', {
    configurable: true,
    enumerable: true,
    get: () => (object ??= typedItem(node().toJS(md.origin.doc), md.listType) as Record<string, unknown>),
    set: (value: Record<string, unknown>) => {
      Object.defineProperty(md, 'object', { value, writable: true, enumerable: true, configurable: true });
    },
  });
}

type Plain = Record<string, unknown>;

class Patcher {
  changed = false;
  // Nodes from the root to the one being patched: an edit below an anchor must not leak through its aliases.
  private readonly ancestors: Node[] = [];
  private readonly detached = new Set<Node>();

  /** `plain`: SourceDocument.plain, the values unchanged collections stand for (kept up to date here). */
  constructor(
    private readonly doc: Document,
    private readonly plain?: Map<Node, unknown>,
  ) {}

  patchAt(node: Node | null, path: (string | number)[], value: unknown): Node | null {
    if (path.length === 0) return this.patch(node, value);
    const [key, ...rest] = path;
    if (isAlias(node) && deepEqual(jsAt(node.resolve(this.doc)?.toJS(this.doc), path), value)) return node;
    const target = isAlias(node) ? this.materialize(node) : node;
    if (isMap(target) && typeof key === 'string') {
      return this.within(target, () => {
        const pair = findPair(target, key);
        if (pair) {
          if (rest.length === 0 && value === undefined) {
            this.touch();
            target.items.splice(target.items.indexOf(pair), 1);
          } else {
            pair.value = this.patchAt(pair.value as Node | null, rest, value);
          }
        } else if (!isAbsent(value)) {
          this.touch();
          target.items.push(new Pair(new Scalar(key), this.create(nest(rest, value))));
        }
        return target;
      });
    }
    if (isSeq(target) && typeof key === 'number') {
      if (key >= target.items.length) throw new RangeError(`no item ${key} in a sequence of ${target.items.length}`);
      return this.within(target, () => {
        target.items[key] = this.patchAt(target.items[key] as Node | null, rest, value);
        return target;
      });
    }
    // Missing or of another shape: build what the path needs (value at the end of the path).
    if (isAbsent(value) && (node === null || (isScalar(node) && node.value === null))) return node;
    return this.patch(node, nest(path, value));
  }

  /** Returns the node for `value`: `node` itself, edited, when it can be kept. */
  patch(node: Node | null, value: unknown): Node | null {
    // The very value this unchanged collection was read as: nothing to do below it.
    if (node !== null && typeof value === 'object' && value !== null && this.plain?.get(node) === value) return node;
    if (value === undefined) value = null;
    if (node === null && value === null) return null;
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (target && deepEqual(target.toJS(this.doc), value)) return node;
      node = this.materialize(node);
    }
    if (isObject(value)) {
      if (isMap(node)) return this.within(node, () => this.patchMap(node, value));
    } else if (Array.isArray(value)) {
      if (isSeq(node)) return this.within(node, () => this.patchSeq(node, value));
    } else if (isScalar(node)) {
      if (node.value === value) return node;
      if (typeof node.value === typeof value && value !== null && node.value !== null) {
        this.within(node, () => this.touch());
        node.value = value; // keeps quoting, block style and number format
        return node;
      }
    }
    this.touch();
    const created = this.create(value);
    if (node && created) {
      created.commentBefore = node.commentBefore;
      created.spaceBefore = node.spaceBefore;
      if (isScalar(node) && isScalar(created)) created.comment = node.comment;
    }
    return created;
  }

  private patchMap(map: YAMLMap, value: Plain): YAMLMap {
    unflowIfEmpty(map, Object.keys(value).length);
    const present = new Set<string>();
    for (const pair of [...map.items]) {
      const key = keyOf(pair);
      present.add(key);
      if (!Object.hasOwn(value, key) || value[key] === undefined) {
        this.touch();
        map.items.splice(map.items.indexOf(pair), 1);
      } else {
        pair.value = this.patch(pair.value as Node | null, value[key]);
      }
    }
    for (const [key, v] of Object.entries(value)) {
      if (present.has(key) || isAbsent(v)) continue;
      this.touch();
      map.items.push(new Pair(new Scalar(key), this.create(v))); // as doc.createPair(key, node) makes it
    }
    return map;
  }

  private patchSeq(seq: YAMLSeq, values: unknown[]): YAMLSeq {
    unflowIfEmpty(seq, values.length);
    const old = seq.items as (Node | null)[];
    const identify = identityFor(values);
    let next: (Node | null)[];
    if (identify) {
      // Items are followed by identity (name, or the scalar itself) so an insertion keeps the others' nodes.
      const pool = new Map<string, (Node | null)[]>();
      for (const node of old) {
        const id = nodeIdentity(node, this.doc);
        if (id !== undefined) pool.set(id, [...(pool.get(id) ?? []), node]);
      }
      next = values.map((v) => {
        const node = pool.get(identify(v))?.shift();
        return node === undefined ? this.fresh(v) : this.patch(node, v);
      });
    } else {
      next = values.map((v, i) => (i < old.length ? this.patch(old[i], v) : this.fresh(v)));
    }
    if (next.length !== old.length || next.some((n, i) => n !== old[i])) {
      this.touch();
      // A comment between the key and the first item belongs to that item: it follows it if it moves.
      const first = old[0];
      if (seq.commentBefore && first && next[0] !== first && next.includes(first)) {
        first.commentBefore = first.commentBefore ? `${seq.commentBefore}\n${first.commentBefore}` : seq.commentBefore;
        seq.commentBefore = undefined;
      }
      seq.items = next;
    }
    return seq;
  }

  private fresh(value: unknown): Node | null {
    this.touch();
    return this.create(value);
  }

  /** New nodes in block style; keys whose value is null are left out (null is absent to Kubernetes). */
  private create(value: unknown): Node | null {
    const built = typeof this.doc.schema.sortMapEntries === 'function' ? UNUSUAL : makeNode(this.doc.schema, value);
    return built !== UNUSUAL ? built : (this.doc.createNode(withoutNullKeys(value)) as Node | null);
  }

  private within<T>(node: Node, fn: () => T): T {
    this.ancestors.push(node);
    try {
      return fn();
    } finally {
      this.ancestors.pop();
    }
  }

  /** Called before every edit: aliases of an enclosing anchored node get their own copy of the old content. */
  private touch(): void {
    this.changed = true;
    for (const node of this.ancestors) {
      this.plain?.delete(node);
      forgetRendering(node);
      if (node.anchor && !this.detached.has(node)) {
        this.detached.add(node);
        visit(this.doc, {
          Alias: (_, alias) => (alias.resolve(this.doc) === node ? copyWithoutAnchors(node) : undefined),
        });
      }
    }
  }

  /** An alias that must change becomes a copy of what it points to. */
  private materialize(alias: Node): Node {
    this.touch();
    const target = isAlias(alias) ? alias.resolve(this.doc) : undefined;
    return target ? copyWithoutAnchors(target) : alias;
  }
}

/** `resources: {}` that gets content is written in block style, like the rest of the document. */
function unflowIfEmpty(node: YAMLMap | YAMLSeq, size: number): void {
  if (node.flow && node.items.length === 0 && size > 0) node.flow = false;
}

function copyWithoutAnchors(node: Node): Node {
  const copy = node.clone() as Node;
  visit(copy, (_, n) => {
    if (isScalar(n) || isMap(n) || isSeq(n)) delete n.anchor;
  });
  return copy;
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => keyOf(p) === key);
}

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

function jsAt(value: unknown, path: (string | number)[]): unknown {
  let v = value;
  for (const key of path) v = typeof v === 'object' && v !== null ? (v as Plain)[key] : undefined;
  return v;
}

function nest(path: (string | number)[], value: unknown): unknown {
  return path.reduceRight<unknown>((v, key) => (typeof key === 'number' ? [v] : { [key]: v }), value);
}

function withoutNullKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullKeys);
  if (!isObject(value)) return value;
  const out: Plain = {};
  for (const [k, v] of Object.entries(value)) if (!isAbsent(v)) out[k] = withoutNullKeys(v);
  return out;
}

/** How items of a new sequence are recognised among the old ones, or undefined to go by position. */
function identityFor(values: unknown[]): ((v: unknown) => string) | undefined {
  if (values.every((v) => isObject(v) && typeof v.name === 'string')) return (v) => `name:${(v as Plain).name}`;
  if (values.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) return (v) => `${typeof v}:${v}`;
  return undefined;
}

function nodeIdentity(node: Node | null, doc: Document): string | undefined {
  if (isMap(node)) {
    const name = node.get('name', true);
    return isScalar(name) && typeof name.value === 'string' ? `name:${name.value}` : undefined;
  }
  if (isScalar(node)) return `${typeof node.value}:${node.value}`;
  if (isAlias(node)) {
    const v = node.resolve(doc)?.toJS(doc);
    return isObject(v) && typeof v.name === 'string' ? `name:${v.name}` : `${typeof v}:${v}`;
  }
  return undefined;
}
