// create, update, patch and delete, with Kubernetes' preconditions, system metadata, status-subresource
// rules, Pod update validation and dryRun=All.
import { isDeepStrictEqual } from 'node:util';
import { isDryRun, mediaType, parseBody, sendJson, type Call } from './context.js';
import { defaultPod, generatedName, initialStatus, present, specPart, stampNew, timestamp } from './objects.js';
import {
  acceptedPatchTypes,
  APPLY_PATCH,
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  JSON_PATCH,
  MERGE_PATCH,
  STRATEGIC_MERGE_PATCH,
} from './patch.js';
import { apiVersionOf, splitApiVersion, type ResourceType } from './resources.js';
import { filterOf } from './read.js';
import { errors } from './status.js';
import type { KubeObject } from './store.js';
import { validateCreate, validatePodUpdate } from './validation.js';

const isPods = (r: ResourceType) => r.group === '' && r.resource === 'pods';

function namespaces(call: Call): ResourceType {
  return call.state.registry.byPath('', 'v1', 'namespaces')!;
}

/** Checks the body's apiVersion/kind against the endpoint and its name and namespace against the URL. */
function checkBody(call: Call, body: any, requireName: boolean): KubeObject {
  const { resource, version, namespace, name } = call.target;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw errors.badRequest('the body of the request must be an object');
  const expected = apiVersionOf(resource.group, version);
  if (body.apiVersion && body.apiVersion !== expected) {
    const { group } = splitApiVersion(body.apiVersion);
    if (group !== resource.group || !resource.versions.includes(splitApiVersion(body.apiVersion).version)) {
      throw errors.badRequest(
        `the API version in the data (${body.apiVersion}) does not match the expected API version (${expected})`,
      );
    }
  }
  if (body.kind && body.kind !== resource.kind) {
    throw errors.badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${resource.kind})`);
  }
  body.metadata ??= {};
  if (resource.namespaced) {
    if (body.metadata.namespace && body.metadata.namespace !== namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    body.metadata.namespace = namespace;
  } else {
    delete body.metadata.namespace;
  }
  if (requireName && body.metadata.name !== name) {
    throw errors.badRequest(
      `the name of the object (${body.metadata.name ?? ''}) does not match the name on the URL (${name})`,
    );
  }
  body.apiVersion = expected;
  body.kind = resource.kind;
  return body as KubeObject;
}

function requireNamespace(call: Call): void {
  const { resource, namespace } = call.target;
  if (!resource.namespaced) return;
  if (!call.state.store.get(namespaces(call), undefined, namespace)) throw errors.notFound(namespaces(call), namespace);
}

export async function handleCreate(call: Call): Promise<void> {
  const { resource, version } = call.target;
  const dryRun = isDryRun(call.url);
  const object = checkBody(call, parseBody(call), false);
  requireNamespace(call);
  const m = object.metadata;
  if (!m.name && m.generateName) m.name = generatedName(m.generateName);
  stampNew(resource, object);
  if (resource.statusSubresource) {
    const status = initialStatus(resource);
    if (status) object.status = status;
    else delete object.status;
  }
  if (resource.resource === 'namespaces' && resource.group === '') {
    m.labels = { ...m.labels, 'kubernetes.io/metadata.name': m.name ?? '' };
    object.spec = { finalizers: ['kubernetes'], ...object.spec };
  }
  let created = object;
  if (isPods(resource)) {
    defaultPod(created);
    // The test's stand-in for a mutating Pod webhook (Kruise's injection) runs after defaulting.
    if (call.state.onPodCreate) created = (await call.state.onPodCreate(structuredClone(created))) ?? created;
  }
  validateCreate(resource, created);
  if (call.state.store.get(resource, m.namespace, m.name!)) throw errors.alreadyExists(resource, m.name!);
  if (call.forceConflict) throw errors.conflict(resource, m.name!);
  if (dryRun) {
    sendJson(call.res, 201, present(resource, version, created));
    return;
  }
  const stored = call.state.store.commit(resource, m.namespace, m.name!, created)!;
  sendJson(call.res, 201, present(resource, version, stored));
}

/** The stored object with `next`'s changes applied as the endpoint allows, or a Status error. */
function nextVersion(call: Call, existing: KubeObject, next: KubeObject): KubeObject {
  const { resource, subresource } = call.target;
  const wanted = next.metadata.resourceVersion;
  if ((wanted && wanted !== existing.metadata.resourceVersion) || call.forceConflict) {
    throw errors.conflict(resource, existing.metadata.name!);
  }
  let result: KubeObject;
  if (subresource === 'status') {
    // A status write changes status only.
    result = { ...structuredClone(existing), status: next.status };
  } else {
    result = next;
    // System metadata is the server's, whatever the body says.
    for (const k of [
      'uid',
      'creationTimestamp',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'generation',
    ] as const) {
      if (existing.metadata[k] === undefined) delete result.metadata[k];
      else result.metadata[k] = existing.metadata[k] as never;
    }
    if (resource.statusSubresource) {
      if (existing.status === undefined) delete result.status;
      else result.status = existing.status;
    }
    if (resource.generation && !isDeepStrictEqual(specPart(existing), specPart(result))) {
      result.metadata.generation = (existing.metadata.generation ?? 0) + 1;
    }
    if (isPods(resource)) validatePodUpdate(resource, existing, result);
  }
  result.metadata.resourceVersion = existing.metadata.resourceVersion;
  return result;
}

/** Stores the new version unless nothing changed (then, as Kubernetes, no new resourceVersion). */
function finishUpdate(call: Call, existing: KubeObject, result: KubeObject): void {
  const { resource, version } = call.target;
  const unchanged = isDeepStrictEqual(present(resource, version, existing), present(resource, version, result));
  if (isDryRun(call.url) || unchanged) {
    sendJson(call.res, 200, present(resource, version, unchanged ? existing : result));
    return;
  }
  const stored = call.state.store.commit(resource, existing.metadata.namespace, existing.metadata.name!, result)!;
  sendJson(call.res, 200, present(resource, version, stored));
}

function existingOrNotFound(call: Call): KubeObject {
  const { resource, namespace, name } = call.target;
  const existing = call.state.store.get(resource, namespace, name);
  if (!existing) throw errors.notFound(resource, name);
  return present(resource, call.target.version, existing);
}

export function handleUpdate(call: Call): void {
  isDryRun(call.url);
  const next = checkBody(call, parseBody(call), true);
  const existing = existingOrNotFound(call);
  finishUpdate(call, existing, nextVersion(call, existing, next));
}

export function handlePatch(call: Call): void {
  isDryRun(call.url);
  const { resource } = call.target;
  const type = mediaType(call.req.headers['content-type']);
  const accepted = acceptedPatchTypes(resource.custom);
  if (!accepted.includes(type)) throw errors.unsupportedMediaType(accepted);
  const patch = parseBody(call);
  const existing = existingOrNotFound(call);
  let patched: any;
  if (type === JSON_PATCH) patched = applyJsonPatch(existing, patch);
  else if (type === MERGE_PATCH || type === APPLY_PATCH) patched = applyMergePatch(existing, patch);
  else if (type === STRATEGIC_MERGE_PATCH) patched = applyStrategicMergePatch(existing, patch);
  // A patch that sets metadata.resourceVersion is a precondition; otherwise it applies to the current version.
  const next = checkBody(call, patched, true);
  finishUpdate(call, existing, nextVersion(call, existing, next));
}

function deleteOptions(call: Call): any {
  if (!call.body || call.body.length === 0) return {};
  const options = parseBody(call);
  return typeof options === 'object' && options !== null ? options : {};
}

export function handleDelete(call: Call): void {
  const { resource, version, namespace, name } = call.target;
  const { store } = call.state;
  const dryRun = isDryRun(call.url);
  const options = deleteOptions(call);
  const existing = existingOrNotFound(call);
  const pre = options.preconditions ?? {};
  if (pre.uid && pre.uid !== existing.metadata.uid) {
    throw conflictWith(
      call,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`,
    );
  }
  if (pre.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion) {
    throw conflictWith(
      call,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`,
    );
  }
  if (call.forceConflict) throw errors.conflict(resource, name);
  const query = call.url.searchParams.get('gracePeriodSeconds');
  const grace = Number(query ?? options.gracePeriodSeconds ?? existing.spec?.terminationGracePeriodSeconds ?? 30);
  // A scheduled Pod is deleted gracefully: marked now, removed by its kubelet.
  if (isPods(resource) && call.state.kubeletRunning && existing.spec?.nodeName && grace > 0) {
    if (existing.metadata.deletionTimestamp) return sendJson(call.res, 200, existing);
    const marked = structuredClone(existing);
    marked.metadata.deletionTimestamp = timestamp(new Date(Date.now() + grace * 1000));
    marked.metadata.deletionGracePeriodSeconds = grace;
    if (dryRun) return sendJson(call.res, 200, marked);
    return sendJson(call.res, 200, present(resource, version, store.commit(resource, namespace, name, marked)!));
  }
  if (dryRun) return sendJson(call.res, 200, existing);
  const deleted = store.commit(resource, namespace, name, null)!;
  if (resource.group === '' && resource.resource === 'namespaces') deleteNamespaceContents(call, name);
  if (isPods(resource)) return sendJson(call.res, 200, present(resource, version, deleted));
  const details: Record<string, string> = { name };
  if (resource.group) details.group = resource.group;
  details.kind = resource.resource;
  details.uid = existing.metadata.uid!;
  sendJson(call.res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details });
}

function conflictWith(call: Call, message: string) {
  return errors.conflict(call.target.resource, call.target.name, message);
}

// The namespace controller's work, done at once: everything in the namespace goes with it.
function deleteNamespaceContents(call: Call, namespace: string): void {
  const { store, registry } = call.state;
  for (const type of registry.types) {
    if (!type.namespaced) continue;
    for (const o of store.list(type, namespace)) store.commit(type, namespace, o.metadata.name!, null);
  }
}

export function handleDeleteCollection(call: Call): void {
  const { resource, version, namespace } = call.target;
  const { store } = call.state;
  const dryRun = isDryRun(call.url);
  const scope = resource.namespaced && namespace ? namespace : undefined;
  const items = store.list(resource, scope).filter(filterOf(call));
  if (!dryRun) for (const o of items) store.commit(resource, o.metadata.namespace, o.metadata.name!, null);
  sendJson(call.res, 200, {
    kind: `${resource.kind}List`,
    apiVersion: apiVersionOf(resource.group, version),
    metadata: { resourceVersion: String(store.resourceVersion) },
    items: items.map((o) => present(resource, version, o)),
  });
}
