// plan-rollout against live Pods: NAME plans the cluster's SidecarSet, -f --live a new version of it; the
// Pods are listed in pages (limit/continue), only in the namespaces the SidecarSet can select.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { startApiServer, type KubeObject, type TestApiServer } from '../apiserver/index.js';
import { cli } from '../cli/harness.js';
import { pod, tempDir } from '../cluster/live.js';
import { sidecarSetYaml, storedSidecarSet, writeYaml } from './live-helpers.js';

const PODS = 10_000;
const AGENT = sidecarSetYaml('agent', 'registry.example.com/agent:1.0', { app: 'many' }, 'agent');

let api: TestApiServer;
let tmp: ReturnType<typeof tempDir>;
let env: Record<string, string>;
const stored = storedSidecarSet(AGENT);

/** A Pod as Kruise injected it with `sidecarSet` (hash annotations and the sidecar). */
function injectedPod(name: string, namespace: string, sidecarSet: KubeObject, image: string): KubeObject {
  const p = pod(name, namespace, { app: 'many' }) as unknown as KubeObject;
  const entry = (hash: string) =>
    JSON.stringify({
      agent: { updateTimestamp: '2023-11-14T22:13:20Z', hash, sidecarSetName: 'agent', sidecarList: ['agent'] },
    });
  const a = sidecarSet.metadata.annotations!;
  p.metadata.annotations = {
    'kruise.io/sidecarset-hash': entry(a['kruise.io/sidecarset-hash']),
    'kruise.io/sidecarset-hash-without-image': entry(a['kruise.io/sidecarset-hash-without-image']),
    'kruise.io/sidecarset-injected-list': 'agent',
  };
  p.spec.containers.unshift({ name: 'agent', image });
  return p;
}

beforeAll(async () => {
  const objects: KubeObject[] = [stored];
  for (let i = 0; i < PODS; i++)
    objects.push(
      injectedPod(`many-${String(i).padStart(5, '0')}`, `team-${i % 4}`, stored, 'registry.example.com/agent:1.0'),
    );
  api = await startApiServer({ kubelet: false, objects });
  tmp = tempDir('rollout-live');
  env = { KUBECONFIG: api.writeKubeconfig(tmp.dir) };
}, 120_000);

afterAll(async () => {
  await api?.close();
  tmp?.remove();
});

const podLists = () => api.requests.filter((q) => q.method === 'GET' && q.resource === 'pods' && q.verb === 'list');

describe('plan-rollout NAME: the cluster SidecarSet against its live Pods', () => {
  it('reads 10,000 Pods in pages of 500 (limit/continue) and plans what a file of the same Pods plans', async () => {
    const before = podLists().length;
    const live = await cli(['plan-rollout', 'agent', '-o', 'json'], { env });
    expect(live.stderr).toBe('');
    expect(live.code).toBe(0);
    const lists = podLists().slice(before);
    expect(lists).toHaveLength(PODS / 500);
    expect(lists.every((q) => q.query.limit === '500')).toBe(true);
    expect(lists.slice(1).every((q) => (q.query.continue ?? '') !== '')).toBe(true);
    expect(lists[0].namespace ?? '').toBe(''); // no namespaceSelector: one list across namespaces

    // the same Pods and the stored SidecarSet, from files
    const pods = path.join(tmp.dir, 'pods.json');
    writeFileSync(pods, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: api.store.list('pods') }));
    const ss = writeYaml(tmp.dir, 'agent.yaml', api.store.get('sidecarsets.apps.kruise.io', undefined, 'agent'));
    const fromFiles = await cli(['plan-rollout', '-f', ss, '-f', pods, '--keep-hash', '-o', 'json'], {
      env: { ...env, KUBECTL_SIDECARSET_THREADS: '1' },
    });
    expect(fromFiles.code).toBe(0);
    expect(JSON.parse(live.stdout)).toEqual(JSON.parse(fromFiles.stdout));
    expect(JSON.parse(live.stdout).totals.matched).toBe(PODS);
  }, 240_000);

  it('-f new.yaml --live: the new version against the live Pods, listed only in the namespaces its namespaceSelector allows', async () => {
    api.store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-1', labels: { tier: 'gold' } } });
    const selective = YAML.parse(AGENT.replace('agent:1.0', 'agent:2.0'));
    selective.spec.namespaceSelector = { matchLabels: { tier: 'gold' } };
    const file = writeYaml(tmp.dir, 'gold.yaml', selective);
    const before = podLists().length;
    const r = await cli(['plan-rollout', '-f', file, '--live'], { env });
    expect(r.code).toBe(0);
    expect(
      new Set(
        podLists()
          .slice(before)
          .map((q) => q.namespace),
      ),
    ).toEqual(new Set(['team-1']));
    expect(r.stdout).toMatch(/Pods: +2500 given, 2500 matched/);
    expect(r.stdout).toContain('registry.example.com/agent:1.0 (2500 Pods) → registry.example.com/agent:2.0');
  }, 120_000);

  it('usage and failures: NAME with --live, Pods in files with --live, a SidecarSet that is not there', async () => {
    expect((await cli(['plan-rollout', 'agent', '--live'], { env })).code).toBe(2);
    const pods = writeYaml(tmp.dir, 'one-pod.yaml', YAML.parse(AGENT), pod('x', 'default'));
    const withPods = await cli(['plan-rollout', '-f', pods, '--live'], { env });
    expect(withPods.code).toBe(1);
    expect(withPods.stderr).toContain('with --live the Pods come from the cluster');
    const missing = await cli(['plan-rollout', 'nope'], { env });
    expect(missing.stderr).toBe(
      `error: cannot get sidecarsets.apps.kruise.io "nope" on ${api.url}: not found: sidecarsets.apps.kruise.io "nope" not found\n`,
    );
  });
});
