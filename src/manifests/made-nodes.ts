// Nodes a patch makes from plain data: a sidecar container, its volumes, the annotations Kruise adds. The same
// sidecar goes into many Pods, so the text of a made collection, once rendered at a given place (indentation,
// layout options...), is remembered and reused: that spares most of the work of rendering an injected document.
import { Pair, Scalar, YAMLMap, YAMLSeq, type Node, type Schema } from 'yaml';
import { UNUSUAL } from './to-plain.js';

type Context = NonNullable<Parameters<YAMLMap['toString']>[0]>;

/**
 * The nodes `doc.createNode(withoutNullKeys(value))` makes of plain data (objects, arrays, strings, numbers,
 * booleans, null: keys whose value is null are left out), built without its per-value search of the schema's
 * tags; UNUSUAL for anything else.
 */
export function makeNode(schema: Schema, value: unknown): Node | typeof UNUSUAL {
  const seen = { reusable: true };
  const node = build(schema, value, seen, true);
  if ((node instanceof MadeMap || node instanceof MadeSeq) && seen.reusable) node.memo = JSON.stringify(value);
  return node;
}

/** Called when a node below `node` (or `node` itself) is edited: its remembered text no longer applies. */
export function forgetRendering(node: Node): void {
  if (node instanceof MadeMap || node instanceof MadeSeq) node.memo = undefined;
}

function build(schema: Schema, value: unknown, seen: { reusable: boolean }, top: boolean): Node | typeof UNUSUAL {
  if (value === null || value === undefined) return new Scalar(null);
  switch (typeof value) {
    case 'string':
      // a multi-line string may become a block scalar, whose chomping reaches past the node: not reused
      if (value.includes('\n')) seen.reusable = false;
      return new Scalar(value);
    case 'number':
      // JSON, the memo key, cannot tell -0, NaN or Infinity from 0 and null
      if (!Number.isFinite(value) || Object.is(value, -0)) seen.reusable = false;
      return new Scalar(value);
    case 'boolean':
      return new Scalar(value);
    case 'object':
      break;
    default:
      return UNUSUAL;
  }
  if (Array.isArray(value)) {
    const seq = top ? new MadeSeq(schema) : new YAMLSeq(schema);
    for (const item of value) {
      const node = build(schema, item, seen, false);
      if (node === UNUSUAL) return UNUSUAL;
      seq.items.push(node);
    }
    return seq;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return UNUSUAL;
  const map = top ? new MadeMap(schema) : new YAMLMap(schema);
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v === null || v === undefined) continue;
    const node = build(schema, v, seen, false);
    if (node === UNUSUAL) return UNUSUAL;
    map.items.push(new Pair(new Scalar(key), node));
  }
  return map;
}

// ---------------------------------------------------------------------------------------------------------
// Remembered renderings

class MadeMap extends YAMLMap {
  /** JSON of the plain value the node was made of, while it is unchanged and reusable; else undefined */
  memo?: string;

  override toString(ctx?: Context, onComment?: () => void, onChompKeep?: () => void): string {
    return rendered(this, ctx, () => super.toString(ctx, onComment, onChompKeep));
  }
}

class MadeSeq extends YAMLSeq {
  memo?: string;

  override toString(ctx?: Context, onComment?: () => void, onChompKeep?: () => void): string {
    return rendered(this, ctx, () => super.toString(ctx, onComment, onChompKeep));
  }
}

const renderings = new Map<string, string>();
const MAX_RENDERINGS = 2048;

function rendered(node: MadeMap | MadeSeq, ctx: Context | undefined, render: () => string): string {
  // A comment of the collection itself is printed inside it (and reported through onComment): not reused.
  const place = node.memo !== undefined && !node.comment && ctx !== undefined ? placeOf(ctx) : undefined;
  if (place === undefined) return render();
  const key = `${place}\n${node.memo}`;
  let text = renderings.get(key);
  if (text === undefined) {
    text = render();
    if (renderings.size >= MAX_RENDERINGS) renderings.clear();
    renderings.set(key, text);
  }
  return text;
}

const functionsSeen = new Map<string, unknown>();

/**
 * Everything in yaml's stringify context that can change the text of a made node (plain data: no comments,
 * anchors, aliases or tags), as a string; undefined, so no reuse, for a context holding anything unknown here.
 */
function placeOf(ctx: Context): string | undefined {
  let place = '';
  for (const [key, value] of Object.entries(ctx)) {
    if (key === 'anchors' || key === 'resolvedAliases') continue; // about anchors and aliases only
    if (key === 'doc') {
      const schema = (value as { schema?: Schema } | undefined)?.schema;
      place += `doc=${schema?.name}/${schema?.tags.length}/${schema?.compat?.length};`;
    } else if (key === 'options') {
      const options = settings(value);
      if (options === undefined) return undefined;
      place += `options={${options}};`;
    } else if (isPrimitive(value)) {
      place += `${key}=${JSON.stringify(value)};`;
    } else {
      return undefined;
    }
  }
  return place;
}

function settings(options: unknown): string | undefined {
  if (typeof options !== 'object' || options === null) return undefined;
  let out = '';
  for (const [key, value] of Object.entries(options)) {
    if (isPrimitive(value)) out += `${key}=${JSON.stringify(value)};`;
    else if (typeof value === 'function') {
      // yaml's own comment formatter, the same for every document; another one disables reuse
      if (!functionsSeen.has(key)) functionsSeen.set(key, value);
      if (functionsSeen.get(key) !== value) return undefined;
    } else return undefined;
  }
  return out;
}

function isPrimitive(value: unknown): boolean {
  return value === null || value === undefined || ['string', 'number', 'boolean'].includes(typeof value);
}
