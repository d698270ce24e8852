// `status` against the local API server: in-process through run(), and as a user runs it (the built CLI as a
// child process). Kruise's controller is not running there: the tests write what it would write (the new image,
// the hash entry, the in-place record) and the server's kubelet restarts the containers.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type KubeObject, type TestApiServer } from '../apiserver/index.js';
import { eventually } from '../apiserver/testing.js';
import { tempDir } from '../cluster/live.js';
import { STATUS_EXIT } from '../../src/cli/status.js';
import { cli, ROOT, type CliResult } from './harness.js';

const HASH = 'kruise.io/sidecarset-hash';
const HASH_WITHOUT_IMAGE = 'kruise.io/sidecarset-hash-without-image';
const INPLACE = 'kruise.io/sidecarset-inplace-update-state';

function sidecarSet(strategy: Record<string, unknown> = {}, apiVersion = 'apps.kruise.io/v1beta1'): KubeObject {
  return {
    apiVersion,
    kind: 'SidecarSet',
    metadata: { name: 'log-agent', annotations: { [HASH]: 'rev-2', [HASH_WITHOUT_IMAGE]: 'shape-1' } },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      containers: [{ name: 'log-agent', image: 'log-agent:2.0', env: [{ name: 'LOG_LEVEL', value: 'info' }] }],
      updateStrategy: { type: 'RollingUpdate', maxUnavailable: 1, ...strategy },
    },
  };
}

function hashEntry(hash: string): string {
  return JSON.stringify({
    'log-agent': {
      updateTimestamp: '2026-01-01T00:00:00Z',
      hash,
      sidecarSetName: 'log-agent',
      sidecarList: ['log-agent'],
    },
  });
}

/** A Pod as Kruise's webhook injected it at `rev` (rev-1 runs log-agent:1.0, rev-2 log-agent:2.0). */
function pod(name: string, rev: 'rev-1' | 'rev-2', shape = 'shape-1'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      labels: { app: 'web' },
      annotations: {
        'kruise.io/sidecarset-injected-list': 'log-agent',
        [HASH]: hashEntry(rev),
        [HASH_WITHOUT_IMAGE]: JSON.stringify({ 'log-agent': { hash: shape, sidecarSetName: 'log-agent' } }),
      },
    },
    spec: {
      containers: [
        { name: 'app', image: 'nginx:1.25' },
        {
          name: 'log-agent',
          image: rev === 'rev-1' ? 'log-agent:1.0' : 'log-agent:2.0',
          env: [{ name: 'LOG_LEVEL', value: shape === 'shape-1' ? 'info' : 'debug' }],
        },
      ],
    },
  };
}

/** What Kruise's controller writes to upgrade a Pod in place; the server's kubelet then restarts the container. */
function kruiseUpgrades(api: TestApiServer, name: string, image = 'log-agent:2.0'): void {
  const p = structuredClone(api.store.get('pods', 'shop', name)!);
  const before = (p.status?.containerStatuses as { name: string; imageID: string }[]).find(
    (s) => s.name === 'log-agent',
  )!.imageID;
  p.spec.containers[1].image = image;
  p.metadata.annotations![HASH] = hashEntry('rev-2');
  p.metadata.annotations![INPLACE] = JSON.stringify({
    'log-agent': {
      revision: 'rev-2',
      updateTimestamp: '2026-01-01T00:00:00Z',
      lastContainerStatuses: { 'log-agent': { imageID: before } },
    },
  });
  api.store.put(p);
}

const ready = (p: KubeObject) =>
  (p.status?.conditions as { type: string; status: string }[] | undefined)?.some(
    (c) => c.type === 'Ready' && c.status === 'True',
  );

interface Cluster {
  api: TestApiServer;
  kubeconfig: string;
  run(args: string[]): Promise<CliResult>;
}

const tmp = tempDir('status');
const servers: TestApiServer[] = [];
afterAll(() => tmp.remove());
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

let serial = 0;
async function cluster(
  objects: KubeObject[],
  options: Parameters<typeof startApiServer>[0] = {},
  token?: string,
): Promise<Cluster> {
  const api = await startApiServer({ objects, kubelet: { readyDelayMs: 5, restartDelayMs: 30 }, ...options });
  servers.push(api);
  const kubeconfig = api.writeKubeconfig(tmp.dir, { fileName: `kubeconfig-${++serial}`, token });
  // the kubelet makes the fixtures' Pods run first
  await eventually(() => api.store.list('pods', 'shop').every(ready));
  return { api, kubeconfig, run: (args) => cli(['status', 'log-agent', '--kubeconfig', kubeconfig, ...args]) };
}

