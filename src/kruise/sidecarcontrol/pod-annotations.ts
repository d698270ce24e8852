// The Pod annotations through which Kruise remembers what it injected:
//   kruise.io/sidecarset-hash, kruise.io/sidecarset-hash-without-image
//     JSON maps SidecarSet name -> SidecarSetUpgradeSpec (legacy form: name -> hash string);
//   kruise.io/sidecarset-injected-list
//     comma-separated SidecarSet names, sorted.
// They are read and written the way Kruise's Go code does: json.Unmarshal into the struct (unknown keys
// dropped, keys matched case-insensitively), json.Marshal back (struct field order, map keys sorted, Go string
// escaping, timestamps in UTC whole seconds).
import { SidecarsetError } from '../../errors.js';
import type { Pod } from '../../k8s/api.js';
import { goJsonString } from '../../go/json-string.js';
import { compareGoStrings, sortedGoSet } from '../../go/sort.js';
import { canonicalMetaTime } from '../../k8s/meta-time.js';

/** sidecarcontrol.SidecarSetUpgradeSpec, with its Go zero values (null = nil / zero time). */
export interface SidecarSetUpgradeSpec {
  updateTimestamp: string | null;
  hash: string;
  sidecarSetName: string;
  sidecarList: string[] | null;
  /** omitempty: written only when not "" */
  controllerRevision: string;
}

export type UpgradeSpecs = Map<string, SidecarSetUpgradeSpec>;

function zeroSpec(): SidecarSetUpgradeSpec {
  return { updateTimestamp: null, hash: '', sidecarSetName: '', sidecarList: null, controllerRevision: '' };
}

class DecodeError extends Error {}

// Go matches JSON keys to struct fields case-insensitively (with Unicode simple folding: ſ ~ s, K ~ k).
function foldKey(key: string): string {
  return key
    .replace(/[a-z]/g, (c) => c.toUpperCase())
    .replace(/\u017f/g, 'S')
    .replace(/\u212a/g, 'K');
}

// Built on first use: nothing to compute at start-up.
let fields: Map<string, keyof SidecarSetUpgradeSpec> | undefined;
function fieldOf(key: string): keyof SidecarSetUpgradeSpec | undefined {
  fields ??= new Map(
    (['updateTimestamp', 'hash', 'sidecarSetName', 'sidecarList', 'controllerRevision'] as const).map((f) => [
      foldKey(f),
      f,
    ]),
  );
  return fields.get(foldKey(key));
}

function decodeString(v: unknown): string {
  if (v === null) return '';
  if (typeof v !== 'string') throw new DecodeError('not a string');
  return v;
}

function decodeSpec(value: unknown): SidecarSetUpgradeSpec {
  const spec = zeroSpec();
  if (value === null) return spec;
  if (typeof value !== 'object' || Array.isArray(value)) throw new DecodeError('not an object');
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const field = fieldOf(key);
    switch (field) {
      case undefined:
        break;
      case 'updateTimestamp': {
        if (v === null) spec.updateTimestamp = null;
        else {
          const t = typeof v === 'string' ? canonicalMetaTime(v) : undefined;
          if (t === undefined) throw new DecodeError(`invalid updateTimestamp ${JSON.stringify(v)}`);
          spec.updateTimestamp = t;
        }
        break;
      }
      case 'sidecarList':
        if (v === null) spec.sidecarList = null;
        else if (Array.isArray(v)) spec.sidecarList = v.map(decodeString);
        else throw new DecodeError('sidecarList is not a list');
        break;
      default:
        spec[field] = decodeString(v);
    }
  }
  return spec;
}

/**
 * Reads one of the two hash annotations as buildSidecars does: the struct form, else the legacy
 * map[string]string form (converted to {hash, sidecarSetName}). Absent or "" gives an empty map; anything
 * else that fails both forms throws SidecarsetError, as Kruise's webhook then rejects the Pod.
 */
