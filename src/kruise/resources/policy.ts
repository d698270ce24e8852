// resourcesPolicy: computes a sidecar's resources from the Pod's app containers (Kruise
// pkg/webhook/pod/mutating/sidecarset_resources.go). Implemented in this module.
import type { Pod, SidecarContainer, SidecarSet } from '../api.js';

/**
 * Replaces `sidecar.resources` as Kruise's applyResourcesPolicy does on Pod creation.
 * `matchedSidecarSets` are all SidecarSets injecting into this Pod: their containers are never targets.
 * Throws SidecarsetError (src/errors.ts) with Kruise's reason when no container matches or an expression fails.
 */
export function applyResourcesPolicy(pod: Pod, sidecar: SidecarContainer, matchedSidecarSets: SidecarSet[]): void {
  void pod;
  void sidecar;
  void matchedSidecarSets;
  throw new Error('applyResourcesPolicy: not implemented yet');
}
