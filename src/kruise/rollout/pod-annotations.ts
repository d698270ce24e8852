// The Pod annotations the controller reads, decoded the way its Go code does:
// - kruise.io/sidecarset-hash and -hash-without-image: this SidecarSet's entry, in either the current
//   ({"name":{"hash":...}}) or the older ({"name":"hash"}) shape; anything else reads as "".
// - kruise.io/sidecarset-inplace-update-state: json.Unmarshal into map[string]*InPlaceUpdateState; any
//   error (bad JSON, a field of the wrong type) makes it "invalid", which IsSidecarContainerUpdateCompleted
//   treats as an update still in progress.
import { SidecarsetError } from '../../errors.js';
import type { Pod } from '../../k8s/api.js';
import { isObject } from '../../k8s/api.js';
import { canonicalMetaTime } from '../../k8s/meta-time.js';
import { parseUpgradeSpecs } from '../sidecarcontrol/pod-annotations.js';
import type { InPlaceRecord } from './types.js';

export const SidecarsetInplaceUpdateStateKey = 'kruise.io/sidecarset-inplace-update-state';

/** GetPodSidecarSetUpgradeSpecInAnnotations(...).hash: "" when absent or unreadable. */
export function podSidecarSetHash(pod: Pod, annotation: string, sidecarSetName: string): string {
  const text = pod.metadata?.annotations?.[annotation];
  if (text === undefined || text === '') return '';
  return marshalledHashEntry(text, sidecarSetName) ?? decodedHashEntry(pod, annotation, sidecarSetName);
}

function decodedHashEntry(pod: Pod, annotation: string, sidecarSetName: string): string {
  try {
    return parseUpgradeSpecs(pod, annotation).get(sidecarSetName)?.hash ?? '';
  } catch (err) {
    if (err instanceof SidecarsetError) return '';
    throw err;
  }
}

// The annotation exactly as Kruise's json.Marshal writes it, with strings that need no escaping: every
// entry an object with the fields in struct order, of the right types. Text of this form is valid JSON that
// the general decoder reads field by field; reading it with one pattern is what makes 100,000 Pods cheap.
const PLAIN_STRING = String.raw`"[^"\\\u0000-\u001f]*"`;
const SPEC_ENTRY =
  `${PLAIN_STRING}:\\{"updateTimestamp":(?:null|${PLAIN_STRING}),"hash":${PLAIN_STRING},"sidecarSetName":${PLAIN_STRING},` +
  `"sidecarList":(?:null|\\[(?:${PLAIN_STRING}(?:,${PLAIN_STRING})*)?\\])(?:,"controllerRevision":${PLAIN_STRING})?\\}`;
const MARSHALLED_SPECS = new RegExp(`^\\{(?:${SPEC_ENTRY}(?:,${SPEC_ENTRY})*)?\\}$`);
const TIMESTAMP_FIELD = '"updateTimestamp":"';
const PLAIN_NAME = /^[^"\\\u0000-\u001f]*$/;

/**
 * This SidecarSet's hash in an annotation of Kruise's own form (see above), or undefined when the text is
 * in any other form: the caller then decodes it in full. Where this answers, both answers are the same.
 */
export function marshalledHashEntry(text: string, sidecarSetName: string): string | undefined {
  if (!PLAIN_NAME.test(sidecarSetName) || !MARSHALLED_SPECS.test(text)) return undefined;
  // a timestamp the decoder refuses makes the whole annotation unreadable
  for (let at = text.indexOf(TIMESTAMP_FIELD); at >= 0; at = text.indexOf(TIMESTAMP_FIELD, at)) {
    at += TIMESTAMP_FIELD.length;
    if (!isMetaTime(text.slice(at, text.indexOf('"', at)))) return undefined;
  }
  // keys are plain strings, so `"name":{` starts an entry; the last one wins, as in the decoder
  const at = text.lastIndexOf(`"${sidecarSetName}":{`);
  if (at < 0) return '';
  const hashAt = text.indexOf('"hash":"', at) + 8;
  return text.slice(hashAt, text.indexOf('"', hashAt));
}

// The form Kruise writes (UTC, whole seconds, a day every month has) answers without the full parser.
const PLAIN_UTC_TIME = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/;

function isMetaTime(v: string): boolean {
  return PLAIN_UTC_TIME.test(v) || canonicalMetaTime(v) !== undefined;
}

/** The records without data, shared by every Pod that has them (a record is replaced, never changed, unless valid). */
export const ABSENT_RECORD: InPlaceRecord = Object.freeze({ kind: 'absent' });
export const INVALID_RECORD: InPlaceRecord = Object.freeze({ kind: 'invalid' });

export function readInPlaceRecord(
  annotations: Record<string, string> | undefined,
  sidecarSetName: string,
): InPlaceRecord {
  if (!annotations || !Object.prototype.hasOwnProperty.call(annotations, SidecarsetInplaceUpdateStateKey))
    return ABSENT_RECORD;
  let parsed: unknown;
  try {
    parsed = JSON.parse(annotations[SidecarsetInplaceUpdateStateKey]);
  } catch {
    return INVALID_RECORD;
  }
  const lastImageIDs = new Map<string, string>();
  if (parsed === null) return { kind: 'valid', lastImageIDs };
  if (!isObject(parsed)) return INVALID_RECORD;
  for (const [name, state] of Object.entries(parsed)) {
    const last = decodeState(state);
    if (last === undefined) return INVALID_RECORD;
    if (name === sidecarSetName) for (const [c, id] of last) lastImageIDs.set(c, id);
  }
  return { kind: 'valid', lastImageIDs };
}

// Go matches JSON keys to struct fields ignoring case (with simple folding: ſ is s, K is k).
function fold(key: string): string {
  return key
    .toLowerCase()
    .replace(/\u017f/g, 's')
    .replace(/\u212a/g, 'k');
}

type FieldCheck = (v: unknown) => boolean;
const isString: FieldCheck = (v) => v === null || typeof v === 'string';
const isBool: FieldCheck = (v) => v === null || typeof v === 'boolean';
const isTime: FieldCheck = (v) => v === null || (typeof v === 'string' && canonicalMetaTime(v) !== undefined);
const isMapOf =
  (check: FieldCheck): FieldCheck =>
  (v) =>
    v === null || (isObject(v) && Object.values(v).every(check));
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
