import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  chmodSync,
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli, expectGolden, ROOT } from './harness.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sidecarset-inject-ci-'));
  for (const name of ['efk', 'mesh', 'logtail'])
    cpSync(path.join(ROOT, 'fixtures', name), path.join(dir, name), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const at = (...parts: string[]) => path.join(dir, ...parts);
const read = (...parts: string[]) => readFileSync(at(...parts), 'utf8');
/** How the diff labels a path under the temp dir: a/<path without its leading slash>. */
const label = (p: string) => p.replace(/^\/+/, '');
const bumpFilebeat = () =>
  writeFileSync(
    at('efk/filebeat-sidecarset.yaml'),
    read('efk/filebeat-sidecarset.yaml').replace('filebeat:7.16.2', 'filebeat:7.17.0'),
  );

/** Every file under a directory, relative, sorted. */
function tree(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

describe('inject --check', () => {
  it('fails on manifests that were never rendered, passes once they are, fails again after a SidecarSet image changes', async () => {
    const fresh = await cli(['inject', '-f', at('efk'), '--check']);
    expect(fresh.code).toBe(1);
    expect(fresh.stdout).toMatch(new RegExp(`^--- a/${label(at('efk/nginx-deployment.yaml'))}\n\\+\\+\\+ b/`));

    expect((await cli(['inject', '-f', at('efk'), '--in-place'])).code).toBe(0);
    const clean = await cli(['inject', '-f', at('efk'), '--check']);
    expect(clean).toEqual({
      code: 0,
      stdout: '',
      stderr: 'deployment.apps/nginx -n default: injected filebeat-sidecarset: filebeat\n2 files up to date\n',
    });

    bumpFilebeat();
    const before = tree(dir).map((f) => [f, read(f)]);
    const drift = await cli(['inject', '-f', at('efk'), '--check']);
    expect(drift.code).toBe(1);
    expect(drift.stderr).toContain(`${at('efk/nginx-deployment.yaml')}: would change\n1 of 2 files would change\n`);
    expectGolden('inject-check.diff', drift.stdout.replaceAll(label(dir), 'TMP'));
    expect(tree(dir).map((f) => [f, read(f)])).toEqual(before); // nothing written
  });

  it('--diff prints the same diff, exits 0 and writes nothing', async () => {
    const check = await cli(['inject', '-f', at('mesh'), '--check', '-q']);
    const diff = await cli(['inject', '-f', at('mesh'), '--diff', '-q']);
    expect(check.code).toBe(1);
    expect(diff).toEqual({ code: 0, stdout: check.stdout, stderr: '' });
    expect(read('mesh/checkout-cloneset.yaml')).toBe(
      readFileSync(path.join(ROOT, 'fixtures/mesh/checkout-cloneset.yaml'), 'utf8'),
    );
  });

  it('works on stdin, labelled <stdin>', async () => {
    const input = read('efk/nginx-deployment.yaml');
    const r = await cli(['inject', '--sidecarsets', at('efk/filebeat-sidecarset.yaml'), '-f', '-', '--check', '-q'], {
      stdin: input,
    });
    expect(r.code).toBe(1);
    expect(r.stdout.startsWith('--- a/<stdin>\n+++ b/<stdin>\n@@ ')).toBe(true);
  });
});

describe('inject --in-place', () => {
  it('rewrites only the files that change, atomically, keeping mode and comments', async () => {
    chmodSync(at('efk/nginx-deployment.yaml'), 0o640);
    const sidecarSet = statSync(at('efk/filebeat-sidecarset.yaml'));
    const deployment = statSync(at('efk/nginx-deployment.yaml'));
    const alone = await cli([
      'inject',
      '--sidecarsets',
      at('efk/filebeat-sidecarset.yaml'),
      '-f',
      at('efk/nginx-deployment.yaml'),
    ]);

    const r = await cli(['inject', '-f', at('efk'), '--in-place']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'deployment.apps/nginx -n default: injected filebeat-sidecarset: filebeat\n' +
        `${at('efk/nginx-deployment.yaml')}: written\n1 file written, 1 unchanged\n`,
    );
    // the file holds exactly what the stdout mode prints for it alone
    expect(read('efk/nginx-deployment.yaml')).toBe(alone.stdout);
    expect(read('efk/nginx-deployment.yaml')).toContain('# ask for the filebeat sidecar\n');
    const after = statSync(at('efk/nginx-deployment.yaml'));
    expect(after.mode & 0o777).toBe(0o640);
    expect(after.ino).not.toBe(deployment.ino); // replaced by a rename, not written over
    const untouched = statSync(at('efk/filebeat-sidecarset.yaml'));
    expect([untouched.ino, untouched.mtimeMs]).toEqual([sidecarSet.ino, sidecarSet.mtimeMs]);
    expect(readdirSync(at('efk')).sort()).toEqual(['filebeat-sidecarset.yaml', 'nginx-deployment.yaml']); // no temp files left

    const again = await cli(['inject', '-f', at('efk'), '--in-place', '-q']);
    expect(again).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(statSync(at('efk/nginx-deployment.yaml')).ino).toBe(after.ino); // idempotent: not rewritten
  });

  it('a JSON file stays JSON; a symlink keeps pointing at the rewritten file', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', labels: { 'kruise.io/inject-filebeat': 'true' } },
      spec: { containers: [{ name: 'web', image: 'web:1' }] },
    };
    writeFileSync(at('pod.json'), JSON.stringify(pod));
    symlinkSync(at('pod.json'), at('link.json'));
    const r = await cli([
      'inject',
      '--sidecarsets',
      at('efk/filebeat-sidecarset.yaml'),
      '-f',
      at('link.json'),
      '--in-place',
      '-q',
    ]);
    expect(r.code).toBe(0);
    const written = JSON.parse(read('pod.json'));
    expect(written.spec.containers.map((c: { name: string }) => c.name)).toEqual(['filebeat', 'web']);
    const json = await cli(['inject', '-o', 'json', '--sidecarsets', at('efk/filebeat-sidecarset.yaml'), '-f', '-'], {
      stdin: JSON.stringify(pod),
    });
    expect(read('pod.json')).toBe(json.stdout);
    expect(lstatSync(at('link.json')).isSymbolicLink()).toBe(true);
  });

  it('writes nothing when any input fails', async () => {
    writeFileSync(
      at('mesh/broken.yaml'),
      'apiVersion: apps.kruise.io/v1beta1\nkind: SidecarSet\nmetadata:\n  name: broken\nspec:\n  selector:\n    matchLabels:\n      a: b\n  containers:\n  - name: agent\n',
    );
    const before = tree(dir).map((f) => [f, read(f)]);
    const r = await cli(['inject', '-f', at('efk'), '-f', at('mesh'), '--in-place']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /broken\.yaml: document 1: SidecarSet broken would be rejected by Kruise: spec\.containers\[0\]\.image: Required value/,
    );
    expect(tree(dir).map((f) => [f, read(f)])).toEqual(before);
  });
});

