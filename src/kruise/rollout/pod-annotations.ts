// The Pod annotations the controller reads, decoded the way its Go code does:
// - kruise.io/sidecarset-hash and -hash-without-image: this SidecarSet's entry, in either the current
//   ({"name":{"hash":...}}) or the older ({"name":"hash"}) shape; anything else reads as "".
// - kruise.io/sidecarset-inplace-update-state: json.Unmarshal into map[string]*InPlaceUpdateState; any
//   error (bad JSON, a field of the wrong type) makes it "invalid", which IsSidecarContainerUpdateCompleted
//   treats as an update still in progress.
import { SidecarsetError } from '../../errors.js';
import type { Pod } from '../api.js';
import { canonicalMetaTime } from '../inject/meta-time.js';
import { parseUpgradeSpecs } from '../inject/pod-annotations.js';

export const SidecarsetInplaceUpdateStateKey = 'kruise.io/sidecarset-inplace-update-state';

/** GetPodSidecarSetUpgradeSpecInAnnotations(...).hash: "" when absent or unreadable. */
export function podSidecarSetHash(pod: Pod, annotation: string, sidecarSetName: string): string {
  try {
    return parseUpgradeSpecs(pod, annotation).get(sidecarSetName)?.hash ?? '';
  } catch (err) {
    if (err instanceof SidecarsetError) return '';
    throw err;
  }
}

/**
 * This SidecarSet's record of an in-place update: the imageID each changed container showed before the
 * change ('absent': the Pod was never updated in place; 'invalid': the annotation does not decode).
 */
export type InPlaceRecord = { kind: 'absent' } | { kind: 'invalid' } | { kind: 'valid'; lastImageIDs: Map<string, string> };

export function readInPlaceRecord(annotations: Record<string, string> | undefined, sidecarSetName: string): InPlaceRecord {
  if (!annotations || !Object.prototype.hasOwnProperty.call(annotations, SidecarsetInplaceUpdateStateKey)) return { kind: 'absent' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(annotations[SidecarsetInplaceUpdateStateKey]);
  } catch {
    return { kind: 'invalid' };
  }
  const lastImageIDs = new Map<string, string>();
  if (parsed === null) return { kind: 'valid', lastImageIDs };
  if (!isObject(parsed)) return { kind: 'invalid' };
  for (const [name, state] of Object.entries(parsed)) {
    const last = decodeState(state);
    if (last === undefined) return { kind: 'invalid' };
    if (name === sidecarSetName) for (const [c, id] of last) lastImageIDs.set(c, id);
  }
  return { kind: 'valid', lastImageIDs };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Go matches JSON keys to struct fields ignoring case (with simple folding: ſ is s, K is k).
function fold(key: string): string {
  return key.toLowerCase().replace(/\u017f/g, 's').replace(/\u212a/g, 'k');
}

type FieldCheck = (v: unknown) => boolean;
const isString: FieldCheck = (v) => v === null || typeof v === 'string';
const isBool: FieldCheck = (v) => v === null || typeof v === 'boolean';
const isTime: FieldCheck = (v) => v === null || (typeof v === 'string' && canonicalMetaTime(v) !== undefined);
const isMapOf = (check: FieldCheck): FieldCheck => (v) => v === null || (isObject(v) && Object.values(v).every(check));
const isObjectish: FieldCheck = (v) => v === null || isObject(v);
const isList: FieldCheck = (v) => v === null || Array.isArray(v);

const STATE_FIELDS = new Map<string, FieldCheck>([
  ['revision', isString],
  ['updatetimestamp', isTime],
  ['lastcontainerstatuses', isMapOf((v) => v === null || (isObject(v) && imageIDOf(v) !== undefined))],
  ['updateenvfrommetadata', isBool],
  ['updateresources', isBool],
  ['updateimages', isBool],
  ['nextcontainerimages', isMapOf(isString)],
  ['nextcontainerrefmetadata', isMapOf(isObjectish)],
  ['nextcontainerresources', isMapOf(isObjectish)],
  ['precheckbeforenext', isObjectish],
  ['containerbatchesrecord', isList],
]);

/** One InPlaceUpdateState: container -> imageID before the update; undefined when it does not decode. */
function decodeState(state: unknown): Map<string, string> | undefined {
  const out = new Map<string, string>();
  if (state === null) return out;
  if (!isObject(state)) return undefined;
  let statuses: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(state)) {
    const check = STATE_FIELDS.get(fold(key));
    if (check && !check(value)) return undefined;
    if (fold(key) === 'lastcontainerstatuses') statuses = value as Record<string, unknown> | null;
  }
  for (const [container, status] of Object.entries(statuses ?? {})) {
    out.set(container, status === null ? '' : (imageIDOf(status as Record<string, unknown>) as string));
  }
  return out;
}

function imageIDOf(status: Record<string, unknown>): string | undefined {
  let id = '';
  for (const [key, value] of Object.entries(status)) {
    if (fold(key) !== 'imageid') continue;
    if (value !== null && typeof value !== 'string') return undefined;
    if (value !== null) id = value;
  }
  return id;
}
