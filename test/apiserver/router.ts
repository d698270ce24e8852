// Turns a request path into what Kubernetes' RequestInfo resolver makes of it: group, version, namespace,
// resource, name, subresource and verb; both watch forms (`?watch=true` and the older `/watch/` prefix).
import type { ResourceRegistry, ResourceType } from './resources.js';

export interface ResourceRequest {
  resource: ResourceType;
  version: string;
  /** '' for cluster-scoped resources and for lists across all namespaces */
  namespace: string;
  name: string;
  subresource: string;
  verb: string;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export type Route =
  { kind: 'resource'; request: ResourceRequest } | { kind: 'unknown'; group?: string; resource?: string };

function isTrue(value: string | null): boolean {
  return value === 'true' || value === '1';
}

export function route(registry: ResourceRegistry, method: string, url: URL): Route {
  let parts = url.pathname.split('/').filter(Boolean);
  let group: string;
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    parts = parts.slice(1);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1];
    parts = parts.slice(2);
  } else {
    return { kind: 'unknown' };
  }
  const version = parts[0];
  parts = parts.slice(1);
  let watch = isTrue(url.searchParams.get('watch'));
  if (parts[0] === 'watch') {
    watch = true;
    parts = parts.slice(1);
  }
  let namespace = '';
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1];
    // "namespaces/x" is the Namespace x itself; "namespaces/x/pods" lists pods in x.
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) parts = parts.slice(2);
  }
  const [resourceName, name = '', subresource = '', ...rest] = parts;
  if (!resourceName || rest.length > 0) return { kind: 'unknown' };
  const resource = registry.byPath(group, version, resourceName);
  if (!resource) return { kind: 'unknown', group, resource: resourceName };
  if (resource.resource === 'namespaces') namespace = name;
  if (!resource.namespaced && resource.resource !== 'namespaces' && namespace)
    return { kind: 'unknown', group, resource: resourceName };
  if (subresource && !(subresource === 'status' && resource.statusSubresource))
    return { kind: 'unknown', group, resource: resourceName };
  const collection = name === '';
  let verb: string;
  switch (method) {
    case 'GET':
    case 'HEAD':
      verb = watch ? 'watch' : collection ? 'list' : 'get';
      break;
    case 'POST':
      verb = collection && !subresource ? 'create' : 'unsupported';
      break;
    case 'PUT':
      verb = collection ? 'unsupported' : 'update';
      break;
    case 'PATCH':
      verb = collection ? 'unsupported' : 'patch';
      break;
    case 'DELETE':
      verb = collection ? 'deletecollection' : 'delete';
      break;
    default:
      verb = 'unsupported';
  }
  return { kind: 'resource', request: { resource, version, namespace, name, subresource, verb } };
}
