// injectionStrategy.revision: which version of a SidecarSet a new Pod gets (Kruise's
// getSuitableRevisionSidecarSet on Pod CREATE, pkg/webhook/pod/mutating/sidecarset.go) and how a
// ControllerRevision restores a historical SidecarSet (GetHistorySidecarSet / restoreRevisionInfo,
// pkg/control/sidecarcontrol/history_control.go).
//
// Partial policy, made deterministic. Kruise draws a random number for Pods inside the update selector and
// injects the historical revision with probability `partition` (a percentage). Here:
//   - Pods outside updateStrategy.selector get the historical revision (as Kruise: as for Always);
//   - inside it (or when there is no update selector): partition absent or an integer -> the latest;
//     a percentage above 0% -> the historical revision (the conservative choice: it never rolls a Pod
//     forward that Kruise might have kept back); 0% (or less) -> the latest, which is what Kruise does too
//     (its draw can only pick the historical one with probability ~2^-53).
// A paused update (updateStrategy.paused) always injects the historical revision, as in Kruise.
import { SidecarsetError } from '../../errors.js';
import type { ControllerRevision, Pod } from '../../k8s/api.js';
import type { SidecarSet, SidecarSetInjectRevision, SidecarSetSpec } from '../apis/types.js';
import { isObject } from '../../k8s/api.js';
import { decodeGo } from '../../k8s/json/decode.js';
import { SidecarSetSpecV1beta1 } from '../apis/schema.js';
import {
  SidecarSetCustomVersionLabel,
  SidecarSetHashAnnotation,
  SidecarSetHashWithoutImageAnnotation,
} from '../apis/types.js';
import { sidecarSetHash, sidecarSetHashWithoutImage } from './hash.js';
import { cloneJson } from '../../k8s/deep-copy.js';
import { compareGoStrings } from '../../go/sort.js';
import { compileLabelSelector } from '../../k8s/selector.js';

/** Label Kruise puts on every ControllerRevision of a SidecarSet: the SidecarSet's name. */
export const SidecarSetKindNameLabel = 'kruise.io/sidecarset-name';

/** The spec fields a SidecarSet ControllerRevision records (copySidecarSetSpecRevision). */
const RECORDED_SPEC_FIELDS = [
  'volumes',
  'containers',
  'initContainers',
  'imagePullSecrets',
  'patchPodMetadata',
] as const;

/**
 * Computes the two revision hashes of a SidecarSet exactly as given (no defaulting): Kruise's
 * SidecarSetHashV1beta1 and SidecarSetHashWithoutImageV1beta1. Needed only for ControllerRevisions that do
 * not carry the hash annotations themselves (revisions recorded by old Kruise versions).
 */
export type SidecarSetHasher = (sidecarSet: SidecarSet) => { hash: string; withoutImage: string };

const kruiseHasher: SidecarSetHasher = (sidecarSet) => ({
  hash: sidecarSetHash(sidecarSet),
  withoutImage: sidecarSetHashWithoutImage(sidecarSet),
});

export interface SuitableRevision {
  /** What to inject: the latest SidecarSet, or one restored from a ControllerRevision. Always a copy. */
  sidecarSet: SidecarSet;
  /** Name of the ControllerRevision when a historical revision was chosen. */
  revision?: string;
}

function setName(sidecarSet: SidecarSet): string {
  return sidecarSet.metadata?.name ?? '';
}

function isSet<T>(v: T | null | undefined): v is T {
  return v !== undefined && v !== null;
}

/**
 * The ControllerRevision `revisionInfo` designates, as Kruise finds it: by name alone for revisionName
 * (Kruise gets it by name in its own namespace, which is deployment specific and not checked here); for
 * customVersion, among the revisions labelled with this SidecarSet's name and that custom version, the one with
 * the highest revision number (then the newest, then the greatest name). Undefined when none matches.
 */
