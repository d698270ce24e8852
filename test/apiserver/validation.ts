// The checks of Kubernetes' validation that the tool can run into: object names on create, a Pod's containers,
// and ValidatePodUpdate's rule that a running Pod's spec changes only in a few fields.
import { isDeepStrictEqual } from 'node:util';
import type { ResourceType } from './resources.js';
import { errors, type FieldError } from './status.js';
import type { KubeObject } from './store.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const SUBDOMAIN_DETAIL =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_DETAIL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

function fail(resource: ResourceType, name: string, causes: FieldError[]): void {
  if (causes.length > 0) throw errors.invalid(resource.group, resource.kind, name, causes);
}

function nameErrors(resource: ResourceType, object: KubeObject): FieldError[] {
  const name = object.metadata.name ?? '';
  if (!name)
    return [{ type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' }];
  const label = resource.resource === 'namespaces';
  const ok = label ? DNS1123_LABEL.test(name) && name.length <= 63 : DNS1123_SUBDOMAIN.test(name) && name.length <= 253;
  return ok
    ? []
    : [
        {
          type: 'FieldValueInvalid',
          field: 'metadata.name',
          value: name,
          detail: label ? LABEL_DETAIL : SUBDOMAIN_DETAIL,
        },
      ];
}

function containerErrors(spec: any, list: 'containers' | 'initContainers'): FieldError[] {
  const containers: any[] | undefined = spec?.[list];
  if (list === 'containers' && (!Array.isArray(containers) || containers.length === 0)) {
    return [{ type: 'FieldValueRequired', field: 'spec.containers' }];
  }
  const out: FieldError[] = [];
  const seen = new Set<string>();
  (containers ?? []).forEach((c, i) => {
    const at = `spec.${list}[${i}]`;
    if (!c?.name) out.push({ type: 'FieldValueRequired', field: `${at}.name` });
    else if (seen.has(c.name)) out.push({ type: 'FieldValueDuplicate', field: `${at}.name`, value: c.name });
    else seen.add(c.name);
    if (!c?.image) out.push({ type: 'FieldValueRequired', field: `${at}.image` });
  });
  return out;
}

/** Create-time validation: 422 Invalid with every problem found. */
export function validateCreate(resource: ResourceType, object: KubeObject): void {
  const causes = nameErrors(resource, object);
  if (resource.group === '' && resource.kind === 'Pod') {
    causes.push(...containerErrors(object.spec, 'initContainers'), ...containerErrors(object.spec, 'containers'));
  }
  fail(resource, object.metadata.name ?? '', causes);
}

export const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

// The new spec with every change the rule allows put back to the old value: what is left must equal the old.
function mungedPodSpec(oldSpec: any, newSpec: any): any {
  const munged = structuredClone(newSpec ?? {});
  for (const list of ['containers', 'initContainers'] as const) {
    const before: any[] = oldSpec?.[list] ?? [];
    const after: any[] | undefined = munged[list];
    // Only when the lists line up: a container added or removed stays a difference.
    if (after && after.length === before.length) after.forEach((c, i) => (c.image = before[i]?.image));
  }
  if ('activeDeadlineSeconds' in (oldSpec ?? {}) || 'activeDeadlineSeconds' in munged) {
    if (oldSpec?.activeDeadlineSeconds === undefined) delete munged.activeDeadlineSeconds;
    else munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  }
  const oldTolerations: any[] = oldSpec?.tolerations ?? [];
  const newTolerations: any[] = munged.tolerations ?? [];
  if (oldTolerations.every((t) => newTolerations.some((n) => isDeepStrictEqual(n, t)))) {
    if (oldSpec?.tolerations === undefined) delete munged.tolerations;
    else munged.tolerations = oldSpec.tolerations;
  }
  if ((oldSpec?.terminationGracePeriodSeconds ?? 0) < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  return munged;
}

// Paths where two specs differ, for the diff the API server appends (its own is a Go cmp.Diff).
function differences(a: any, b: any, path: string, out: string[]): void {
  if (isDeepStrictEqual(a, b)) return;
  const bothObjects = a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects || (Array.isArray(a) && a.length !== b.length)) {
    out.push(`  ${path}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
    return;
  }
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    differences(a[k], b[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`, out);
  }
}

/** ValidatePodUpdate: only images, activeDeadlineSeconds, added tolerations and the grace-period case change. */
export function validatePodUpdate(resource: ResourceType, oldPod: KubeObject, newPod: KubeObject): void {
  const causes = [...containerErrors(newPod.spec, 'initContainers'), ...containerErrors(newPod.spec, 'containers')];
  const munged = mungedPodSpec(oldPod.spec, newPod.spec);
  if (!isDeepStrictEqual(munged, oldPod.spec ?? {})) {
    const diff: string[] = [];
    differences(oldPod.spec ?? {}, munged, 'spec', diff);
    causes.push({ type: 'FieldValueForbidden', field: 'spec', detail: `${POD_UPDATE_FORBIDDEN}\n${diff.join('\n')}` });
  }
  fail(resource, newPod.metadata.name ?? '', causes);
}
