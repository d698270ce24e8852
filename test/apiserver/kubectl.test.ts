// Cross-check with the real kubectl: the same commands against this server must give what a real cluster
// gives (exit codes, "Error from server (Reason): ..." lines, tables, JSON). kubectl runs as a child process
// with a fresh HOME and cache directory; without kubectl the tests skip and say why.
import { spawn } from 'node:child_process';
import { accessSync, constants, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { startApiServer, type TestApiServer } from './index.js';
import { eventually, tempDir } from './testing.js';

function findKubectl(): string | undefined {
  const candidates = process.env.KUBECTL
    ? [process.env.KUBECTL]
    : (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'kubectl'));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const KUBECTL = findKubectl();
const SKIP_REASON = 'kubectl is not installed (not on PATH, KUBECTL not set)';

let api: TestApiServer;
let tmp: ReturnType<typeof tempDir>;
let kubeconfig: string;

beforeAll(async () => {
  api = await startApiServer({
    kubelet: { readyDelayMs: 0, restartDelayMs: 0 },
    objects: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web-0', namespace: 'apps', labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] },
      },
      {
        apiVersion: 'apps.kruise.io/v1alpha1',
        kind: 'SidecarSet',
        metadata: { name: 'logs' },
        spec: { selector: { matchLabels: { app: 'web' } }, containers: [{ name: 'log', image: 'log:1' }] },
        status: { matchedPods: 1, updatedPods: 1, readyPods: 1 },
      },
    ],
    tokens: {
      'viewer-token': {
        user: 'system:serviceaccount:apps:viewer',
        rules: [{ verbs: ['get', 'list', 'watch'], resources: ['pods'] }],
      },
    },
  });
  tmp = tempDir('apiserver-kubectl-');
  kubeconfig = api.writeKubeconfig(tmp.dir, {
    namespace: 'apps',
    extraContexts: [{ name: 'viewer', namespace: 'apps', token: 'viewer-token' }],
  });
});

