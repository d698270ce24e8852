// Legacy (unaggregated) discovery documents: /version, /api, /api/v1, /apis, /apis/<group>[/<version>].
// Clients that ask for aggregated discovery (kubectl 1.26+) fall back to these when the answer is plain JSON.
import { apiVersionOf, RESOURCE_VERBS, type ResourceRegistry, type ResourceType } from './resources.js';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T00:00:00Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function groupDoc(group: string, versions: string[]) {
  const list = versions.map((version) => ({ groupVersion: apiVersionOf(group, version), version }));
  return { name: group, versions: list, preferredVersion: list[0] };
}

function resourceEntries(t: ResourceType) {
  const main: Record<string, unknown> = {
    name: t.resource,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: RESOURCE_VERBS,
  };
  if (t.shortNames) main.shortNames = t.shortNames;
  if (t.categories) main.categories = t.categories;
  const entries: Array<Record<string, unknown>> = [main];
  if (t.statusSubresource) {
    entries.push({
      name: `${t.resource}/status`,
      singularName: '',
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: ['get', 'patch', 'update'],
    });
  }
  return entries;
}

/** The discovery document for a path, or undefined when the path is not a discovery path. */
export function discoveryDocument(registry: ResourceRegistry, pathname: string): unknown {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/version') return SERVER_VERSION;
  if (path === '/api') {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:443' }],
    };
  }
  const groups = registry.groups().filter((g) => g.group !== '');
  if (path === '/apis') {
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => groupDoc(g.group, g.versions)) };
  }
  const core = /^\/api\/(v1)$/.exec(path);
  const named = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  const [group, version] = core ? ['', core[1]] : named ? [named[1], named[2]] : [undefined, undefined];
  if (group === undefined) return undefined;
  if (version === undefined) {
    const g = groups.find((x) => x.group === group);
    return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g.group, g.versions) } : null;
  }
  const types = registry.atVersion(group, version);
  if (types.length === 0) return null;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf(group, version),
    resources: types.flatMap(resourceEntries),
  };
}
