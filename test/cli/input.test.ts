// Inputs as pipelines produce them: JSON documents between `---`, typed Lists from the API server, bytes that are
// not UTF-8, hostile nesting and aliases. Each is read, or refused on one line naming its place.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli, fixture, ROOT } from './harness.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sidecarset-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
const SIDECARSET = fixture('efk', 'filebeat-sidecarset.yaml');

describe('JSON documents in a YAML stream', () => {
  it('reads every document of `cat *.json; echo ---` output', async () => {
    const text = [configMap('a'), configMap('b'), configMap('c')]
      .map((o) => JSON.stringify(o, null, 2))
      .join('\n---\n');
    const r = await cli(['inject', '-q', '-o', 'json', '-f', file('stream.yaml', text + '\n---\n')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).items.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('reads a YAML flow mapping that starts like JSON', async () => {
    const r = await cli([
      'inject',
      '-q',
      '-f',
      file('flow.yaml', '{apiVersion: v1, kind: ConfigMap, metadata: {name: f}}\n'),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{apiVersion: v1, kind: ConfigMap, metadata: {name: f}}\n');
  });
});

describe('typed Lists as the API server returns them', () => {
  const deployment = parse(readFileSync(fixture('efk', 'nginx-deployment.yaml'), 'utf8')) as Record<string, unknown>;
  const { apiVersion: _a, kind: _k, ...untyped } = deployment;
  const list = { apiVersion: 'apps/v1', kind: 'DeploymentList', metadata: { resourceVersion: '7' }, items: [untyped] };

  it('infers apps/v1 Deployment from a DeploymentList and prints the items back without apiVersion/kind', async () => {
    const r = await cli(['inject', '--sidecarsets', SIDECARSET, '-f', file('deployments.json', JSON.stringify(list))]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('deployment.apps/nginx -n default: injected filebeat-sidecarset: filebeat');
    const out = parse(r.stdout) as { kind: string; items: Record<string, unknown>[] };
    expect(out.kind).toBe('DeploymentList');
    expect(out.items[0]).not.toHaveProperty('apiVersion');
    expect(out.items[0]).not.toHaveProperty('kind');
    expect(JSON.stringify(out.items[0])).toContain('"name":"filebeat"');
  });

  it('reads a PodList of v1 as Pods in plan-rollout', async () => {
    const pods = parse(readFileSync(fixture('rollout', 'pods.yaml'), 'utf8'), { version: '1.1' }) as {
      items?: Record<string, unknown>[];
    };
    const items = (pods.items ?? []).map(({ apiVersion: _v, kind: _k2, ...rest }) => rest);
    const podList = file('pods.json', JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items }));
    const r = await cli([
      'plan-rollout',
      '-o',
      'json',
      '-f',
      fixture('rollout', 'log-shipper-sidecarset.yaml'),
      '-f',
      podList,
    ]);
    expect(r.stderr).not.toContain('ignored');
    expect(r.code).toBe(0);
    expect(items.length).toBeGreaterThan(0);
  });
});

describe('bytes that are not UTF-8', () => {
  it('are refused with the file and the byte offset, and --in-place writes nothing', async () => {
    const bytes = Buffer.concat([
      Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "caf'),
      Buffer.from([0xe9]),
      Buffer.from('"\n'),
    ]);
    const p = file('latin1.yaml', bytes);
    for (const argv of [
      ['inject', '-f', p],
      ['inject', '--in-place', '-f', p],
    ]) {
      const r = await cli(argv);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `error: ${p}: invalid UTF-8 at byte offset 53 (0xe9): manifests must be UTF-8; convert the file (iconv -t UTF-8)\n`,
      );
    }
    expect(readFileSync(p).equals(bytes)).toBe(true);
  });
});

describe('limits, each refused on one line in bounded time', () => {
  const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n';
  it('YAML nested 1,000 levels', async () => {
    const r = await cli(['inject', '-f', file('deep.yaml', `${head}data: ${'['.repeat(1000)}${']'.repeat(1000)}\n`)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: .*deep\.yaml: document 1: line 1: nesting deeper than 500 levels \(the limit on one document\)\n$/,
    );
  });

  it('JSON nested 1,500 levels', async () => {
    const r = await cli([
      'inject',
      '-f',
      file('deep.json', `{"apiVersion":"v1","kind":"ConfigMap","data":{"x":${'['.repeat(1500)}${']'.repeat(1500)}}}`),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*deep\.json: document 1: line 1: nesting deeper than 500 levels/);
  });

  it('nesting at the limit is read', async () => {
    const r = await cli([
      'inject',
      '-q',
      '-f',
      file('ok.yaml', `${head}data:\n  x: ${'['.repeat(400)}${']'.repeat(400)}\n`),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('a YAML alias bomb', async () => {
    const levels = 'abcdefghi'.split('');
    const lines = levels.map((l, i) =>
      i === 0
        ? `${l}: &${l} [x,x,x,x,x,x,x,x,x,x]`
        : `${l}: &${l} [${Array(10)
            .fill(`*${levels[i - 1]}`)
            .join(',')}]`,
    );
    const r = await cli(['inject', '-f', file('bomb.yaml', `${head}data:\n${lines.map((l) => `  ${l}\n`).join('')}`)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*bomb\.yaml: document 1: aliases expand to more than 1,000,000 nodes/);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });
});

describe('errors on one line, and kubectl-style flags', () => {
  it('an unreadable file is named once; an unreadable directory under -R is one line', async (ctx) => {
    if (process.getuid?.() === 0) ctx.skip(); // root reads everything
    const p = file('noperm.yaml', 'apiVersion: v1\n');
    chmodSync(p, 0);
    const r = await cli(['inject', '-f', p]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: [^ ]*noperm\.yaml: cannot read: EACCES[^\n]*\n$/);
    expect(r.stderr.split('noperm.yaml')).toHaveLength(2);
    const tree = path.join(dir, 'tree');
    mkdirSync(path.join(tree, 'locked'), { recursive: true });
    chmodSync(path.join(tree, 'locked'), 0);
    const d = await cli(['inject', '-R', '-f', tree]);
    chmodSync(path.join(tree, 'locked'), 0o755);
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/^error: [^ ]*locked: cannot read: EACCES[^\n]*\n$/);
  });

  it('-f=path is read as kubectl reads it', async () => {
    const r = await cli([
      'inject',
      '-q',
      `-f=${file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n')}`,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('name: a');
  });

  it('--check exits 1 for drift and 2 for an error, as kubectl diff', async () => {
    const drift = await cli([
      'inject',
      '--check',
      '--sidecarsets',
      SIDECARSET,
      '-f',
      fixture('efk', 'nginx-deployment.yaml'),
    ]);
    expect(drift.code).toBe(1);
    const broken = await cli(['inject', '--check', '-f', file('broken.yaml', 'kind: [\n')]);
    expect(broken.stderr).toMatch(/^error: /);
    expect(broken.code).toBe(2);
  });

  it('bin/ before the build says what to run', () => {
    const copy = path.join(dir, 'unbuilt');
    mkdirSync(path.join(copy, 'bin'), { recursive: true });
    for (const f of ['kubectl-sidecarset', 'load-cli.cjs', 'package.json'])
      copyFileSync(path.join(ROOT, 'bin', f), path.join(copy, 'bin', f));
    const r = spawnSync(process.execPath, [path.join(copy, 'bin', 'kubectl-sidecarset'), 'inject'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^error: the CLI is not built \(.*cli\.cjs is missing\): build it with `node scripts\/build\.mjs`/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