function json(r: CliResult): {
  verdict: { phase: string; reason: string; message: string };
  status: Record<string, number>;
  pods: { name: string; state: string; reason: string; notUpgradableFields?: string[] }[];
} {
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

/** The built CLI as a child process, as a user runs it. */
function spawnCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/kubectl-sidecarset'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: tmp.dir, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('status NAME, once', () => {
  it('a finished rollout is complete (the built CLI, -o json)', async () => {
    const c = await cluster([sidecarSet(), pod('web-0', 'rev-2'), pod('web-1', 'rev-2')]);
    const r = await spawnCli(['status', 'log-agent', '--kubeconfig', c.kubeconfig, '-o', 'json']);
    expect(r.code).toBe(0);
    const s = json(r);
    expect(s).toMatchObject({
      apiVersion: 'kubectl-sidecarset/v1',
      kind: 'RolloutStatus',
      verdict: { phase: 'complete', reason: 'Complete' },
    });
    expect(s.status).toEqual({ matchedPods: 2, updatedPods: 2, readyPods: 2, updatedReadyPods: 2 });
  });

  it('mid-way: one Pod updated, one upgraded now, one waiting for the maxUnavailable slot (table)', async () => {
    const c = await cluster([sidecarSet(), pod('web-0', 'rev-2'), pod('web-1', 'rev-1'), pod('web-2', 'rev-1')]);
    const r = await c.run([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Rollout:\s+progressing \(Upgrading\): Kruise upgrades 1 Pod now/);
    expect(r.stdout).toMatch(/Pods:\s+3 matched, 1 updated, 3 ready, 1 updated and ready/);
    expect(r.stdout).toMatch(/shop\/web-0\s+Updated\s+2\/2\s+log-agent:2\.0/);
    expect(r.stdout).toMatch(/UpgradeNow/);
    expect(r.stdout).toMatch(/Waiting\s+2\/2\s+log-agent:1\.0\s+waits for a maxUnavailable slot/);
    const wide = await c.run(['-o', 'wide']);
    expect(wide.stdout).toMatch(/NODE\s+PHASE\s+REVISION\s+BATCH\s+RESTARTS/);
    expect(wide.stdout).toMatch(/rev-2 \(current\)/);
  });

  it('paused: stalled, every Pod left says so (yaml)', async () => {
    const c = await cluster([sidecarSet({ paused: true }), pod('web-0', 'rev-1')]);
    const r = await c.run(['-o', 'yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kind: RolloutStatus');
    expect(r.stdout).toMatch(/phase: stalled\n\s+reason: Paused/);
    expect(r.stdout).toContain('reason: the rollout is paused (spec.updateStrategy.paused)');
  });

  it('partition: the Pods it holds back, then stalled on it', async () => {
    const c = await cluster([sidecarSet({ partition: 1 }), pod('web-0', 'rev-2'), pod('web-1', 'rev-1')]);
    const s = json(await c.run(['-o', 'json']));
    expect(s.verdict).toMatchObject({ phase: 'stalled', reason: 'Partition' });
    expect(s.pods.map((p) => p.state)).toEqual(['Updated', 'HeldByPartition']);
  });

  it('not upgradable in place: the field is named', async () => {
    const c = await cluster([sidecarSet(), pod('web-0', 'rev-1', 'shape-0')]);
    const s = json(await c.run(['-o', 'json']));
    expect(s.verdict).toMatchObject({ phase: 'stalled', reason: 'NotUpgradable' });
    expect(s.pods[0].notUpgradableFields).toEqual(['log-agent env LOG_LEVEL (Pod: "debug", SidecarSet: "info")']);
  });

  it('a server that serves only v1alpha1: read there, converted, hashes as stored', async () => {
    const c = await cluster([sidecarSet({}, 'apps.kruise.io/v1alpha1'), pod('web-0', 'rev-2')], {
      sidecarSetVersions: ['v1alpha1'],
    });
    const s = json(await c.run(['-o', 'json']));
    expect(s.verdict.phase).toBe('complete');
    expect(c.api.requests.some((r) => r.path === '/apis/apps.kruise.io/v1alpha1/sidecarsets/log-agent')).toBe(true);
  });

  it('no Kruise, no such SidecarSet, RBAC denial: one line each, exit 1', async () => {
    const none = await cluster([pod('web-0', 'rev-1')], { sidecarSetVersions: null });
    const r = await spawnCli(['status', 'log-agent', '--kubeconfig', none.kubeconfig]);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toMatch(/^error: OpenKruise is not installed in this cluster[^\n]*\n$/);

    const c = await cluster([sidecarSet(), pod('web-0', 'rev-1')], {
      tokens: {
        'viewer-token': {
          user: 'viewer',
          rules: [{ verbs: ['get', 'list', 'watch'], resources: ['sidecarsets'], apiGroups: ['apps.kruise.io'] }],
        },
      },
    });
    const missing = await cli(['status', 'other', '--kubeconfig', c.kubeconfig]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: [^\n]*"other"[^\n]*not found[^\n]*\n$/);

    const viewer = c.api.writeKubeconfig(tmp.dir, { fileName: `kubeconfig-viewer-${serial}`, token: 'viewer-token' });
    const denied = await cli(['status', 'log-agent', '--kubeconfig', viewer]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^error: [^\n]*pods[^\n]*forbidden[^\n]*\n$/);
  });

  it('namespaceSelector: Pods are listed only in the namespaces it allows, read from their labels', async () => {
    const ss = sidecarSet();
    ss.spec.namespaceSelector = { matchLabels: { team: 'shop' } };
    const elsewhere = pod('web-9', 'rev-1');
    elsewhere.metadata.namespace = 'other';
    const c = await cluster([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'shop' } } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } },
      ss,
      pod('web-0', 'rev-2'),
      elsewhere,
    ]);
    const s = json(await c.run(['-o', 'json']));
    expect(s.pods.map((p) => p.name)).toEqual(['web-0']);
    expect(s.verdict.phase).toBe('complete');
    const podLists = c.api.requests.filter((r) => r.verb === 'list' && r.resource === 'pods').map((r) => r.path);
    expect(podLists).toEqual(['/api/v1/namespaces/shop/pods']);
  });

  it('-n narrows the Pods read, and says so on stderr', async () => {
    const c = await cluster([sidecarSet(), pod('web-0', 'rev-2')]);
    const r = await c.run(['-n', 'shop']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'note: only Pods of namespace shop are read (-n): the counts, percentages and batches cover those Pods only\n',
    );
  });

  it('--timeout without -w is a usage error', async () => {
    const r = await cli(['status', 'log-agent', '--timeout', '5s']);
    expect([r.code, r.stderr]).toEqual([2, 'error: --timeout needs -w\n']);
  });
});

