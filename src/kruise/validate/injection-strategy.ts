// spec.injectionStrategy.revision (validateSidecarSetInjectionStrategy). Kruise reports these on `revision`,
// without the spec prefix.
import { SidecarSetCustomVersionLabel } from '../apis/types.js';
import type { ControllerRevision } from '../../k8s/api.js';
import type { SidecarSet } from '../apis/types.js';
import { invalid, type FieldError } from '../../k8s/validation/field-errors.js';

// The label Kruise puts on every ControllerRevision of a SidecarSet (sidecarcontrol.SidecarSetKindName).
const SIDECARSET_NAME_LABEL = 'kruise.io/sidecarset-name';

export function validateInjectionStrategy(ss: SidecarSet, revisions: readonly ControllerRevision[]): FieldError[] {
  const revision = ss.spec.injectionStrategy?.revision;
  if (!revision) return [];
  const errs: FieldError[] = [];
  if (revision.revisionName === undefined && revision.customVersion === undefined) {
    errs.push(invalid('revision', revision, 'revisionName and customVersion cannot be empty simultaneously'));
  } else {
    const lookupError = findRevisionError(ss, revision.revisionName, revision.customVersion, revisions);
    if (lookupError)
      errs.push(invalid('revision', null, `Cannot find specific ControllerRevision, err: ${lookupError}`));
  }
  const policy = revision.policy ?? '';
  if (policy !== '' && policy !== 'Always' && policy !== 'Partial') {
    errs.push(invalid('revision.policy', revision, `Invalid policy ${policy}, supported: [Always, Partial]`));
  }
  return errs;
}

/** The error Kruise's history lookup reports (a revision name wins over a custom version), if any. */
function findRevisionError(
  ss: SidecarSet,
  revisionName: string | undefined,
  customVersion: string | undefined,
  revisions: readonly ControllerRevision[],
): string | undefined {
  if (revisionName !== undefined) {
    if (revisions.some((r) => r.metadata.name === revisionName)) return undefined;
    return `controllerrevisions.apps "${revisionName}" not found`;
  }
  const found = revisions.some((r) => {
    const labels = r.metadata.labels ?? {};
    return labels[SIDECARSET_NAME_LABEL] === ss.metadata.name && labels[SidecarSetCustomVersionLabel] === customVersion;
  });
  return found ? undefined : `ControllerRevision.apps "${ss.metadata.name ?? ''}" not found`;
}
