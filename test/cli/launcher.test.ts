// The launcher's code cache (bin/load-cli.cjs): made when missing, kept while valid, made again when it belongs
// to another build or V8 rejects it, never in the way when it cannot be written. The CLI gives the same output
// with and without it.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from './harness.js';

let dir: string;
let cache: string;

beforeEach(() => {
  // a copy of the installed layout: bin/ and the bundle (the global setup has built it)
  dir = mkdtempSync(path.join(tmpdir(), 'sidecarset-launcher-'));
  cpSync(path.join(ROOT, 'bin'), path.join(dir, 'bin'), { recursive: true });
  cpSync(path.join(ROOT, 'dist/cli.cjs'), path.join(dir, 'dist/cli.cjs'));
  cache = path.join(dir, 'dist/cli.cjs.cache');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const FIXTURES = ['-f', 'fixtures/efk/filebeat-sidecarset.yaml', '-f', 'fixtures/efk/nginx-deployment.yaml'];

function launch(args: string[], nodeArgs: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const { status, stdout, stderr } = spawnSync(
    process.execPath,
    [...nodeArgs, path.join(dir, 'bin/kubectl-sidecarset'), ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', SOURCE_DATE_EPOCH: '1700000000' },
    },
  );
  return { status, stdout, stderr };
}

function buildId(): string {
  const text = readFileSync(path.join(dir, 'dist/cli.cjs'), 'latin1');
  return /\/\/# sidecarset-build=(\w+)\s*$/.exec(text)?.[1] ?? '';
}

function cacheHeader(file = cache): string {
  const data = readFileSync(file);
  return data.toString('latin1', 0, data.indexOf(10));
}

describe('launcher code cache', () => {
  it('is made by the first run, for this build, and kept by the next', () => {
    expect(existsSync(cache)).toBe(false);
    const first = launch(['inject', ...FIXTURES]);
    expect(first.status, first.stderr).toBe(0);
    expect(cacheHeader()).toBe(buildId());
    const made = readFileSync(cache);

    const second = launch(['inject', ...FIXTURES]);
    expect(second).toEqual(first);
    expect(readFileSync(cache).equals(made)).toBe(true);
  });

  it('is made again when it belongs to another build', () => {
    launch(['--version']);
    const data = readFileSync(cache);
    writeFileSync(cache, Buffer.concat([Buffer.from('0123456789abcdef\n'), data.subarray(data.indexOf(10) + 1)]));
    expect(launch(['--version']).stdout).toBe('0.1.0\n');
    expect(cacheHeader()).toBe(buildId());
  });

  it('is made again when V8 rejects it', () => {
    writeFileSync(cache, `${buildId()}\nnot a V8 code cache`);
    const r = launch(['inject', ...FIXTURES]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('- name: filebeat');
    expect(readFileSync(cache).length).toBeGreaterThan(10000);
  });

  it('does not stand in the way where it cannot be written', () => {
    mkdirSync(cache); // (chmod would not stop root) a directory where the cache goes: writing it fails
    const r = launch(['inject', ...FIXTURES]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('deployment.apps/nginx -n default: injected filebeat-sidecarset: filebeat\n');
    expect(readdirSync(path.join(dir, 'dist')).sort()).toEqual(['cli.cjs', 'cli.cjs.cache']);
  });

  it('made by one command serves the others, which load no client library', () => {
    const offline = ['--require', path.join(ROOT, 'test/cli/offline-guard.cjs')];
    const injected = launch(['inject', ...FIXTURES], offline);
    expect(injected.status, injected.stderr).toBe(0);
    expect(cacheHeader()).toBe(buildId());
    const made = readFileSync(cache);

    const rollout = [
      'plan-rollout',
      '-f',
      'fixtures/rollout/log-shipper-sidecarset.yaml',
      '-f',
      'fixtures/rollout/pods.yaml',
      '-o',
      'json',
    ];
    const first = launch(rollout, offline);
    expect(first.status, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).kind).toBe('RolloutPlan');
    expect(launch(rollout, offline)).toEqual(first);
    expect(readFileSync(cache).equals(made)).toBe(true);
  });
});

describe('the bundled CLI', () => {
  it("prints nothing of its YAML library's own (a collection as a mapping key)", () => {
    const pod = path.join(dir, 'pod.yaml');
    writeFileSync(
      pod,
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels:\n    ? [a, b]\n    : c\nspec:\n  containers:\n  - name: a\n    image: b\n',
    );
    const r = launch(['inject', '-f', pod, '-f', 'fixtures/efk/filebeat-sidecarset.yaml']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      "pod/x -n default: not injected filebeat-sidecarset: SelectorMismatch (the Pod's labels do not match spec.selector)\n",
    );
  });
});
