// Pod records (src/kruise/rollout/pod-record.ts) as they cross from a worker thread to the main thread.
// Structured clone of many RolloutPods writes and reads back mostly the same strings (images, imageIDs,
// hashes, label keys) over and over; here every distinct string is sent once, and the
// records are numbers that point at them. Only plain data of the expected types is encoded: a record with
// anything else (a label that is not a string, a restart count that is not an int32) is not encoded at
// all, and the caller reads that piece in the main thread, where nothing needs to cross.
import { ABSENT_RECORD, INVALID_RECORD } from '../../kruise/rollout/pod-annotations.js';
import { NO_CONTAINERS, NO_WORKING } from '../../kruise/rollout/pod-state.js';
import type { NotMatchedReason, PodRecord } from '../../kruise/rollout/types.js';
import {
  type ContainerStatusView,
  type ContainerView,
  type InPlaceRecord,
  type RolloutPod,
} from '../../kruise/rollout/types.js';

export interface EncodedRecords {
  count: number;
  ints: Int32Array;
  /** creationTime and readyTime of each matched Pod; NaN for null */
  times: Float64Array;
  strings: string[];
}

class NotEncodable extends Error {}

/** The records, encoded; undefined when one of them holds something this encoding does not carry. */
export function encodeRecords(records: readonly PodRecord[]): EncodedRecords | undefined {
  const ints: number[] = [];
  const times: number[] = [];
  const ids = new Map<string, number>();
  const strings: string[] = [];
  const str = (v: unknown): void => {
    if (typeof v !== 'string') throw new NotEncodable();
    let id = ids.get(v);
    if (id === undefined) {
      id = strings.push(v) - 1;
      ids.set(v, id);
    }
    ints.push(id);
  };
  const map = (m: ReadonlyMap<string, string>): void => {
    ints.push(m.size);
    for (const [k, v] of m) {
      str(k);
      str(v);
    }
  };
  const containers = (cs: ContainerView[]): void => {
    ints.push(cs.length);
    for (const c of cs) {
      str(c.name);
      str(c.image);
    }
  };
  try {
    for (const r of records) {
      if (!r.matched) {
        ints.push(0);
        str(r.namespace);
        str(r.name);
        str(r.reason);
        str(r.detail);
        continue;
      }
      const p = r.pod;
      ints.push(1, (p.deleting ? 1 : 0) | (p.conditionReady ? 2 : 0) | (p.hasStatus ? 4 : 0));
      str(p.namespace);
      str(p.name);
      str(p.nodeName);
      str(p.phase);
      str(p.hash);
      str(p.hashWithoutImage);
      times.push(p.creationTime ?? NaN, p.readyTime ?? NaN);
      const labels = p.labels as unknown;
      if (
        typeof labels !== 'object' ||
        labels === null ||
        Array.isArray(labels) ||
        Object.getPrototypeOf(labels) !== Object.prototype
      ) {
        throw new NotEncodable();
      }
      const keys = Object.keys(labels);
      ints.push(keys.length);
      for (const k of keys) {
        if (k === '__proto__') throw new NotEncodable();
        str(k);
        str((labels as Record<string, unknown>)[k]);
      }
      containers(p.containers);
      containers(p.initContainers);
      ints.push(p.statuses.length);
      for (const s of p.statuses) {
        str(s.name);
        str(s.image);
        str(s.imageID);
        if (
          !Number.isInteger(s.restartCount) ||
          s.restartCount !== (s.restartCount | 0) ||
          Object.is(s.restartCount, -0)
        )
          throw new NotEncodable();
        ints.push(s.ready ? 1 : 0, s.restartCount);
      }
      ints.push(p.inPlace.kind === 'absent' ? 0 : p.inPlace.kind === 'invalid' ? 1 : 2);
      if (p.inPlace.kind === 'valid') map(p.inPlace.lastImageIDs);
      map(p.working);
      if (r.nonImage === null) ints.push(-1);
      else {
        ints.push(r.nonImage.length);
        for (const d of r.nonImage) str(d);
      }
    }
  } catch (err) {
    if (err instanceof NotEncodable) return undefined;
    throw err;
  }
  return { count: records.length, ints: Int32Array.from(ints), times: Float64Array.from(times), strings };
}

/**
 * The records back. Strings equal to one of `shared` are that very string (the simulation compares the Pods'
 * hashes with the SidecarSet's, which is cheapest between one string and itself).
 */
export function decodeRecords(e: EncodedRecords, shared: readonly string[]): PodRecord[] {
  const { ints, times } = e;
  const strings = e.strings.slice();
  for (const s of shared) {
    for (let k = 0; k < strings.length; k++) if (strings[k] === s) strings[k] = s;
  }
  let at = 0;
  let t = 0;
  const str = () => strings[ints[at++]];
  const time = (): number | null => {
    const v = times[t++];
    return Number.isNaN(v) ? null : v;
  };
  const map = (): Map<string, string> => {
    const m = new Map<string, string>();
    for (let n = ints[at++]; n > 0; n--) m.set(str(), str());
    return m;
  };
  const containers = (): ContainerView[] => {
    if (ints[at] === 0) {
      at++;
      return NO_CONTAINERS;
    }
    const out: ContainerView[] = [];
    for (let n = ints[at++]; n > 0; n--) out.push({ name: str(), image: str() });
    return out;
  };
  const records: PodRecord[] = [];
  for (let r = 0; r < e.count; r++) {
    if (ints[at++] === 0) {
      records.push({ matched: false, namespace: str(), name: str(), reason: str() as NotMatchedReason, detail: str() });
      continue;
    }
    const flags = ints[at++];
    const namespace = str();
    const name = str();
    const nodeName = str();
    const phase = str();
    const hash = str();
    const hashWithoutImage = str();
    const creationTime = time();
    const readyTime = time();
    const labels: Record<string, string> = {};
    for (let n = ints[at++]; n > 0; n--) labels[str()] = str();
    const podContainers = containers();
    const initContainers = containers();
    const statuses: ContainerStatusView[] = [];
    let maxRestarts = 0;
    for (let n = ints[at++]; n > 0; n--) {
      const s = { name: str(), image: str(), imageID: str(), ready: ints[at++] === 1, restartCount: ints[at++] };
      maxRestarts = Math.max(maxRestarts, s.restartCount);
      statuses.push(s);
    }
    const kind = ints[at++];
    const inPlace: InPlaceRecord =
      kind === 0 ? ABSENT_RECORD : kind === 1 ? INVALID_RECORD : { kind: 'valid', lastImageIDs: map() };
    const working = ints[at] === 0 ? NO_WORKING : map();
    if (working === NO_WORKING) at++;
    const diffs = ints[at++];
    let nonImage: string[] | null = null;
    if (diffs >= 0) {
      nonImage = [];
      for (let n = diffs; n > 0; n--) nonImage.push(str());
    }
    // the fields in readRolloutPod's order, so that the objects share its shape
    const pod: RolloutPod = {
      index: -1,
      namespace,
      name,
      labels,
      nodeName,
      creationTime,
      phase,
      deleting: (flags & 1) !== 0,
      conditionReady: (flags & 2) !== 0,
      readyTime,
      hasStatus: (flags & 4) !== 0,
      containers: podContainers,
      initContainers,
      statuses,
      maxRestarts,
      hash,
      hashWithoutImage,
      inPlace,
      working,
    };
    records.push({ matched: true, pod, nonImage });
  }
  return records;
}
