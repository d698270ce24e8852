// `upgrade` against the local API server, through run() as a user runs it: the server's kubelet restarts the
// patched containers (new imageID, Ready again), its faults inject conflicts, errors and dropped watches.
// Every test checks that no Pod was deleted or half-patched, that no other container changed, and that a
// rerun completes the rollout.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startApiServer, type KubeObject, type TestApiServer } from '../apiserver/index.js';
import { eventually } from '../apiserver/testing.js';
import { tempDir } from '../cluster/live.js';
import { cli, type CliResult } from './harness.js';
import { loadSidecarSet } from '../../src/kruise/sidecarcontrol/sidecarset.js';

const HASH = 'kruise.io/sidecarset-hash';
const HASH_WITHOUT_IMAGE = 'kruise.io/sidecarset-hash-without-image';
const NAMESPACES = ['shop', 'pay', 'ship'];

/** The SidecarSet as Kruise's webhook stores it (its real hashes). */
function sidecarSet(strategy: Record<string, unknown> = {}): KubeObject {
  const raw = {
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: { name: 'log-agent', annotations: {} as Record<string, string> },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      containers: [{ name: 'log-agent', image: 'log-agent:2.0' }],
      updateStrategy: { type: 'NotUpdate', maxUnavailable: 1, ...strategy },
    },
  };
  raw.metadata.annotations = {};
  const annotations = loadSidecarSet(raw, { keepHash: false }).sidecarSet.metadata.annotations!;
  raw.metadata.annotations = { [HASH]: annotations[HASH], [HASH_WITHOUT_IMAGE]: annotations[HASH_WITHOUT_IMAGE] };
  return raw as KubeObject;
}
const SHAPE = sidecarSet().metadata.annotations![HASH_WITHOUT_IMAGE];
const REV2 = sidecarSet().metadata.annotations![HASH];

function pod(namespace: string, name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { app: 'web', ...labels },
      annotations: {
        'kruise.io/sidecarset-injected-list': 'log-agent',
        [HASH]: JSON.stringify({
          'log-agent': {
            updateTimestamp: '2026-01-01T00:00:00Z',
            hash: 'rev-1',
            sidecarSetName: 'log-agent',
            sidecarList: ['log-agent'],
          },
        }),
        [HASH_WITHOUT_IMAGE]: JSON.stringify({ 'log-agent': { hash: SHAPE, sidecarSetName: 'log-agent' } }),
      },
    },
    spec: {
      containers: [
        { name: 'app', image: 'nginx:1.25' },
        { name: 'log-agent', image: 'log-agent:1.0', env: [{ name: 'IS_INJECTED', value: 'true' }] },
      ],
    },
  };
}

const ready = (p: KubeObject) =>
  (p.status?.conditions as { type: string; status: string }[] | undefined)?.some(
    (c) => c.type === 'Ready' && c.status === 'True',
  );

const tmp = tempDir('upgrade');
const servers: TestApiServer[] = [];
afterAll(() => tmp.remove());
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

let serial = 0;
async function cluster(objects: KubeObject[], kubelet = { readyDelayMs: 5, restartDelayMs: 20 }) {
  const api = await startApiServer({ objects, kubelet });
  servers.push(api);
  const n = ++serial;
  const kubeconfig = api.writeKubeconfig(tmp.dir, { fileName: `kubeconfig-${n}` });
  const env = { XDG_STATE_HOME: `${tmp.dir}/state-${n}` };
  await eventually(() =>
    api.store
      .list('pods')
      .filter((p) => p.metadata.labels?.app === 'web')
      .every(ready),
  );
  const run = (args: string[]): Promise<CliResult> => cli(['upgrade', ...args, '--kubeconfig', kubeconfig], { env });
  return { api, kubeconfig, env, run };
}

function manyPods(perNamespace: number): KubeObject[] {
  return NAMESPACES.flatMap((ns) => Array.from({ length: perNamespace }, (_, i) => pod(ns, `web-${i}`)));
}

const webPods = (api: TestApiServer) => api.store.list('pods').filter((p) => p.metadata.labels?.app === 'web');

/** No Pod lost, each either wholly old or wholly new, the app container untouched. */
function expectWhole(api: TestApiServer, count: number): void {
  const pods = webPods(api);
  expect(pods).toHaveLength(count);
  for (const p of pods) {
    const [app, agent] = p.spec.containers as { name: string; image: string }[];
    expect(app).toMatchObject({ name: 'app', image: 'nginx:1.25' });
    const entry = JSON.parse(p.metadata.annotations![HASH])['log-agent'].hash;
    expect(agent.image === 'log-agent:2.0').toBe(entry === REV2);
  }
}

