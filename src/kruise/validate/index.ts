// Kruise's SidecarSet validating webhook (pkg/webhook/sidecarset/validating) as a pure function over an
// already defaulted SidecarSet. Checks run in Kruise's order with Kruise's field paths; conflicts with
// other SidecarSets are looked at only once everything else passed.
import type { ControllerRevision } from '../../k8s/api.js';
import type { SidecarSet } from '../apis/types.js';
import { versionTraits, type KruiseProfile } from '../apis/version.js';
import { child, required, type FieldError } from '../../k8s/validation/field-errors.js';
import { validateCanaryAnnotations, sidecarSetNameErrors, validateObjectMeta } from './metadata.js';
import { validateSelector } from './selector-rules.js';
import { validateInjectionStrategy } from './injection-strategy.js';
import { validateUpdateStrategy } from './update-strategy.js';
import { validateSidecarContainers } from './containers.js';
import { patchMetadataWhitelistError, validatePatchPodMetadata, type PatchWhitelist } from './patch-metadata.js';
import { validateContainerUpdate } from './container-update.js';
import { validateSidecarConflict } from './conflicts.js';

export { formatFieldError, type FieldError, type FieldErrorType } from '../../k8s/validation/field-errors.js';
export {
  parsePatchPodMetadataWhitelist,
  PATCH_METADATA_WHITELIST_KEY,
  type PatchWhitelist,
  type PatchWhitelistRule,
} from './patch-metadata.js';
export { findSidecarSetConflicts } from './conflicts.js';
export { isSelectorOverlapping } from './overlap.js';

export interface ValidationContext {
  /** The other SidecarSets given together (conflicts, canary base). */
  others: SidecarSet[];
  /** For injectionStrategy.revision existence. */
  revisions: ControllerRevision[];
  /** Parsed from kruise-system/kruise-configuration; undefined when the cluster has none. */
  patchPodMetadataWhitelist: PatchWhitelist | undefined;
  /** Kruise's SidecarSetPatchPodMetadataDefaultsAllowed feature gate (off unless set). */
  patchPodMetadataDefaultsAllowed?: boolean;
  /** The stored SidecarSet when validating an update; absent on create. */
  older?: SidecarSet;
  /** The Kruise release modelled: canary SidecarSets are checked only where it has them. */
  profile: KruiseProfile;
}

export interface ValidationResult {
  errors: FieldError[];
  /** Errors that depend on cluster policy (the patchPodMetadata whitelist): `validate` fails on them, `inject` only warns. */
  clusterPolicy: FieldError[];
}

export function validateSidecarSet(ss: SidecarSet, ctx: ValidationContext): ValidationResult {
  const errors = validateObjectMeta(ss.metadata, sidecarSetNameErrors, 'metadata');
  const canaries = versionTraits(ctx.profile.version).canarySidecarSets;
  if (canaries) errors.push(...validateCanaryAnnotations(ss, ctx.others, ctx.older));
  const { errors: specErrors, clusterPolicy } = validateSpec(ss, ctx);
  errors.push(...specErrors);
  if (ctx.older)
    errors.push(
      ...validateContainerUpdate(ss.spec.containers ?? [], ctx.older.spec.containers ?? [], 'spec.containers'),
    );
  // Kruise would skip this also on a whitelist failure; checked here so that `inject`, which only warns
  // about cluster policy, still refuses conflicting SidecarSets.
  if (errors.length === 0) errors.push(...validateSidecarConflict(ss, ctx.others, 'spec', canaries));
  return { errors, clusterPolicy };
}

// validateSidecarSetSpec
function validateSpec(ss: SidecarSet, ctx: ValidationContext): ValidationResult {
  const spec = ss.spec;
  const path = 'spec';
  const errors: FieldError[] = [];
  // Kruise cannot upgrade native sidecars (restartable init containers) in place
  for (const c of spec.initContainers ?? []) {
    if (c.restartPolicy === 'Always' && spec.updateStrategy?.type === 'RollingUpdate') {
      errors.push(
        required(child(path, 'updateStrategy'), 'The initContainer in-place upgrade is not currently supported.'),
      );
    }
  }
  if (!spec.selector) errors.push(required(child(path, 'selector'), 'no selector defined for SidecarSet'));
  else errors.push(...validateSelector(spec.selector, child(path, 'selector')));
  if (spec.namespaceSelector)
    errors.push(...validateSelector(spec.namespaceSelector, child(path, 'namespaceSelector')));
  errors.push(...validateInjectionStrategy(ss, ctx.revisions));
  errors.push(...validateUpdateStrategy(spec.updateStrategy, child(path, 'updateStrategy')));
  const initContainers = spec.initContainers ?? [];
  const containers = spec.containers ?? [];
  if (initContainers.length === 0 && containers.length === 0) {
    errors.push(required(path, 'no initContainer or container defined for SidecarSet'));
  } else {
    errors.push(...validateSidecarContainers(initContainers, containers, spec.volumes, path));
  }
  const clusterPolicy: FieldError[] = [];
  const whitelistError = patchMetadataWhitelistError(
    ss,
    ctx.patchPodMetadataWhitelist,
    ctx.patchPodMetadataDefaultsAllowed,
  );
  if (whitelistError !== undefined) clusterPolicy.push(required(child(path, 'patchPodMetadata'), whitelistError));
  errors.push(...validatePatchPodMetadata(ss, path));
  return { errors, clusterPolicy };
}
