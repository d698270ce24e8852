// Update only (validateSidecarContainerConflict): a container's upgradeType cannot change, and every
// container must already exist in the stored SidecarSet.
import type { SidecarContainer } from '../apis/types.js';
import { child, invalid, type FieldError } from '../../k8s/validation/field-errors.js';

/** `path` is where Kruise reports it: spec.containers. */
export function validateContainerUpdate(
  newContainers: readonly SidecarContainer[],
  oldContainers: readonly SidecarContainer[],
  path: string,
): FieldError[] {
  const oldTypes = new Map(oldContainers.map((c) => [c.name, c.upgradeStrategy?.upgradeType ?? '']));
  const errs: FieldError[] = [];
  for (const c of newContainers) {
    const oldType = oldTypes.get(c.name);
    if (oldType === undefined) {
      errs.push(invalid(child(path, 'name'), c.name, `container ${c.name} is not found`));
    } else if (oldType !== '' && (c.upgradeStrategy?.upgradeType ?? '') !== oldType) {
      errs.push(
        invalid(child(path, 'upgradeStrategy', 'upgradeType'), c.name, `container ${c.name} upgradeType is immutable`),
      );
    }
  }
  return errs;
}
