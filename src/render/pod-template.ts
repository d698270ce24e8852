// Turns a workload's pod template into the Pod Kruise's webhook would see, and the injected Pod back
// into the template: pod annotations go on the template's metadata.
import type { Pod } from '../k8s/api.js';
import { isObject } from '../k8s/api.js';
import { SidecarsetError } from '../errors.js';
import { valueAt, type PodTemplateLocation } from '../manifests/pod-template.js';

export function podFromTemplate(object: Record<string, unknown>, loc: PodTemplateLocation, namespace: string): Pod {
  const metadata = valueAt(object, loc.metadataPath) ?? {};
  const spec = valueAt(object, loc.specPath);
  if (!isObject(spec) || !Array.isArray(spec.containers)) {
    throw new SidecarsetError('has no pod spec with containers', { field: [...loc.specPath, 'containers'].join('.') });
  }
  if (!isObject(metadata)) throw new SidecarsetError('pod metadata is not an object', { field: loc.metadataPath.join('.') });
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...metadata, namespace },
    spec: spec as unknown as Pod['spec'],
  };
  // Only a real Pod has a phase and a deletionTimestamp that make it inactive.
  if (loc.specPath.length === 1 && isObject(object.status)) pod.status = object.status as Pod['status'];
  return pod;
}

/** The template metadata to write back: the injected Pod's, without the namespace we lent it. */
export function templateMetadata(object: Record<string, unknown>, loc: PodTemplateLocation, pod: Pod): Record<string, unknown> {
  const original = valueAt(object, loc.metadataPath);
  const metadata: Record<string, unknown> = { ...pod.metadata };
  if (!isObject(original) || !Object.hasOwn(original, 'namespace')) delete metadata.namespace;
  else metadata.namespace = original.namespace;
  return metadata;
}