afterAll(async () => {
  await api.close();
  tmp.remove();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

// Asynchronous on purpose: the server answers from this same process.
function kubectl(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL!, ['--cache-dir', path.join(tmp.dir, 'cache'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: tmp.dir, KUBECONFIG: kubeconfig },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

function needKubectl(ctx: TestContext): void {
  if (!KUBECTL) ctx.skip(SKIP_REASON);
}

describe('kubectl against the test API server', () => {
  it('get pods -A -o json', async (ctx) => {
    needKubectl(ctx);
    const run = await kubectl(['get', 'pods', '-A', '-o', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const list = JSON.parse(run.stdout);
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    expect(list.items.map((p: any) => `${p.kind} ${p.metadata.namespace}/${p.metadata.name}`)).toEqual([
      'Pod apps/web-0',
    ]);
  });

  it('get sidecarsets prints the server-side table, at either version', async (ctx) => {
    needKubectl(ctx);
    const table = await kubectl(['get', 'sidecarsets']);
    expect(table.code).toBe(0);
    const [header, row] = table.stdout.trimEnd().split('\n');
    expect(header.split(/\s+/)).toEqual(['NAME', 'MATCHED', 'UPDATED', 'READY', 'AGE']);
    expect(row.split(/\s+/).slice(0, 4)).toEqual(['logs', '1', '1', '1']);
    const alpha = await kubectl(['get', 'sidecarsets.v1alpha1.apps.kruise.io', 'logs', '-o', 'jsonpath={.apiVersion}']);
    expect(alpha.stdout).toBe('apps.kruise.io/v1alpha1');
    const beta = await kubectl(['get', 'sidecarset', 'logs', '-o', 'jsonpath={.apiVersion}']);
    expect(beta.stdout).toBe('apps.kruise.io/v1beta1');
  });

  it('get of a missing object: NotFound, exit 1', async (ctx) => {
    needKubectl(ctx);
    const run = await kubectl(['get', 'pod', 'nope']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
  });

  it('create -f, then AlreadyExists; a missing namespace', async (ctx) => {
    needKubectl(ctx);
    const file = path.join(tmp.dir, 'pod.yaml');
    writeFileSync(
      file,
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello\n  labels: {app: hello}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.25\n',
    );
    const created = await kubectl(['create', '-f', file]);
    expect(created).toMatchObject({ code: 0, stdout: 'pod/hello created\n', stderr: '' });
    const again = await kubectl(['create', '-f', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `Error from server (AlreadyExists): error when creating "${file}": pods "hello" already exists\n`,
    );
    const nowhere = await kubectl(['create', '-n', 'ghost', '-f', file]);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toBe(
      `Error from server (NotFound): error when creating "${file}": namespaces "ghost" not found\n`,
    );
    expect(api.requests.some((r) => r.method === 'POST' && r.query.fieldValidation === 'Strict')).toBe(true);
  });

  it('patch --type=json, unchanged, a failing test op, and a Pod spec change', async (ctx) => {
    needKubectl(ctx);
    const image = '[{"op":"replace","path":"/spec/containers/0/image","value":"nginx:1.26"}]';
    expect(await kubectl(['patch', 'pod', 'web-0', '--type=json', '-p', image])).toMatchObject({
      code: 0,
      stdout: 'pod/web-0 patched\n',
    });
    expect(await kubectl(['patch', 'pod', 'web-0', '--type=json', '-p', image])).toMatchObject({
      code: 0,
      stdout: 'pod/web-0 patched (no change)\n',
    });
    const test = await kubectl([
      'patch',
      'pod',
      'web-0',
      '--type=json',
      '-p',
      '[{"op":"test","path":"/metadata/labels/app","value":"db"}]',
    ]);
    expect(test.code).toBe(1);
    // kubectl prints the causes of an Invalid Status with an empty field, as it does for a real cluster.
    expect(test.stderr).toBe('The request is invalid: : testing value /metadata/labels/app failed: test failed\n');
    const ports = await kubectl([
      'patch',
      'pod',
      'web-0',
      '-p',
      '{"spec":{"containers":[{"name":"web","ports":[{"containerPort":80}]}]}}',
    ]);
    expect(ports.code).toBe(1);
    expect(ports.stderr).toMatch(
      /^The Pod "web-0" is invalid: spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`,/,
    );
  });

  it('patch --dry-run=server changes nothing', async (ctx) => {
    needKubectl(ctx);
    const before = api.store.get('pods', 'apps', 'web-0')!;
    const run = await kubectl([
      'patch',
      'pod',
      'web-0',
      '--dry-run=server',
      '-p',
      '{"metadata":{"labels":{"dry":"run"}}}',
      '-o',
      'jsonpath={.metadata.labels.dry}',
    ]);
    expect(run).toMatchObject({ code: 0, stdout: 'run' });
    expect(api.store.get('pods', 'apps', 'web-0')).toEqual(before);
    expect(api.requests.at(-1)?.query.dryRun).toBe('All');
  });

  it('get --watch prints the changes as they come', async (ctx) => {
    needKubectl(ctx);
    const child = spawn(
      KUBECTL!,
      [
        '--cache-dir',
        path.join(tmp.dir, 'cache'),
        'get',
        'pods',
        '-l',
        'app=watched',
        '--watch',
        '--output-watch-events',
      ],
      {
        env: { PATH: process.env.PATH ?? '', HOME: tmp.dir, KUBECONFIG: kubeconfig },
      },
    );
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    try {
      await eventually(
        () => api.requests.some((r) => r.verb === 'watch' && r.query.labelSelector === 'app=watched'),
        10_000,
      );
      api.store.put({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'w', namespace: 'apps', labels: { app: 'watched' } },
        spec: { containers: [{ name: 'c', image: 'i:1' }] },
      });
      await eventually(() => /MODIFIED\s+w\s+1\/1\s+Running/.test(out), 10_000);
      expect(out).toMatch(/^EVENT\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
      expect(out).toMatch(/^ADDED\s+w\s+0\/1\s+Pending/m);
    } finally {
      child.kill();
    }
  });

  it('delete, then NotFound', async (ctx) => {
    needKubectl(ctx);
    expect(await kubectl(['delete', 'pod', 'hello'])).toMatchObject({ code: 0, stdout: 'pod "hello" deleted\n' });
    expect(api.store.get('pods', 'apps', 'hello')).toBeUndefined();
    const again = await kubectl(['delete', 'pod', 'hello']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('Error from server (NotFound): pods "hello" not found\n');
  });

  it('RBAC: a read-only token is Forbidden to patch', async (ctx) => {
    needKubectl(ctx);
    expect((await kubectl(['--context', 'viewer', 'get', 'pods', '-o', 'name'])).stdout).toContain('pod/web-0');
    const run = await kubectl(['--context', 'viewer', 'label', 'pod', 'web-0', 'x=y']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'Error from server (Forbidden): pods "web-0" is forbidden: User "system:serviceaccount:apps:viewer" cannot patch resource "pods" in API group "" in the namespace "apps"\n',
    );
    const sidecarsets = await kubectl(['--context', 'viewer', 'get', 'sidecarsets']);
    expect(sidecarsets.stderr).toBe(
      'Error from server (Forbidden): sidecarsets.apps.kruise.io is forbidden: User "system:serviceaccount:apps:viewer" cannot list resource "sidecarsets" in API group "apps.kruise.io" at the cluster scope\n',
    );
  });
});
