// UpdatePodAnnotationsInUpgrade (pkg/control/sidecarcontrol/sidecarset_control.go): before changing container
// images in place, Kruise records in kruise.io/sidecarset-inplace-update-state, under the SidecarSet's name,
// the imageID each changed container's status shows; the update has taken effect once that imageID changes.
// An entry already there keeps its revision and updateTimestamp (only new containers are added); a new entry
// gets the SidecarSet's hash and the time. The whole map is written back as json.Marshal writes it.
import type { Pod } from '../../k8s/api.js';
import { isObject } from '../../k8s/api.js';
import { goJsonString } from '../../go/json-string.js';
import { compareGoStrings } from '../../go/sort.js';
import { canonicalMetaTime } from '../../k8s/meta-time.js';
import { SidecarSetHashAnnotation, type SidecarSet } from '../apis/types.js';
import { marshalStringMap } from '../sidecarcontrol/pod-annotations.js';
import { readInPlaceRecord, SidecarsetInplaceUpdateStateKey } from './pod-annotations.js';

/** One InPlaceUpdateState as the sidecar controller uses it; fields it never writes ride along as JSON. */
interface InPlaceUpdateState {
  revision: string;
  /** canonical metav1.Time text, null for the zero time */
  updateTimestamp: string | null;
  /** container -> imageID before the update; null for a nil map */
  lastContainerStatuses: Map<string, string> | null;
  /** the omitempty fields after them, in struct order, already encoded */
  rest: [string, string][];
}

/** Records `changed` (Pod container names) in the in-place update state of `pod` (owned by the caller). */
export function updatePodAnnotationsInUpgrade(
  pod: Pod,
  sidecarSet: SidecarSet,
  changed: readonly string[],
  now: string,
): void {
  const annotations = (pod.metadata.annotations ??= {});
  const name = sidecarSet.metadata?.name ?? '';
  const states = readStates(annotations);
  let state = states.get(name);
  if (state === undefined) {
    state = {
      revision: sidecarSet.metadata?.annotations?.[SidecarSetHashAnnotation] ?? '',
      updateTimestamp: now,
      lastContainerStatuses: null,
      rest: [],
    };
    states.set(name, state);
  }
  const last = (state.lastContainerStatuses ??= new Map());
  // a Go map keyed by name: the last status of a name wins
  const imageIDs = new Map<string, string>();
  for (const s of containerStatuses(pod)) imageIDs.set(s.name, s.imageID);
  for (const c of changed) last.set(c, imageIDs.get(c) ?? '');
  annotations[SidecarsetInplaceUpdateStateKey] = marshalStates(states);
}

function containerStatuses(pod: Pod): { name: string; imageID: string }[] {
  const list = (pod.status?.containerStatuses as unknown[] | undefined) ?? [];
  return list.map((s) => {
    const o = isObject(s) ? s : {};
    return { name: typeof o.name === 'string' ? o.name : '', imageID: typeof o.imageID === 'string' ? o.imageID : '' };
  });
}

/**
 * The annotation as json.Unmarshal leaves map[string]*InPlaceUpdateState. Text that does not decode (Kruise
 * logs the error and goes on) starts an empty map; Go would keep what it decoded before a type error.
 */
function readStates(annotations: Record<string, string>): Map<string, InPlaceUpdateState> {
  const out = new Map<string, InPlaceUpdateState>();
  const text = annotations[SidecarsetInplaceUpdateStateKey];
  if (text === undefined || text === '' || readInPlaceRecord(annotations, '').kind !== 'valid') return out;
  const parsed = JSON.parse(text) as unknown;
  if (!isObject(parsed)) return out;
  for (const [name, value] of Object.entries(parsed)) {
    // a JSON null is a nil pointer: Kruise treats it as no entry for the SidecarSet it updates
    if (isObject(value)) out.set(name, decodeState(value));
    else out.delete(name);
  }
  return out;
}

const OMITEMPTY_FIELDS = [
  'updateEnvFromMetadata',
  'updateResources',
  'updateImages',
  'nextContainerImages',
  'nextContainerRefMetadata',
  'nextContainerResources',
  'preCheckBeforeNext',
  'containerBatchesRecord',
] as const;

// Go matches keys to fields ignoring case; of several spellings of one field the last wins.
function field(o: Record<string, unknown>, name: string): unknown {
  let out: unknown = undefined;
  for (const [k, v] of Object.entries(o)) if (k.toLowerCase() === name.toLowerCase()) out = v;
  return out;
}

function decodeState(o: Record<string, unknown>): InPlaceUpdateState {
  const revision = field(o, 'revision');
  const time = field(o, 'updateTimestamp');
  const statuses = field(o, 'lastContainerStatuses');
  let last: Map<string, string> | null = null;
  if (isObject(statuses)) {
    last = new Map();
    for (const [c, s] of Object.entries(statuses)) {
      const id = isObject(s) ? field(s, 'imageID') : undefined;
      last.set(c, typeof id === 'string' ? id : '');
    }
  }
  const rest: [string, string][] = [];
  for (const f of OMITEMPTY_FIELDS) {
    const v = field(o, f);
    if (v === undefined || v === null || v === false) continue;
    if (
      (Array.isArray(v) && v.length === 0) ||
      (isObject(v) && Object.keys(v).length === 0 && f !== 'preCheckBeforeNext')
    )
      continue;
    rest.push([f, f === 'nextContainerImages' && isObject(v) ? marshalStringMap(stringEntries(v)) : JSON.stringify(v)]);
  }
  return {
    revision: typeof revision === 'string' ? revision : '',
    updateTimestamp: typeof time === 'string' ? (canonicalMetaTime(time) ?? null) : null,
    lastContainerStatuses: last,
    rest,
  };
}

function stringEntries(o: Record<string, unknown>): Map<string, string> {
  return new Map(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
}

/** json.Marshal(map[string]*InPlaceUpdateState). */
function marshalStates(states: Map<string, InPlaceUpdateState>): string {
  const names = [...states.keys()].sort(compareGoStrings);
  return `{${names.map((n) => `${goJsonString(n)}:${marshalState(states.get(n) as InPlaceUpdateState)}`).join(',')}}`;
}

function marshalState(s: InPlaceUpdateState): string {
  const time = s.updateTimestamp === null ? 'null' : goJsonString(s.updateTimestamp);
  let last = 'null';
  if (s.lastContainerStatuses !== null) {
    const names = [...s.lastContainerStatuses.keys()].sort(compareGoStrings);
    last = `{${names
      .map((c) => {
        const id = s.lastContainerStatuses?.get(c) ?? '';
        return `${goJsonString(c)}:${id === '' ? '{}' : `{"imageID":${goJsonString(id)}}`}`;
      })
      .join(',')}}`;
  }
  const rest = s.rest.map(([k, v]) => `,"${k}":${v}`).join('');
  return `{"revision":${goJsonString(s.revision)},"updateTimestamp":${time},"lastContainerStatuses":${last}${rest}}`;
}
