// metadata: apimachinery's ValidateObjectMeta with Kruise's SidecarSet name rule, and the canary
// annotations (validateSidecarSetCanaryAnnotations). All canary problems are reported on `metadata`.
import { SidecarSetBaseAnnotation, SidecarSetCanaryAnnotation } from '../apis/types.js';
import type { ObjectMeta } from '../../k8s/api.js';
import type { SidecarSet } from '../apis/types.js';
import { child, forbidden, invalid, required, tooLong, type FieldError } from '../../k8s/validation/field-errors.js';
import {
  byteLength,
  labelValueErrors,
  maxLenError,
  qualifiedNameErrors,
  regexError,
} from '../../k8s/validation/names.js';

const SIDECARSET_NAME_FMT = '^[a-zA-Z0-9\\-]+$';
const SIDECARSET_NAME = /^[a-zA-Z0-9-]+$/;
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** Kruise's validateSidecarSetName (a name function: same rule for names and generateName prefixes). */
export function sidecarSetNameErrors(name: string): string[] {
  const errs: string[] = [];
  if (!SIDECARSET_NAME.test(name)) {
    errs.push(
      regexError("sidecarset name must consist of alphanumeric characters or '-'", SIDECARSET_NAME_FMT, 'example-com'),
    );
  }
  if (byteLength(name) > 63) errs.push(maxLenError(63));
  return errs;
}

/** genericvalidation.ValidateObjectMeta for a cluster-scoped object named by `nameErrors`. */
export function validateObjectMeta(
  meta: ObjectMeta,
  nameErrors: (name: string) => string[],
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const generateName = meta.generateName ?? '';
  if (generateName.length > 0) {
    for (const msg of nameErrors(generateName)) errs.push(invalid(child(path, 'generateName'), generateName, msg));
  }
  const name = meta.name ?? '';
  if (name.length === 0) errs.push(required(child(path, 'name'), 'name or generateName is required'));
  else for (const msg of nameErrors(name)) errs.push(invalid(child(path, 'name'), name, msg));
  if ((meta.namespace ?? '').length > 0) errs.push(forbidden(child(path, 'namespace'), 'not allowed on this type'));
  const generation = meta['generation'];
  if (typeof generation === 'number' && generation < 0) {
    errs.push(invalid(child(path, 'generation'), generation, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(meta.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(meta.annotations, child(path, 'annotations')));
  errs.push(...validateOwnerReferences(meta['ownerReferences'], child(path, 'ownerReferences')));
  errs.push(...validateFinalizers(meta['finalizers'], child(path, 'finalizers')));
  return errs;
}

export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of qualifiedNameErrors(k)) errs.push(invalid(path, k, msg));
    for (const msg of labelValueErrors(v)) errs.push(invalid(path, v, msg));
  }
  return errs;
}

/** Keys are qualified names (case-insensitive); keys and values together at most 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of qualifiedNameErrors(k.toLowerCase())) errs.push(invalid(path, k, msg));
    size += byteLength(k) + byteLength(String(v));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function validateOwnerReferences(refs: unknown, path: string): FieldError[] {
  if (!Array.isArray(refs)) return [];
  const errs: FieldError[] = [];
  let firstController = '';
  for (const raw of refs) {
    const ref = (raw ?? {}) as Record<string, unknown>;
    const apiVersion = String(ref['apiVersion'] ?? '');
    const kind = String(ref['kind'] ?? '');
    const name = String(ref['name'] ?? '');
    const parts = apiVersion.split('/');
    const version = parts.length === 1 ? parts[0] : parts.length === 2 ? parts[1] : '';
    if (version.length === 0) errs.push(invalid(child(path, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (kind.length === 0) errs.push(invalid(child(path, 'kind'), kind, 'must not be empty'));
    if (name.length === 0) errs.push(invalid(child(path, 'name'), name, 'must not be empty'));
    if (String(ref['uid'] ?? '').length === 0)
      errs.push(invalid(child(path, 'uid'), String(ref['uid'] ?? ''), 'must not be empty'));
    if (ref['controller'] === true) {
      const current = `${kind}/${name}`;
      if (firstController !== '') {
        errs.push(
          invalid(
            path,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else firstController = current;
    }
  }
  return errs;
}

function validateFinalizers(finalizers: unknown, path: string): FieldError[] {
  if (!Array.isArray(finalizers)) return [];
  const errs: FieldError[] = [];
  for (const f of finalizers) {
    const name = String(f);
    for (const msg of qualifiedNameErrors(name)) errs.push(invalid(path, name, msg));
  }
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(invalid(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

// ---- canary SidecarSets ----

/** sidecarcontrol.IsCanarySidecarSet: canary annotation "true" and a non-empty base. */
export function canaryBaseOf(ss: SidecarSet): string | undefined {
  const annotations = ss.metadata.annotations ?? {};
  const base = annotations[SidecarSetBaseAnnotation] ?? '';
  return annotations[SidecarSetCanaryAnnotation] === 'true' && base !== '' ? base : undefined;
}

/**
 * validateSidecarSetCanaryAnnotations. `others` stands for the cluster (the base is looked up by name);
 * `older` is the stored object on update, undefined on create.
 */
export function validateCanaryAnnotations(
  ss: SidecarSet,
  others: readonly SidecarSet[],
  older?: SidecarSet,
): FieldError[] {
  const base = canaryBaseOf(ss);
  if (base === undefined) return [];
  const errs: FieldError[] = [];
  const annotations = ss.metadata.annotations ?? {};
  if (base === ss.metadata.name) errs.push(invalid('metadata', annotations, 'base sidecarSet cannot be itself'));
  if (older && (older.metadata.annotations ?? {})[SidecarSetBaseAnnotation] !== base) {
    errs.push(invalid('metadata', annotations, `annotations[${SidecarSetBaseAnnotation}] is immutable`));
  }
  const baseSet = others.find((o) => o.metadata.name === base);
  if (!baseSet) {
    errs.push(
      invalid(
        'metadata',
        annotations,
        `fetch base sidecarSet[${base}] failed: sidecarsets.apps.kruise.io "${base}" not found`,
      ),
    );
  } else if (canaryBaseOf(baseSet) !== undefined) {
    errs.push(invalid('metadata', annotations, 'base sidecarSet cannot be canary'));
  }
  if (ss.spec.updateStrategy?.type !== 'NotUpdate') {
    errs.push(invalid('metadata', annotations, 'RollingUpdate is not supported for canary sidecarSet'));
  }
  return errs;
}
