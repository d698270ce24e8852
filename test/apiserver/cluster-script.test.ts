// `npm run cluster` as a developer runs it: the first stdout line exports KUBECONFIG, the server answers with
// the fixtures loaded, and SIGTERM stops it and removes the kubeconfig.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

describe('npm run cluster', () => {
  it('serves the fixtures until SIGTERM, then cleans up', async () => {
    const child = spawn(process.execPath, [path.join(root, 'scripts/cluster.mjs')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => {
          if (out.includes('\n')) {
            clearInterval(timer);
            resolve();
          }
        }, 20);
        void exited.then(() => {
          clearInterval(timer);
          reject(new Error(`cluster exited early: ${err}`));
        });
      });
      const first = out.split('\n')[0];
      expect(first).toMatch(/^export KUBECONFIG=\/.+\/kubeconfig$/);
      const file = first.slice('export KUBECONFIG='.length);
      expect(existsSync(file)).toBe(true);
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(file);
      expect(kc.getContextObject(kc.getCurrentContext())?.namespace).toBe('shop');
      const sidecarsets: any = await kc
        .makeApiClient(k8s.CustomObjectsApi)
        .listClusterCustomObject({ group: 'apps.kruise.io', version: 'v1beta1', plural: 'sidecarsets' });
      expect(sidecarsets.items.map((s: any) => s.metadata.name)).toContain('filebeat-sidecarset');
      const pods = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: 'shop' });
      expect(pods.items.length).toBeGreaterThan(0);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(file)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