const upgraded = (api: TestApiServer) =>
  webPods(api).filter((p) => (p.spec.containers as { image: string }[])[1].image === 'log-agent:2.0').length;

describe('upgrade against a cluster', () => {
  it('rolls dozens of Pods in several namespaces, batch by batch, and plan-rollout counts them updated', async () => {
    const c = await cluster([sidecarSet(), ...manyPods(8)]);
    const r = await c.run(['log-agent', '--yes', '--max-unavailable', '25%']);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(upgraded(c.api)).toBe(24);
    expectWhole(c.api, 24);
    expect(r.stdout).toMatch(/^batch 1: upgrading 6 Pods$/m);
    expect(r.stdout).toMatch(/^batch 4: upgrading 6 Pods$/m);
    expect(r.stdout).not.toMatch(/^batch 5/m);
    const plan = await cli(['plan-rollout', 'log-agent', '--kubeconfig', c.kubeconfig, '-o', 'json']);
    expect(JSON.parse(plan.stdout).totals).toMatchObject({ matched: 24, updated: 24 });
    const status = await cli(['status', 'log-agent', '--kubeconfig', c.kubeconfig, '-o', 'json']);
    expect(JSON.parse(status.stdout).verdict.phase).toBe('complete');
  }, 60_000);

  it('holds back the partition, and a rerun without it completes', async () => {
    const c = await cluster([sidecarSet(), ...manyPods(2)]);
    const r = await c.run(['log-agent', '--yes', '--partition', '4', '--max-unavailable', '100%']);
    expect(r.code).toBe(0);
    expect(upgraded(c.api)).toBe(2);
    expectWhole(c.api, 6);
    expect((await c.run(['log-agent', '--yes', '--max-unavailable', '100%'])).code).toBe(0);
    expect(upgraded(c.api)).toBe(6);
  }, 60_000);

  it('--image rolls a new image under the hash the webhook would store', async () => {
    const c = await cluster([sidecarSet(), ...manyPods(1)]);
    const r = await c.run(['log-agent', '--yes', '--image', 'log-agent=log-agent:3.0', '--max-unavailable', '100%']);
    expect(r.code).toBe(0);
    const images = webPods(c.api).map((p) => (p.spec.containers as { image: string }[])[1].image);
    expect(images).toEqual(['log-agent:3.0', 'log-agent:3.0', 'log-agent:3.0']);
  }, 60_000);

  it('refuses without a terminal and without --yes, changing nothing', async () => {
    const c = await cluster([sidecarSet(), ...manyPods(1)]);
    const r = await c.run(['log-agent']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/pass --yes/);
    expect(upgraded(c.api)).toBe(0);
  }, 60_000);

  it('--dry-run=client prints the plan and the patches; server sends them with dryRun=All', async () => {
    const c = await cluster([sidecarSet(), ...manyPods(1)]);
    const client = await c.run(['log-agent', '--dry-run=client', '-o', 'json']);
    expect(client.code).toBe(0);
    const out = JSON.parse(client.stdout);
    expect(out.patches).toHaveLength(1);
    expect(out.patches[0].patch[0]).toMatchObject({ op: 'test', path: '/metadata/resourceVersion' });
    const server = await c.run(['log-agent', '--dry-run=server', '--yes']);
    expect(server.code).toBe(0);
    expect(c.api.requests.some((q) => q.method === 'PATCH' && q.query.dryRun === 'All')).toBe(true);
    expect(upgraded(c.api)).toBe(0);
  }, 60_000);

  it('refuses when Kruise rolls the SidecarSet itself, unless --force', async () => {
    const ss = sidecarSet({ type: 'RollingUpdate' });
    const c = await cluster([ss, ...manyPods(1)]);
    const stored = structuredClone(c.api.store.get('sidecarsets.apps.kruise.io', '', 'log-agent')!);
    stored.status = { observedGeneration: stored.metadata.generation ?? 1 };
    stored.metadata.generation ??= 1;
    c.api.store.put(stored);
    const r = await c.run(['log-agent', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Kruise's controller rolls/);
    expect((await c.run(['log-agent', '--yes', '--force', '--max-unavailable', '100%'])).code).toBe(0);
    expect(upgraded(c.api)).toBe(3);
  }, 60_000);

  it('--undo returns the Pods of the last run to their images and annotations', async () => {
    const c = await cluster([sidecarSet(), ...manyPods(2)]);
    const before = webPods(c.api).map((p) => p.metadata.annotations);
    expect((await c.run(['log-agent', '--yes', '--max-unavailable', '100%'])).code).toBe(0);
    const undo = await c.run(['log-agent', '--undo', '--yes']);
    expect(undo.stderr).toMatch(/6 Pods restored, 0 skipped/);
    expect(undo.code).toBe(0);
    expect(upgraded(c.api)).toBe(0);
    expect(webPods(c.api).map((p) => p.metadata.annotations)).toEqual(before);
    expect((await c.run(['log-agent', '--undo', '--yes'])).stderr).toMatch(/nothing to undo/);
  }, 60_000);
});

describe('upgrade under faults', () => {
  it('409 mid-batch: reads the Pod again, decides again, and completes', async () => {
    const c = await cluster([sidecarSet(), ...manyPods(2)]);
    c.api.faults.conflict({ method: 'PATCH', resource: 'pods' }, 3);
    const r = await c.run(['log-agent', '--yes', '--max-unavailable', '100%']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/read again and retried/);
    expect(upgraded(c.api)).toBe(6);
    expectWhole(c.api, 6);
  }, 60_000);

  it('5xx and 429 are retried', async () => {
    const c = await cluster([sidecarSet(), ...manyPods(1)]);
    c.api.faults.serverError({ method: 'PATCH', resource: 'pods' }, { times: 2, code: 503 });
    c.api.faults.throttle({ method: 'PATCH', resource: 'pods' }, { times: 1, retryAfterSeconds: 0 });
    const r = await c.run(['log-agent', '--yes', '--max-unavailable', '100%']);
    expect(r.code).toBe(0);
    expect(upgraded(c.api)).toBe(3);
  }, 60_000);

  it('a dropped watch is followed again', async () => {
    const c = await cluster([sidecarSet(), ...manyPods(2)], { readyDelayMs: 5, restartDelayMs: 300 });
    const running = c.run(['log-agent', '--yes', '--max-unavailable', '2']);
    await eventually(() => upgraded(c.api) > 0);
    c.api.faults.dropWatches();
    const r = await running;
    expect(r.code).toBe(0);
    expect(upgraded(c.api)).toBe(6);
    expectWhole(c.api, 6);
  }, 60_000);

  it('an image that cannot be pulled pauses the rollout; nothing further is patched', async () => {
    const api0 = { readyDelayMs: 5, restartDelayMs: 20, badImages: ['log-agent:bad'] };
    const c = await cluster([sidecarSet(), ...manyPods(2)], api0 as never);
    const r = await c.run(['log-agent', '--yes', '--image', 'log-agent=log-agent:bad']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/paused \(ContainerFailing\).*ImagePullBackOff/);
    const bad = webPods(c.api).filter((p) => (p.spec.containers as { image: string }[])[1].image === 'log-agent:bad');
    expect(bad).toHaveLength(1);
    // the fix: roll the good image; the rerun completes
    expect((await c.run(['log-agent', '--yes', '--max-unavailable', '100%'])).code).toBe(0);
    expect(upgraded(c.api)).toBe(6);
  }, 60_000);

  it('403 on some Pods names each of them and pauses; a rerun with the rights completes', async () => {
    const api = await startApiServer({
      objects: [sidecarSet(), ...manyPods(1)],
      kubelet: { readyDelayMs: 5, restartDelayMs: 20 },
      tokens: {
        'shop-only': {
          user: 'shop-operator',
          rules: [
            { verbs: ['get', 'list', 'watch'], resources: ['*'], apiGroups: ['*'] },
            { verbs: ['patch'], resources: ['pods'], namespaces: ['shop'] },
          ],
        },
      },
    });
    servers.push(api);
    await eventually(() => webPods(api).every(ready));
    const n = ++serial;
    const env = { XDG_STATE_HOME: `${tmp.dir}/state-${n}` };
    const limited = api.writeKubeconfig(tmp.dir, { fileName: `kubeconfig-${n}`, token: 'shop-only' });
    const r = await cli(['upgrade', 'log-agent', '--yes', '--max-unavailable', '100%', '--kubeconfig', limited], {
      env,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/paused \(PatchFailed\)/);
    expect(r.stdout).toMatch(/pod\/web-0 -n pay not patched: .*forbidden/);
    expect(r.stdout).toMatch(/pod\/web-0 -n ship not patched: .*forbidden/);
    expectWhole(api, 3);
    const admin = api.writeKubeconfig(tmp.dir, { fileName: `kubeconfig-${n}-admin` });
    expect(
      (await cli(['upgrade', 'log-agent', '--yes', '--max-unavailable', '100%', '--kubeconfig', admin], { env })).code,
    ).toBe(0);
    expect(upgraded(api)).toBe(3);
  }, 60_000);

  it('a batch not ready within --timeout pauses with the Pods named', async () => {
    const c = await cluster([sidecarSet(), ...manyPods(1)], { readyDelayMs: 5, restartDelayMs: 5000 });
    const r = await c.run(['log-agent', '--yes', '--timeout', '300ms']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/timed out after 300ms/);
    expect(upgraded(c.api)).toBe(1);
  }, 60_000);
});
