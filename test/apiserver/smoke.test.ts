import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type TestApiServer } from './index.js';

let api: TestApiServer;
let dir: string;
let kc: k8s.KubeConfig;
beforeAll(async () => {
  api = await startApiServer({ objects: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'apps' }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } }] });
  dir = mkdtempSync(path.join(tmpdir(), 'apiserver-'));
  kc = new k8s.KubeConfig();
  kc.loadFromFile(api.writeKubeconfig(dir, { namespace: 'apps' }));
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});
describe('smoke', () => {
  it('lists pods', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await new Promise((r) => setTimeout(r, 100));
    const pods = await core.listNamespacedPod({ namespace: 'apps' });
    console.log(JSON.stringify(pods.items[0].status, null, 1));
    expect(pods.items.map((p) => p.metadata?.name)).toEqual(['a']);
  });
});
