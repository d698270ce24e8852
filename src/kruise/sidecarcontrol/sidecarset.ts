// Loading a SidecarSet the way Kruise would hold it: decoded by its admission decoder, converted
// to v1beta1 (apis/apps/v1alpha1/sidecarset_conversion.go), defaulted and hashed by its mutating
// webhook (pkg/webhook/sidecarset/mutating). The v1alpha1 webhook runs the v1alpha1 twins of the
// same defaults and hash over container types identical to v1beta1's, so both versions hash alike.
import { SidecarsetError } from '../../errors.js';
import { LabelMetadataName } from '../../k8s/api.js';
import {
  KRUISE_GROUP,
  SidecarSetCustomVersionLabel,
  SidecarSetHashAnnotation,
  SidecarSetHashWithoutImageAnnotation,
  type SidecarSet,
} from '../apis/types.js';
import { setCrdStructuralDefaults, setDefaultsSidecarSet } from '../apis/defaults.js';
import { decodeGo } from '../../k8s/json/decode.js';
import { SidecarSetV1alpha1, SidecarSetV1beta1 } from '../apis/schema.js';
import { sidecarSetHash, sidecarSetHashWithoutImage } from './hash.js';

export const SIDECARSET_V1ALPHA1 = `${KRUISE_GROUP}/v1alpha1`;
export const SIDECARSET_V1BETA1 = `${KRUISE_GROUP}/v1beta1`;

export interface LoadedSidecarSet {
  /** v1beta1 shape, defaulted, hash annotations set (api.ts types) */
  sidecarSet: SidecarSet;
  /** as written in the input (apps.kruise.io/v1alpha1 or /v1beta1) */
  apiVersion: string;
  /** input hash annotations that differed from the recomputed ones */
  replacedHashes: { annotation: string; was: string; now: string }[];
}

/**
 * Reads one SidecarSet manifest. Without `keepHash` it is treated as a create/update request:
 * defaulted and re-hashed as Kruise's webhook would store it. With `keepHash` it is treated as an
 * already stored object: decoded and converted only, annotations untouched.
 * Throws SidecarsetError for anything Kruise would reject at decoding. Never mutates `raw`.
 */
export function loadSidecarSet(raw: unknown, opts: { keepHash: boolean }): LoadedSidecarSet {
  const apiVersion = checkSidecarSetType(raw);
  const decoded = decodeGo(
    raw,
    apiVersion === SIDECARSET_V1ALPHA1 ? SidecarSetV1alpha1 : SidecarSetV1beta1,
    '',
  ) as SidecarSet;
  decoded.metadata ??= {};
  decoded.spec ??= {};
  const converted = apiVersion === SIDECARSET_V1ALPHA1 ? convertV1alpha1ToV1beta1(decoded) : decoded;
  // The API server applies the CRD's structural defaults whenever it reads a stored object, too.
  if (opts.keepHash) return { sidecarSet: setCrdStructuralDefaults(converted), apiVersion, replacedHashes: [] };

  // Re-decoding puts the keys the defaults added into Go field order, as a stored object has them.
  const sidecarSet = decodeGo(setDefaultsSidecarSet(converted), SidecarSetV1beta1, '') as SidecarSet;
  const hashes: [string, string][] = [
    [SidecarSetHashAnnotation, sidecarSetHash(sidecarSet)],
    [SidecarSetHashWithoutImageAnnotation, sidecarSetHashWithoutImage(sidecarSet)],
  ];
  const annotations = (sidecarSet.metadata.annotations ??= {});
  const replacedHashes: LoadedSidecarSet['replacedHashes'] = [];
  const storedHash = annotations[SidecarSetHashAnnotation];
  for (const [annotation, now] of hashes) {
    const was = annotations[annotation];
    if (was !== undefined && was !== now) replacedHashes.push({ annotation, was, now });
    annotations[annotation] = now;
  }
  // status.latestRevision names the revision of the hash it was stored with (an edited `kubectl get` copy keeps a
  // stale one): Kruise's controller records the new revision only once it has seen the new spec.
  if (sidecarSet.status?.latestRevision !== undefined && storedHash !== annotations[SidecarSetHashAnnotation]) {
    delete sidecarSet.status.latestRevision;
  }
  return { sidecarSet, apiVersion, replacedHashes };
}

function checkSidecarSetType(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SidecarsetError('expected a SidecarSet object');
  }
  const { apiVersion, kind } = raw as { apiVersion?: unknown; kind?: unknown };
  if (kind !== 'SidecarSet') {
    throw new SidecarsetError(`expected kind SidecarSet, got ${describe(kind)} (apiVersion ${describe(apiVersion)})`, {
      field: 'kind',
    });
  }
  if (apiVersion !== SIDECARSET_V1ALPHA1 && apiVersion !== SIDECARSET_V1BETA1) {
    throw new SidecarsetError(
      `SidecarSet apiVersion must be ${SIDECARSET_V1ALPHA1} or ${SIDECARSET_V1BETA1}, got ${describe(apiVersion)}`,
      { field: 'apiVersion' },
    );
  }
  return apiVersion;
}

/**
 * Kruise's ConvertTo(v1beta1): `spec.namespace` becomes a namespaceSelector on
 * kubernetes.io/metadata.name (winning over an explicit namespaceSelector), and the
 * custom-version label moves to `spec.customVersion`. Works on a decoded (owned) object.
 */
export function convertV1alpha1ToV1beta1(ss: SidecarSet): SidecarSet {
  const { namespace, ...spec } = ss.spec as SidecarSet['spec'] & { namespace?: string };
  if (namespace) spec.namespaceSelector = { matchLabels: { [LabelMetadataName]: namespace } };
  const metadata = { ...ss.metadata };
  if (metadata.labels && Object.prototype.hasOwnProperty.call(metadata.labels, SidecarSetCustomVersionLabel)) {
    const { [SidecarSetCustomVersionLabel]: customVersion, ...labels } = metadata.labels;
    spec.customVersion = customVersion;
    if (Object.keys(labels).length > 0) metadata.labels = labels;
    else delete metadata.labels; // Go keeps an empty map, which it never writes
  }
  // re-decoding with the v1beta1 schema puts the spec's keys in v1beta1's field order
  const converted = decodeGo({ ...ss, apiVersion: SIDECARSET_V1BETA1, metadata, spec }, SidecarSetV1beta1, '');
  return converted as SidecarSet;
}

function describe(v: unknown): string {
  return v === undefined ? '(none)' : JSON.stringify(v);
}
