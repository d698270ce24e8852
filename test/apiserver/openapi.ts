// Just enough OpenAPI v3 for kubectl: it reads the PATCH operation of each kind to learn that the server
// validates fields itself (the fieldValidation query parameter), and then skips client-side validation,
// which would need the full OpenAPI v2 schema.
import { createHash } from 'node:crypto';
import { apiVersionOf, type ResourceRegistry } from './resources.js';

function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function document(registry: ResourceRegistry, group: string, version: string) {
  const paths: Record<string, unknown> = {};
  for (const t of registry.atVersion(group, version)) {
    const base = `/${groupVersionPath(group, version)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.resource}/{name}`;
    const gvk = { group, version, kind: t.kind };
    const operation = (action: string) => ({
      tags: [apiVersionOf(group, version)],
      operationId: `${action}${t.kind}`,
      parameters: [
        { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
        { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
        { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
      ],
      responses: { '200': { description: 'OK' } },
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
    });
    paths[base] = {
      get: operation('get'),
      put: operation('put'),
      patch: operation('patch'),
      delete: operation('delete'),
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.4' }, paths };
}

/** The OpenAPI v3 index (/openapi/v3) or one group-version's document, or undefined for other paths. */
export function openApiDocument(registry: ResourceRegistry, pathname: string): unknown {
  const path = pathname.replace(/\/+$/, '');
  if (path === '/openapi/v3') {
    const paths: Record<string, unknown> = {};
    for (const { group, versions } of registry.groups()) {
      for (const version of versions) {
        const gv = groupVersionPath(group, version);
        const hash = createHash('sha512')
          .update(JSON.stringify(document(registry, group, version)))
          .digest('hex')
          .toUpperCase();
        paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash.slice(0, 128)}` };
      }
    }
    return { paths };
  }
  const m = /^\/openapi\/v3\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!m) return undefined;
  const [group, version] = m[1] ? ['', m[1]] : [m[2], m[3]];
  if (registry.atVersion(group, version).length === 0) return undefined;
  return document(registry, group, version);
}