export function findControllerRevision(
  sidecarSet: SidecarSet,
  revisionInfo: SidecarSetInjectRevision,
  revisions: readonly ControllerRevision[],
): ControllerRevision | undefined {
  if (isSet(revisionInfo.revisionName)) {
    return revisions.find((r) => r.metadata?.name === revisionInfo.revisionName);
  }
  if (isSet(revisionInfo.customVersion)) {
    const candidates = revisions.filter((r) => {
      const labels = r.metadata?.labels ?? {};
      return (
        labels[SidecarSetKindNameLabel] === setName(sidecarSet) &&
        labels[SidecarSetCustomVersionLabel] === revisionInfo.customVersion
      );
    });
    return [...candidates].sort(compareRevisions).at(-1);
  }
  return undefined;
}

// history.SortControllerRevisions: by .revision, then creation time, then name.
function compareRevisions(a: ControllerRevision, b: ControllerRevision): number {
  const ra = a.revision ?? 0;
  const rb = b.revision ?? 0;
  if (ra !== rb) return ra - rb;
  const ta = creationTime(a);
  const tb = creationTime(b);
  if (ta !== tb) return ta - tb;
  return compareGoStrings(a.metadata?.name ?? '', b.metadata?.name ?? '');
}

function creationTime(r: ControllerRevision): number {
  const t = r.metadata?.creationTimestamp;
  const ms = typeof t === 'string' ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

function describeRevisionInfo(info: SidecarSetInjectRevision): string {
  return isSet(info.revisionName) ? `revisionName "${info.revisionName}"` : `customVersion "${info.customVersion}"`;
}

/** The recorded spec fields of a revision's data ({"spec": {"$patch": "replace", ...}}), nulls dropped. */
function recordedSpec(revision: ControllerRevision): Partial<SidecarSetSpec> {
  const name = revision.metadata?.name ?? '';
  let data: unknown = revision.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      throw new SidecarsetError(`ControllerRevision "${name}": data is not valid JSON`, { field: 'data' });
    }
  }
  const spec = isObject(data) ? data.spec : undefined;
  if (!isObject(spec) || spec['$patch'] !== 'replace') {
    throw new SidecarsetError(
      `ControllerRevision "${name}" is not a SidecarSet revision as Kruise records it (expected data.spec with "$patch": "replace")`,
      { field: 'data.spec' },
    );
  }
  const out: Record<string, unknown> = {};
  for (const key of RECORDED_SPEC_FIELDS) {
    if (isSet(spec[key])) out[key] = structuredClone(spec[key]);
  }
  // Kruise's controller decodes the revision into a SidecarSet before using it: a field of the wrong type is an
  // error, found here rather than deep in the hashing. Only checked: the spec is used as recorded.
  decodeGo(out, SidecarSetSpecV1beta1, 'data.spec');
  return out as Partial<SidecarSetSpec>;
}

/**
 * GetHistorySidecarSet + restoreRevisionInfo. The revision's data replaces the whole spec (Kruise's patch
 * carries "$patch": "replace"), so only volumes, containers, initContainers, imagePullSecrets and
 * patchPodMetadata survive, taken from the revision; metadata and status come from the current object, except
 * the two hash annotations (the revision's own, else computed from the restored spec) and
 * status.latestRevision (the revision's name).
 */
export function restoreSidecarSetRevision(
  sidecarSet: SidecarSet,
  revision: ControllerRevision,
  hasher: SidecarSetHasher = kruiseHasher,
): SidecarSet {
  const restored: SidecarSet = {
    apiVersion: sidecarSet.apiVersion,
    kind: sidecarSet.kind,
    metadata: structuredClone(sidecarSet.metadata ?? {}),
    spec: recordedSpec(revision),
    status: { ...structuredClone(sidecarSet.status ?? {}), latestRevision: revision.metadata?.name ?? '' },
  };
  const fromRevision = revision.metadata?.annotations ?? {};
  const hash = fromRevision[SidecarSetHashAnnotation] ?? '';
  const withoutImage = fromRevision[SidecarSetHashWithoutImageAnnotation] ?? '';
  let computed: { hash: string; withoutImage: string } | undefined;
  const compute = (): { hash: string; withoutImage: string } => (computed ??= hasher(restored));
  const annotations = { ...(restored.metadata.annotations ?? {}) };
  annotations[SidecarSetHashAnnotation] = hash !== '' ? hash : compute().hash;
  annotations[SidecarSetHashWithoutImageAnnotation] = withoutImage !== '' ? withoutImage : compute().withoutImage;
  restored.metadata.annotations = annotations;
  return restored;
}

