// What the server serves, from its discovery documents (kept for the life of the Cluster):
//
//   sidecarSetType(cluster)         apps.kruise.io SidecarSets at v1beta1 where served, else v1alpha1
//   resolveType(cluster, type)      the ResourceType of a kubectl-style TYPE ("deploy", "sts.apps.kruise.io")
//   discoverGroups(cluster, only?)  the discovered groups (core first, then /apis in the server's order)
//
// The core group is read first and alone: pods, namespaces and configmaps resolve with two requests. A group
// version whose discovery fails (an aggregated API that is down) is skipped, as kubectl skips it.
import { SidecarsetError } from '../errors.js';
import { ApiError } from './api-error.js';
import type { Cluster } from './connect.js';
import { resolveResourceType, type ApiResource, type DiscoveredGroup, type ResourceType } from './rest-mapper.js';
import { requestJson } from './transport.js';

export const KRUISE_GROUP = 'apps.kruise.io';
/** newest first: the first one served is used */
export const SIDECARSET_VERSIONS = ['v1beta1', 'v1alpha1'] as const;
const CONCURRENCY = 8;

interface ApiGroup {
  name: string;
  versions?: Array<{ groupVersion: string; version: string }>;
  preferredVersion?: { version: string };
}

/** The SidecarSet resource this server serves; one clear line when OpenKruise is not installed. */
export async function sidecarSetType(cluster: Cluster): Promise<ResourceType> {
  const notInstalled = () =>
    new SidecarsetError(
      `OpenKruise is not installed in this cluster: the server serves no ${KRUISE_GROUP} SidecarSet API (${cluster.server})`,
    );
  let group: ApiGroup;
  try {
    group = await cached(cluster, `/apis/${KRUISE_GROUP}`, () =>
      requestJson<ApiGroup>(cluster, {
        method: 'GET',
        path: `/apis/${KRUISE_GROUP}`,
        verb: 'discover',
        what: `the API group ${KRUISE_GROUP}`,
      }),
    );
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) throw notInstalled();
    throw err;
  }
  const served = new Set((group.versions ?? []).map((v) => v.version));
  for (const version of SIDECARSET_VERSIONS) {
    if (!served.has(version)) continue;
    const resources = await groupVersionResources(cluster, KRUISE_GROUP, version, true);
    const r = resources?.find((x) => x.name === 'sidecarsets');
    if (r) return { group: KRUISE_GROUP, version, resource: r.name, kind: r.kind, namespaced: r.namespaced === true };
  }
  throw notInstalled();
}

/** The resource a TYPE names, resolved against discovery as kubectl resolves it. */
export async function resolveType(cluster: Cluster, type: string): Promise<ResourceType> {
  const qualified = type.includes('.');
  const core = await discoverGroups(cluster, 'core');
  // The core group is first in kubectl's priority order: an unqualified match there is final.
  const found =
    (!qualified && resolveResourceType(type, core)) || resolveResourceType(type, await discoverGroups(cluster));
  if (!found) throw new SidecarsetError(`the server doesn't have a resource type "${type}"`);
  return found;
}

/** Discovered groups: the core group only, or all of them (core first, then /apis in the server's order). */
export async function discoverGroups(cluster: Cluster, only?: 'core'): Promise<DiscoveredGroup[]> {
  const core = await cached(cluster, '/api/v1', async () => ({
    group: '',
    versions: [{ version: 'v1', resources: (await groupVersionResources(cluster, '', 'v1', false)) ?? [] }],
  }));
  if (only === 'core') return [core];
  const list = await cached(cluster, '/apis', () =>
    requestJson<{ groups?: ApiGroup[] }>(cluster, {
      method: 'GET',
      path: '/apis',
      verb: 'discover',
      what: 'the API groups',
    }),
  );
  const jobs = (list.groups ?? []).flatMap((g) => versionsOf(g).map((version) => ({ group: g.name, version })));
  const resources = await limited(jobs, CONCURRENCY, (j) =>
    groupVersionResources(cluster, j.group, j.version, false).catch(() => undefined),
  );
  const groups: DiscoveredGroup[] = [];
  jobs.forEach((j, i) => {
    const found = resources[i];
    if (!found) return;
    let g = groups.find((x) => x.group === j.group);
    if (!g) groups.push((g = { group: j.group, versions: [] }));
    g.versions.push({ version: j.version, resources: found });
  });
  return [core, ...groups];
}

// The preferred version first, then the others in the server's order.
function versionsOf(g: ApiGroup): string[] {
  const all = (g.versions ?? []).map((v) => v.version);
  const preferred = g.preferredVersion?.version;
  return preferred && all.includes(preferred) ? [preferred, ...all.filter((v) => v !== preferred)] : all;
}

/** The resources of one group version; undefined when the server does not serve it (404). */
async function groupVersionResources(
  cluster: Cluster,
  group: string,
  version: string,
  retry: boolean,
): Promise<ApiResource[] | undefined> {
  const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
  try {
    const list = await cached(cluster, path, () =>
      requestJson<{ resources?: ApiResource[] }>(cluster, {
        method: 'GET',
        path,
        verb: 'discover',
        what: `the resources of ${group || 'core'}/${version}`,
        retry,
      }),
    );
    return list.resources ?? [];
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return undefined;
    throw err;
  }
}

function cached<T>(cluster: Cluster, key: string, load: () => Promise<T>): Promise<T> {
  const cache = cluster.connection.cache;
  let p = cache.get(key) as Promise<T> | undefined;
  if (!p) {
    p = load();
    cache.set(key, p);
    // A failure is not remembered: the next call asks again.
    p.catch(() => cache.delete(key));
  }
  return p;
}

async function limited<J, R>(jobs: J[], n: number, run: (job: J) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await run(jobs[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, worker));
  return out;
}
