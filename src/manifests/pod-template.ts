// The one pod-template module: where a workload keeps the metadata and spec of the Pods it creates, which
// objects configure injection instead of receiving it, and the Pod Kruise's webhook would see for a template
// (and the injected Pod back into the template: pod annotations go on the template's metadata).
import { KruiseMutatingWebhookConfiguration } from '../kruise/inject/webhook-scope.js';
import { SidecarsetError } from '../errors.js';
import { isObject, type Pod } from '../k8s/api.js';

/** Paths, from the object's root, to the pod metadata and the pod spec. */
export interface PodTemplateLocation {
  metadataPath: string[];
  specPath: string[];
}

/**
 * - a location: the object is a Pod or a workload whose pod template sidecars are injected into;
 * - 'config': it configures injection (SidecarSet, Namespace, ControllerRevision, kruise-configuration,
 *   kruise-mutating-webhook-configuration);
 * - 'unknown-workload': it has a pod-template shape but a kind we do not know (reported, left alone);
 * - 'other': anything else, passed through.
 */
export type PodTemplateClass = PodTemplateLocation | 'config' | 'unknown-workload' | 'other';

export const KRUISE_SYSTEM_NAMESPACE = 'kruise-system';
export const KRUISE_CONFIGURATION_NAME = 'kruise-configuration';

const SPEC_TEMPLATE = ['spec', 'template'];
const JOB_TEMPLATE = ['spec', 'jobTemplate', 'spec', 'template'];

// Pod template paths by "group/Kind" (core group is ""); when a kind has several, the first present is used.
const TEMPLATES: Record<string, string[][]> = {
  '/Pod': [[]],
  '/PodTemplate': [['template']],
  '/ReplicationController': [SPEC_TEMPLATE],
  'apps/Deployment': [SPEC_TEMPLATE],
  'apps/StatefulSet': [SPEC_TEMPLATE],
  'apps/DaemonSet': [SPEC_TEMPLATE],
  'apps/ReplicaSet': [SPEC_TEMPLATE],
  // pre-1.16 manifests still found in the wild
  'extensions/Deployment': [SPEC_TEMPLATE],
  'extensions/DaemonSet': [SPEC_TEMPLATE],
  'extensions/ReplicaSet': [SPEC_TEMPLATE],
  'batch/Job': [SPEC_TEMPLATE],
  'batch/CronJob': [JOB_TEMPLATE],
  'apps.kruise.io/CloneSet': [SPEC_TEMPLATE],
  'apps.kruise.io/StatefulSet': [SPEC_TEMPLATE],
  'apps.kruise.io/DaemonSet': [SPEC_TEMPLATE],
  'apps.kruise.io/BroadcastJob': [SPEC_TEMPLATE],
  // CronJobTemplate holds one of jobTemplate / broadcastJobTemplate / imageListPullJobTemplate (no Pods).
  'apps.kruise.io/AdvancedCronJob': [
    ['spec', 'template', 'jobTemplate', 'spec', 'template'],
    ['spec', 'template', 'broadcastJobTemplate', 'spec', 'template'],
  ],
  // SubsetTemplate holds one workload template, each with its own pod template.
  'apps.kruise.io/UnitedDeployment': [
    ['spec', 'template', 'statefulSetTemplate', 'spec', 'template'],
    ['spec', 'template', 'advancedStatefulSetTemplate', 'spec', 'template'],
    ['spec', 'template', 'cloneSetTemplate', 'spec', 'template'],
    ['spec', 'template', 'deploymentTemplate', 'spec', 'template'],
  ],
};

const CONFIG_KINDS = new Set(['apps.kruise.io/SidecarSet', '/Namespace', 'apps/ControllerRevision']);

/** Classifies an object and, for a Pod or a known workload, says where its pod metadata and spec live. */
export function locatePodTemplate(object: Record<string, unknown>, defaultNamespace = 'default'): PodTemplateClass {
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const key = `${apiGroup(object.apiVersion)}/${kind}`;
  const candidates = TEMPLATES[key];
  if (candidates) {
    const path = candidates.length === 1 ? candidates[0] : candidates.find((p) => isObject(valueAt(object, p)));
    return path ? { metadataPath: [...path, 'metadata'], specPath: [...path, 'spec'] } : 'other';
  }
  if (CONFIG_KINDS.has(key)) return 'config';
  if (key === '/ConfigMap' && isKruiseConfiguration(object, defaultNamespace)) return 'config';
  if (key === 'admissionregistration.k8s.io/MutatingWebhookConfiguration' && isKruiseWebhookConfiguration(object))
    return 'config';
  if (hasContainers(object, SPEC_TEMPLATE) || hasContainers(object, JOB_TEMPLATE)) return 'unknown-workload';
  return 'other';
}

function isKruiseWebhookConfiguration(object: Record<string, unknown>): boolean {
  const metadata = object.metadata;
  return isObject(metadata) && metadata.name === KruiseMutatingWebhookConfiguration;
}

export function isPodTemplateLocation(c: PodTemplateClass): c is PodTemplateLocation {
  return typeof c === 'object';
}

/** An object without metadata.namespace lives in the default namespace (the -n value, or the context's). */
export function namespaceOf(object: Record<string, unknown>, defaultNamespace: string): string {
  const metadata = object.metadata;
  const ns = isObject(metadata) ? metadata.namespace : undefined;
  return typeof ns === 'string' && ns !== '' ? ns : defaultNamespace;
}

/** The value at a path of plain objects, or undefined when any step is missing. */
export function valueAt(object: unknown, path: readonly string[]): unknown {
  let v: unknown = object;
  for (const key of path) {
    if (!isObject(v) || !Object.hasOwn(v, key)) return undefined;
    v = v[key];
  }
  return v;
}

/** "apps/v1" -> "apps", "v1" -> "" (the core group). */
export function apiGroup(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function isKruiseConfiguration(object: Record<string, unknown>, defaultNamespace: string): boolean {
  const metadata = object.metadata;
  return (
    isObject(metadata) &&
    metadata.name === KRUISE_CONFIGURATION_NAME &&
    namespaceOf(object, defaultNamespace) === KRUISE_SYSTEM_NAMESPACE
  );
}

function hasContainers(object: Record<string, unknown>, templatePath: string[]): boolean {
  return Array.isArray(valueAt(object, [...templatePath, 'spec', 'containers']));
}

export function podFromTemplate(object: Record<string, unknown>, loc: PodTemplateLocation, namespace: string): Pod {
  const metadata = valueAt(object, loc.metadataPath) ?? {};
  const spec = valueAt(object, loc.specPath);
  if (!isObject(spec) || !Array.isArray(spec.containers)) {
    throw new SidecarsetError('has no pod spec with containers', { field: [...loc.specPath, 'containers'].join('.') });
  }
  if (!isObject(metadata))
    throw new SidecarsetError('pod metadata is not an object', { field: loc.metadataPath.join('.') });
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
export function templateMetadata(
  object: Record<string, unknown>,
  loc: PodTemplateLocation,
  pod: Pod,
): Record<string, unknown> {
  const original = valueAt(object, loc.metadataPath);
  const metadata: Record<string, unknown> = { ...pod.metadata };
  if (!isObject(original) || !Object.hasOwn(original, 'namespace')) delete metadata.namespace;
  else metadata.namespace = original.namespace;
  return metadata;
}