describe('inject --output-dir', () => {
  it('mirrors the inputs under DIR relative to their common base, configuration files included', async () => {
    const out = at('out');
    const r = await cli(['inject', '-f', at('efk'), '-f', at('mesh'), '--output-dir', out, '-q']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(tree(out)).toEqual([
      'efk/filebeat-sidecarset.yaml',
      'efk/nginx-deployment.yaml',
      'mesh/checkout-cloneset.yaml',
      'mesh/mesh-sidecarset.yaml',
    ]);
    expect(read('out/efk/filebeat-sidecarset.yaml')).toBe(read('efk/filebeat-sidecarset.yaml'));
    const golden = readFileSync(path.join(ROOT, 'test/golden/mesh.yaml'), 'utf8');
    expect(golden).toContain(read('out/mesh/checkout-cloneset.yaml'));
    expect(read('mesh/checkout-cloneset.yaml')).toBe(
      readFileSync(path.join(ROOT, 'fixtures/mesh/checkout-cloneset.yaml'), 'utf8'),
    ); // inputs untouched

    // a directory given alone is the base itself; files given alone are relative to their common parent
    const single = await cli(['inject', '-f', at('efk'), '--output-dir', at('one'), '-q']);
    expect(single.code).toBe(0);
    expect(tree(at('one'))).toEqual(['filebeat-sidecarset.yaml', 'nginx-deployment.yaml']);
    const files = await cli([
      'inject',
      '-f',
      at('logtail/payments-deployment.yaml'),
      '-f',
      at('efk/nginx-deployment.yaml'),
      '--sidecarsets',
      at('logtail/logtail-sidecarset.yaml'),
      '--sidecarsets',
      at('efk/filebeat-sidecarset.yaml'),
      '--output-dir',
      at('two'),
      '-q',
    ]);
    expect(files.code).toBe(0);
    expect(tree(at('two'))).toEqual(['efk/nginx-deployment.yaml', 'logtail/payments-deployment.yaml']);
  });

  it('-R mirrors nested directories; files already up to date in DIR are not rewritten', async () => {
    mkdirSync(at('apps/shop'), { recursive: true });
    cpSync(at('mesh/checkout-cloneset.yaml'), at('apps/shop/checkout.yaml'));
    cpSync(at('mesh/mesh-sidecarset.yaml'), at('apps/mesh.yaml'));
    const first = await cli(['inject', '-R', '-f', at('apps'), '--output-dir', at('out')]);
    expect(first.code).toBe(0);
    expect(tree(at('out'))).toEqual(['mesh.yaml', 'shop/checkout.yaml']);
    expect(first.stderr).toContain('2 files written, 0 unchanged\n');
    const ino = statSync(at('out/shop/checkout.yaml')).ino;
    const second = await cli(['inject', '-R', '-f', at('apps'), '--output-dir', at('out')]);
    expect(second.stderr).toContain('0 files written, 2 unchanged\n');
    expect(statSync(at('out/shop/checkout.yaml')).ino).toBe(ino);
  });
});

describe('inject CI modes: usage errors exit 2', () => {
  it.each([
    [['--in-place', '--check'], /cannot be combined/],
    [['--diff', '--output-dir', 'x'], /cannot be combined/],
    [['--check', '-o', 'json'], /-o json cannot be combined with --check/],
  ])('%j', async (flags, message) => {
    const r = await cli(['inject', '-f', at('efk'), ...flags]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('stdin has no file to rewrite or mirror', async () => {
    for (const flags of [['--in-place'], ['--output-dir', at('out')]]) {
      const r = await cli(['inject', '--sidecarsets', at('efk/filebeat-sidecarset.yaml'), '-f', '-', ...flags], {
        stdin: read('efk/nginx-deployment.yaml'),
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/standard input \(-f -\) has none/);
    }
  });

  it('the same file given twice', async () => {
    const r = await cli(['inject', '-f', at('efk'), '-f', at('efk/nginx-deployment.yaml'), '--in-place']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the same file is given twice/);
  });
});
