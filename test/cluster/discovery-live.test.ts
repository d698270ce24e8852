// Which SidecarSet version a server serves, and TYPE names resolved against its discovery documents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type TestApiServer } from '../apiserver/index.js';
import { connect, type Cluster } from '../../src/cluster/connect.js';
import { resolveType, sidecarSetType } from '../../src/cluster/discovery.js';
import { failureOf, tempDir } from './live.js';

const servers: TestApiServer[] = [];
let tmp: ReturnType<typeof tempDir>;

beforeAll(() => {
  tmp = tempDir('discovery');
});

afterAll(async () => {
  for (const s of servers) await s.close();
  tmp?.remove();
});

async function clusterServing(sidecarSetVersions: Array<'v1alpha1' | 'v1beta1'> | null): Promise<Cluster> {
  const api = await startApiServer({ sidecarSetVersions });
  servers.push(api);
  return connect({ kubeconfig: api.writeKubeconfig(tmp.dir, { fileName: `kubeconfig-${servers.length}` }) }, {});
}

describe('discovery: the SidecarSet API the server serves', () => {
  it('v1beta1 where served, else v1alpha1', async () => {
    expect((await sidecarSetType(await clusterServing(['v1beta1', 'v1alpha1']))).version).toBe('v1beta1');
    expect((await sidecarSetType(await clusterServing(['v1beta1']))).version).toBe('v1beta1');
    const alpha = await sidecarSetType(await clusterServing(['v1alpha1']));
    expect(alpha).toEqual({
      group: 'apps.kruise.io',
      version: 'v1alpha1',
      resource: 'sidecarsets',
      kind: 'SidecarSet',
      namespaced: false,
    });
  });

  it('neither: OpenKruise is not installed, in one line', async () => {
    const c = await clusterServing(null);
    expect(await failureOf(sidecarSetType(c))).toBe(
      `OpenKruise is not installed in this cluster: the server serves no apps.kruise.io SidecarSet API (${c.server})`,
    );
  });
});

describe('discovery: TYPE names as kubectl resolves them', () => {
  it('every workload type a TYPE/NAME argument may name', async () => {
    const c = await clusterServing(['v1beta1', 'v1alpha1']);
    const resolved = async (t: string) => {
      const r = await resolveType(c, t);
      return `${r.resource}.${r.group || 'core'}`;
    };
    const cases: Record<string, string> = {
      pod: 'pods.core',
      po: 'pods.core',
      Pods: 'pods.core',
      deployment: 'deployments.apps',
      deploy: 'deployments.apps',
      'deployments.apps': 'deployments.apps',
      statefulset: 'statefulsets.apps',
      sts: 'statefulsets.apps',
      daemonset: 'daemonsets.apps',
      ds: 'daemonsets.apps',
      replicaset: 'replicasets.apps',
      rs: 'replicasets.apps',
      job: 'jobs.batch',
      cronjob: 'cronjobs.batch',
      cj: 'cronjobs.batch',
      cloneset: 'clonesets.apps.kruise.io',
      'statefulsets.apps.kruise.io': 'statefulsets.apps.kruise.io',
      'daemonsets.apps.kruise.io': 'daemonsets.apps.kruise.io',
      broadcastjob: 'broadcastjobs.apps.kruise.io',
      bcj: 'broadcastjobs.apps.kruise.io',
      asts: 'statefulsets.apps.kruise.io',
      sidecarset: 'sidecarsets.apps.kruise.io',
      namespace: 'namespaces.core',
      ns: 'namespaces.core',
      configmap: 'configmaps.core',
      cm: 'configmaps.core',
    };
    for (const [type, want] of Object.entries(cases)) expect(await resolved(type), type).toBe(want);
    expect((await resolveType(c, 'sidecarset')).version).toBe('v1beta1');
    expect(await failureOf(resolveType(c, 'gizmo'))).toBe('the server doesn\'t have a resource type "gizmo"');
    expect(await failureOf(resolveType(c, 'deployments.batch'))).toBe(
      'the server doesn\'t have a resource type "deployments.batch"',
    );
  });
});