export function parseUpgradeSpecs(pod: Pod, annotation: string): UpgradeSpecs {
  const text = pod.metadata?.annotations?.[annotation] ?? '';
  const specs: UpgradeSpecs = new Map();
  if (text === '') return specs;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw invalidAnnotation(pod, annotation, text, (err as Error).message);
  }
  if (parsed === null) return specs;
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw invalidAnnotation(pod, annotation, text, 'not a JSON object');
  const entries = Object.entries(parsed as Record<string, unknown>);
  try {
    for (const [name, value] of entries) specs.set(name, decodeSpec(value));
    return specs;
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
  }
  // Legacy form: {"<sidecarset>": "<hash>"}.
  specs.clear();
  for (const [name, value] of entries) {
    if (value !== null && typeof value !== 'string') {
      throw invalidAnnotation(pod, annotation, text, `entry "${name}" is neither an upgrade spec nor a hash string`);
    }
    specs.set(name, { ...zeroSpec(), hash: value ?? '', sidecarSetName: name });
  }
  return specs;
}

function invalidAnnotation(pod: Pod, annotation: string, text: string, why: string): SidecarsetError {
  const ns = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? pod.metadata?.generateName ?? '';
  return new SidecarsetError(`pod(${ns}/${name}) invalid annotations[${annotation}] value ${text}: ${why}`, {
    field: `metadata.annotations[${annotation}]`,
  });
}

/** json.Marshal(map[string]SidecarSetUpgradeSpec). */
export function marshalUpgradeSpecs(specs: UpgradeSpecs): string {
  const names = [...specs.keys()].sort(compareGoStrings);
  return `{${names.map((n) => `${goJsonString(n)}:${marshalSpec(specs.get(n) as SidecarSetUpgradeSpec)}`).join(',')}}`;
}

function marshalSpec(s: SidecarSetUpgradeSpec): string {
  const list = s.sidecarList === null ? 'null' : `[${s.sidecarList.map(goJsonString).join(',')}]`;
  const time = s.updateTimestamp === null ? 'null' : goJsonString(s.updateTimestamp);
  const revision = s.controllerRevision !== '' ? `,"controllerRevision":${goJsonString(s.controllerRevision)}` : '';
  return (
    `{"updateTimestamp":${time},"hash":${goJsonString(s.hash)},"sidecarSetName":${goJsonString(s.sidecarSetName)},` +
    `"sidecarList":${list}${revision}}`
  );
}

/**
 * Records one SidecarSet's entry. When the Pod already holds an entry with the same hash and sidecarList, its
 * updateTimestamp is kept, so that injecting an injected Pod again changes nothing.
 */
export function recordUpgradeSpec(specs: UpgradeSpecs, entry: SidecarSetUpgradeSpec): void {
  const previous = specs.get(entry.sidecarSetName);
  const sameList =
    previous?.sidecarList !== undefined &&
    previous.sidecarList !== null &&
    entry.sidecarList !== null &&
    previous.sidecarList.length === entry.sidecarList.length &&
    previous.sidecarList.every((v, i) => v === entry.sidecarList?.[i]);
  const keep = previous !== undefined && previous.hash === entry.hash && sameList && previous.updateTimestamp !== null;
  specs.set(entry.sidecarSetName, keep ? { ...entry, updateTimestamp: previous.updateTimestamp } : entry);
}

/** kruise.io/sidecarset-injected-list: the sorted union of what the Pod lists and the given names. */
export function mergeInjectedList(pod: Pod, annotation: string, names: Iterable<string>): string {
  const existing = pod.metadata?.annotations?.[annotation] ?? '';
  const all = existing === '' ? [] : existing.split(',');
  return sortedGoSet([...all, ...names]).join(',');
}

/** json.Marshal(map[string]string). */
export function marshalStringMap(map: ReadonlyMap<string, string>): string {
  const keys = [...map.keys()].sort(compareGoStrings);
  return `{${keys.map((k) => `${goJsonString(k)}:${goJsonString(map.get(k) ?? '')}`).join(',')}}`;
}

/**
 * json.Unmarshal into map[string]string, errors ignored as GetPodHotUpgradeInfoInAnnotations does: invalid JSON
 * gives an empty map, values of the wrong type become "".
 */
export function parseStringMapLeniently(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (text === undefined) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return out;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return out;
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) out.set(k, typeof v === 'string' ? v : '');
  return out;
}
