import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, listContexts, type Cluster } from '../../src/cluster/connect.js';
import { kubeconfigFiles } from '../../src/cluster/kubeconfig.js';
import { sidecarSetType } from '../../src/cluster/discovery.js';
import { listObjects, names } from '../../src/cluster/read.js';
import { NAMESPACE, POD } from '../../src/cluster/rest-mapper.js';
import { SidecarsetError } from '../../src/errors.js';
import { startApiServer, writeKubeconfig, type ApiServer } from './api-server.js';

const listNamespaces = async (c: Cluster) => (await listObjects(c, NAMESPACE)).items;
const listPods = async (c: Cluster) => (await listObjects(c, POD)).items;
const listSidecarSets = async (c: Cluster) => (await listObjects(c, await sidecarSetType(c))).items;
let api: ApiServer;
let noKruise: ApiServer;
let dir: string;
let kubeconfig: string;

beforeAll(async () => {
  api = await startApiServer({
    namespaces: ['apps', 'default', 'kube-system'],
    pods: { apps: ['web-0', 'web-1'], default: ['solo'] },
    sidecarSets: ['filebeat', 'mesh'],
  });
  noKruise = await startApiServer({ namespaces: ['default'], pods: {}, sidecarSets: null });
  dir = mkdtempSync(path.join(tmpdir(), 'sidecarset-cluster-'));
  kubeconfig = writeKubeconfig(dir, api.url, noKruise.url);
});

afterAll(async () => {
  await api.close();
  await noKruise.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('cluster: lists through the real client against an API server on loopback', () => {
  it('lists SidecarSets, Namespaces and the Pods of the context namespace', async () => {
    const cluster = await connect({ kubeconfig }, {});
    expect(cluster.namespace).toBe('apps');
    expect(names(await listSidecarSets(cluster))).toEqual(['filebeat', 'mesh']);
    expect(names(await listNamespaces(cluster))).toEqual(['apps', 'default', 'kube-system']);
    expect(names(await listPods(cluster))).toEqual(['web-0', 'web-1']);
    expect(api.requests).toContain('/apis/apps.kruise.io/v1beta1/sidecarsets');
    expect(api.requests).toContain('/api/v1/namespaces/apps/pods');
  });

  it('honours -n, $KUBECONFIG and --context', async () => {
    const fromEnv = await connect({ namespace: 'default' }, { KUBECONFIG: kubeconfig });
    expect(names(await listPods(fromEnv))).toEqual(['solo']);
    const other = await connect({ kubeconfig, context: 'elsewhere' }, {});
    expect(other.namespace).toBe('default');
    expect(other.server).toBe(noKruise.url);
    expect(await listContexts({ kubeconfig }, {})).toEqual(['main', 'elsewhere']);
  });

  it('says when Kruise is not installed, the context is unknown, or there is no kubeconfig', async () => {
    const other = await connect({ kubeconfig, context: 'elsewhere' }, {});
    await expect(listSidecarSets(other)).rejects.toThrow(/cannot list apps\.kruise\.io\/v1beta1 sidecarsets from .*is OpenKruise installed/);
    await expect(connect({ kubeconfig, context: 'nope' }, {})).rejects.toThrow('context "nope" does not exist');
    await expect(connect({}, { HOME: dir, KUBECONFIG: path.join(dir, 'missing') })).rejects.toBeInstanceOf(SidecarsetError);
    expect(kubeconfigFiles({}, { KUBECONFIG: [path.join(dir, 'missing'), kubeconfig].join(path.delimiter) })).toEqual([kubeconfig]);
  });

  it('gives up at the deadline when the server does not answer', async () => {
    api.hang = true;
    try {
      const cluster = await connect({ kubeconfig }, {});
      await expect(listNamespaces(cluster, { timeoutMs: 200 })).rejects.toThrow(/cannot list namespaces .*timed out/);
    } finally {
      api.hang = false;
    }
  });
});
