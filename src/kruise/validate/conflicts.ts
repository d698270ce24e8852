// Conflicts between SidecarSets that can select the same Pods (validateSidecarConflict): same container
// or init-container name, same volume name with another definition, same annotation patched with
// Overwrite on either side. A canary ignores its base.
import type { Volume } from '../../k8s/api.js';
import type { SidecarSet } from '../apis/types.js';
import { child, invalid, type FieldError } from '../../k8s/validation/field-errors.js';
import { canaryBaseOf } from './metadata.js';
import { isSelectorOverlapping } from './overlap.js';

/** isSidecarSetNamespaceOverlapping: only two namespace selectors can keep SidecarSets apart. */
function namespacesOverlap(a: SidecarSet, b: SidecarSet): boolean {
  const sa = a.spec.namespaceSelector;
  const sb = b.spec.namespaceSelector;
  return !sa || !sb || isSelectorOverlapping(sa, sb);
}

/**
 * Kruise's check of `ss` against the others in the cluster; `specPath` is usually "spec". `canaries`: the release
 * has canary SidecarSets (a canary is then not compared with its base).
 */
export function validateSidecarConflict(
  ss: SidecarSet,
  others: readonly SidecarSet[],
  specPath: string,
  canaries: boolean,
): FieldError[] {
  const base = canaries ? canaryBaseOf(ss) : undefined;
  // name -> the (last) overlapping SidecarSet that has it
  const initContainerIn = new Map<string, SidecarSet>();
  const containerIn = new Map<string, SidecarSet>();
  const volumeIn = new Map<string, SidecarSet>();
  const overwritingIn = new Map<string, { name: string; policy: string }>();
  for (const other of others) {
    if (base !== undefined && other.metadata.name === base) continue;
    if (other.metadata.name === ss.metadata.name) continue;
    if (!namespacesOverlap(ss, other) || !isSelectorOverlapping(ss.spec.selector, other.spec.selector)) continue;
    for (const c of other.spec.initContainers ?? []) initContainerIn.set(c.name, other);
    for (const c of other.spec.containers ?? []) containerIn.set(c.name, other);
    for (const v of other.spec.volumes ?? []) volumeIn.set(v.name, other);
    for (const patch of other.spec.patchPodMetadata ?? []) {
      if (patch.patchPolicy === 'Retain') continue;
      for (const k of Object.keys(patch.annotations ?? {}))
        overwritingIn.set(k, { name: other.metadata.name ?? '', policy: patch.patchPolicy ?? '' });
    }
  }

  const errs: FieldError[] = [];
  const containersPath = child(specPath, 'containers');
  for (const [list, seen] of [
    [ss.spec.initContainers ?? [], initContainerIn],
    [ss.spec.containers ?? [], containerIn],
  ] as const) {
    for (const c of list) {
      const other = seen.get(c.name);
      if (other)
        errs.push(invalid(containersPath, c.name, `container ${c.name} already exist in ${other.metadata.name ?? ''}`));
    }
  }
  for (const v of ss.spec.volumes ?? []) {
    const other = volumeIn.get(v.name);
    if (other && !sameJson(v, volumeNamed(other, v.name))) {
      errs.push(
        invalid(
          child(specPath, 'volumes'),
          v.name,
          `volume ${v.name} is in conflict with sidecarset ${other.metadata.name ?? ''}`,
        ),
      );
    }
  }
  for (const patch of ss.spec.patchPodMetadata ?? []) {
    if (patch.patchPolicy === 'Retain') continue;
    for (const k of Object.keys(patch.annotations ?? {})) {
      const other = overwritingIn.get(k);
      if (other && (patch.patchPolicy === 'Overwrite' || other.policy === 'Overwrite')) {
        errs.push(
          invalid(
            child(specPath, 'patchPodMetadata'),
            k,
            `annotation ${k} is in conflict with sidecarset ${other.name}`,
          ),
        );
      }
    }
  }
  return errs;
}

/**
 * Every conflict between two of the given SidecarSets, once per pair (the checks are symmetric), as
 * Kruise would report it creating `a` next to `b`. A canary and its base are not compared.
 */
export function findSidecarSetConflicts(
  sidecarSets: SidecarSet[],
  canaries: boolean,
): { a: string; b: string; error: FieldError }[] {
  const out: { a: string; b: string; error: FieldError }[] = [];
  for (let i = 0; i < sidecarSets.length; i++) {
    for (let j = i + 1; j < sidecarSets.length; j++) {
      const [a, b] = [sidecarSets[i], sidecarSets[j]];
      if (canaries && (canaryBaseOf(a) === b.metadata.name || canaryBaseOf(b) === a.metadata.name)) continue;
      for (const error of validateSidecarConflict(a, [b], 'spec', canaries)) {
        out.push({ a: a.metadata.name ?? '', b: b.metadata.name ?? '', error });
      }
    }
  }
  return out;
}

function volumeNamed(ss: SidecarSet, name: string): Volume | undefined {
  return (ss.spec.volumes ?? []).find((v) => v.name === name);
}

// reflect.DeepEqual on the decoded volumes, approximated on their JSON form (key order aside).
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
