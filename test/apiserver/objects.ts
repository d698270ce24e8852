// How objects look on the way in (defaults, system metadata) and on the way out (the version asked for).
import { randomUUID, randomInt } from 'node:crypto';
import { apiVersionOf, type ResourceType } from './resources.js';
import type { KubeObject } from './store.js';

export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The object as served at `version`: one stored copy of a multi-version kind, any version out. */
export function present(resource: ResourceType, version: string, object: KubeObject): KubeObject {
  const { apiVersion: _a, kind: _k, ...rest } = object;
  return { apiVersion: apiVersionOf(resource.group, version), kind: resource.kind, ...rest };
}

/** Items in a built-in list carry no apiVersion and kind; custom resources' items keep them. */
export function listItem(resource: ResourceType, version: string, object: KubeObject): KubeObject {
  if (resource.custom) return present(resource, version, object);
  const { apiVersion: _a, kind: _k, ...rest } = object;
  return rest as KubeObject;
}

// The alphabet of names.SimpleNameGenerator: no vowels, no look-alike characters.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function generatedName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return prefix + suffix;
}

/** System metadata of a new object. */
export function stampNew(resource: ResourceType, object: KubeObject): void {
  const m = object.metadata;
  m.uid = randomUUID();
  m.creationTimestamp = timestamp();
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  if (resource.generation) m.generation = 1;
  else delete m.generation;
}

function defaultContainer(c: any): void {
  const image: string = c.image ?? '';
  const tag = /@/.test(image) ? 'digest' : /:[^/]+$/.exec(image)?.[0].slice(1);
  c.imagePullPolicy ??= tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
}

/** What defaulting and the default admission plugins add to a Pod before webhooks see it. */
export function defaultPod(pod: KubeObject): void {
  const spec = (pod.spec ??= {});
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) defaultContainer(c);
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  spec.serviceAccountName ??= 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.enableServiceLinks ??= true;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.tolerations ??= [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ];
}

/** The status a newly created object starts with when status is a subresource. */
export function initialStatus(resource: ResourceType): Record<string, unknown> | undefined {
  if (resource.group === '' && resource.resource === 'pods') return { phase: 'Pending', qosClass: 'BestEffort' };
  if (resource.group === '' && resource.resource === 'namespaces') return { phase: 'Active' };
  return undefined;
}

/** Everything but metadata and status: what metadata.generation counts changes of. */
export function specPart(object: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = object;
  return rest;
}