describe('status NAME -w', () => {
  it('exits 0 once the kubelet has restarted the upgraded sidecar (one line per change when piped)', async () => {
    const c = await cluster([sidecarSet(), pod('web-0', 'rev-2'), pod('web-1', 'rev-1')]);
    const running = c.run(['-w', '--timeout', '20s']);
    await eventually(() => c.api.requests.some((r) => r.verb === 'watch' && r.resource === 'pods'));
    kruiseUpgrades(c.api, 'web-1');
    const r = await running;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'log-agent: progressing (Upgrading): 1/2 updated, 1/2 updated and ready: Kruise upgrades 1 Pod now (shop/web-1)',
    );
    expect(lines).toContain(
      'log-agent: progressing (UpdateInFlight): 2/2 updated, 1/2 updated and ready: kubelet is restarting the updated sidecars of 1 Pod (shop/web-1)',
    );
    expect(lines.at(-1)).toBe(
      'log-agent: complete (Complete): 2/2 updated, 2/2 updated and ready: all 2 matched Pods are updated and ready',
    );
  });

  it('survives a dropped watch: re-lists, rebuilds its state and still sees the upgrade finish (the built CLI, JSON lines)', async () => {
    const c = await cluster([sidecarSet(), pod('web-0', 'rev-1')]);
    const running = spawnCli([
      'status',
      'log-agent',
      '-w',
      '-o',
      'json',
      '--timeout',
      '25s',
      '--kubeconfig',
      c.kubeconfig,
    ]);
    // a child process loads the client library first, which takes a few seconds on a busy machine
    await eventually(() => c.api.requests.some((r) => r.verb === 'watch' && r.resource === 'pods'), 20000);
    const lists = () => c.api.requests.filter((r) => r.verb === 'list' && r.resource === 'pods').length;
    const before = lists();
    expect(c.api.faults.dropWatches({ resource: 'pods' })).toBeGreaterThan(0);
    kruiseUpgrades(c.api, 'web-0'); // while the watch is down: only the re-list can tell
    const r = await running;
    expect(r.code).toBe(0);
    expect(lists()).toBeGreaterThan(before);
    const docs = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; verdict: { phase: string } });
    expect(docs.every((d) => d.kind === 'RolloutStatus')).toBe(true);
    expect(docs[0].verdict.phase).toBe('progressing');
    expect(docs.at(-1)!.verdict.phase).toBe('complete');
  });

  it('a resourceVersion the server has compacted away (410 Gone) re-lists too', async () => {
    const c = await cluster([sidecarSet(), pod('web-0', 'rev-1')]);
    const running = c.run(['-w', '-o', 'json', '--timeout', '20s']);
    await eventually(() => c.api.requests.some((r) => r.verb === 'watch' && r.resource === 'pods'));
    kruiseUpgrades(c.api, 'web-0');
    c.api.store.compact(); // the watch's resourceVersion is now too old
    c.api.faults.dropWatches({ resource: 'pods' });
    const r = await running;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!).verdict.phase).toBe('complete');
    // the reconnection from a compacted resourceVersion is refused as expired, so the Pods were listed again
    const podRequests = c.api.requests.filter((x) => x.resource === 'pods');
    expect(podRequests.filter((x) => x.verb === 'list').length).toBeGreaterThanOrEqual(2);
  });

  it(`a new image that does not pull stalls it: exit ${STATUS_EXIT.stalled}`, async () => {
    const c = await cluster([sidecarSet(), pod('web-0', 'rev-1')], {
      kubelet: { readyDelayMs: 5, restartDelayMs: 30, badImages: ['log-agent:2.0'] },
    });
    const running = c.run(['-w', '--timeout', '20s']);
    await eventually(() => c.api.requests.some((r) => r.verb === 'watch' && r.resource === 'pods'));
    kruiseUpgrades(c.api, 'web-0');
    const r = await running;
    expect(r.code).toBe(STATUS_EXIT.stalled);
    expect(r.stderr).toMatch(
      /^error: the rollout of SidecarSet "log-agent" is stalled \(UpdatedPodFailing\): 1 updated Pod cannot become ready \(shop\/web-0\): log-agent: ImagePullBackOff/,
    );
  });

  it('on a terminal, redraws the table in place (log-update) and leaves the last frame', async () => {
    const c = await cluster([sidecarSet(), pod('web-0', 'rev-1')]);
    const running = cli(['status', 'log-agent', '-w', '--timeout', '20s', '--kubeconfig', c.kubeconfig], {
      stdoutTty: true,
      env: { NO_COLOR: '1' },
    });
    await eventually(() => c.api.requests.some((r) => r.verb === 'watch' && r.resource === 'pods'));
    kruiseUpgrades(c.api, 'web-0');
    const r = await running;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Rollout:\s+complete \(Complete\): the 1 matched Pod is updated and ready/);
    expect(r.stdout).toMatch(/shop\/web-0\s+Updated/);
    expect(r.stdout).toContain('\u001B['); // cursor movement and line erasing: the frame is redrawn, not appended
  });

  it(`paused is stalled from the start: exit ${STATUS_EXIT.stalled}`, async () => {
    const c = await cluster([sidecarSet({ paused: true }), pod('web-0', 'rev-1')]);
    const r = await c.run(['-w']);
    expect(r.code).toBe(STATUS_EXIT.stalled);
    expect(r.stdout).toBe(
      'log-agent: stalled (Paused): 0/1 updated, 0/1 updated and ready: spec.updateStrategy.paused is true: Kruise upgrades none of the 1 Pod left until it is unpaused\n',
    );
  });

  it(`--timeout while the rollout is still progressing: exit ${STATUS_EXIT.timeout}`, async () => {
    const c = await cluster([sidecarSet(), pod('web-0', 'rev-1')]);
    const r = await c.run(['-w', '--timeout', '300ms']);
    expect(r.code).toBe(STATUS_EXIT.timeout);
    expect(r.stderr).toBe(
      'error: timed out after 300ms waiting for the rollout of SidecarSet "log-agent": progressing (Upgrading): Kruise upgrades 1 Pod now (shop/web-0)\n',
    );
  });
});