/**
 * The historical SidecarSet `revisionInfo` designates. Throws SidecarsetError when the ControllerRevision is not
 * among `revisions`: Kruise's webhook then rejects the Pod, and injecting the latest instead would be wrong.
 */
export function getHistorySidecarSet(
  sidecarSet: SidecarSet,
  revisionInfo: SidecarSetInjectRevision,
  revisions: readonly ControllerRevision[],
  hasher: SidecarSetHasher = kruiseHasher,
): SidecarSet {
  const revision = findControllerRevision(sidecarSet, revisionInfo, revisions);
  if (!revision) {
    throw new SidecarsetError(
      `SidecarSet "${setName(sidecarSet)}" injects the revision with ${describeRevisionInfo(revisionInfo)}, ` +
        'but no such ControllerRevision was given; pass the ControllerRevision objects of this SidecarSet ' +
        `(kubectl get controllerrevisions -n kruise-system -l ${SidecarSetKindNameLabel}=${setName(sidecarSet)} -o yaml)`,
      { field: 'spec.injectionStrategy.revision', sidecarSet: setName(sidecarSet) },
    );
  }
  return restoreSidecarSetRevision(sidecarSet, revision, hasher);
}

/**
 * getSuitableRevisionSidecarSet for a Pod being created: the latest SidecarSet, or the historical revision
 * that injectionStrategy.revision selects for this Pod (see the Partial rule at the top of this file).
 */
export function getSuitableRevisionSidecarSet(
  sidecarSet: SidecarSet,
  pod: Pod,
  revisions: readonly ControllerRevision[],
  hasher: SidecarSetHasher = kruiseHasher,
): SuitableRevision {
  const latest = (): SuitableRevision => ({ sidecarSet: cloneJson(sidecarSet) });
  const revisionInfo = sidecarSet.spec?.injectionStrategy?.revision;
  if (!isSet(revisionInfo) || (!isSet(revisionInfo.revisionName) && !isSet(revisionInfo.customVersion)))
    return latest();

  // Kruise restores the historical revision first, so a missing one is an error whatever is picked next.
  const history = getHistorySidecarSet(sidecarSet, revisionInfo, revisions, hasher);
  const historical: SuitableRevision = { sidecarSet: history, revision: history.status?.latestRevision };
  const update = sidecarSet.spec?.updateStrategy;
  if (update?.paused === true) return historical;
  if (revisionInfo.policy !== 'Partial') return historical;

  if (isSet(update?.selector)) {
    const selector = compileLabelSelector(update.selector, 'spec.updateStrategy.selector');
    if (!selector.matches(pod.metadata?.labels)) return historical;
  }
  const partition = update?.partition;
  if (!isSet(partition) || typeof partition === 'number') return latest();
  return percentageProbability(partition) > 0 ? historical : latest();
}

/** util.ParsePercentageAsFloat64: "25%" -> 0.25 (strconv.ParseFloat syntax before the %). */
export function percentageProbability(value: string): number {
  const bad = (why: string): SidecarsetError =>
    new SidecarsetError(`invalid updateStrategy.partition "${value}": ${why}`, {
      field: 'spec.updateStrategy.partition',
    });
  if (!value.endsWith('%')) throw bad('string is not a percentage');
  const number = parseGoFloat(value.slice(0, -1));
  if (number === undefined) throw bad('not a number before "%"');
  return number / 100;
}

// strconv.ParseFloat(s, 64): decimal and hexadecimal forms, inf/infinity/nan; out of range is an error.
function parseGoFloat(s: string): number | undefined {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (special) {
    if (special[2].toLowerCase() === 'nan') return special[1] === '' ? Number.NaN : undefined;
    return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  let n: number;
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) n = Number(s);
  else {
    const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(s);
    if (!hex || (hex[2] === '' && (hex[3] ?? '') === '')) return undefined;
    const digits = hex[2] + (hex[3] ?? '');
    let mantissa = 0;
    for (const d of digits) mantissa = mantissa * 16 + parseInt(d, 16);
    n = mantissa * Math.pow(2, Number(hex[4]) - 4 * (hex[3] ?? '').length);
    if (hex[1] === '-') n = -n;
  }
  return Number.isFinite(n) ? n : undefined;
}
