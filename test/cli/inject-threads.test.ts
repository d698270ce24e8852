// A large input is rendered by several threads (src/pipeline/parallel/inject-parallel.ts) when the bundled CLI runs: the
// output, the report and the errors must be exactly what one thread gives. One thread is what the in-process
// harness runs (the sources), so the real binary is compared with it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, runCountingWorkers, type CountedRun } from './harness.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sidecarset-threads-'));
  writeFileSync(path.join(dir, 'sidecarsets.yaml'), SIDECARSETS);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIDECARSETS = `apiVersion: apps.kruise.io/v1beta1
kind: SidecarSet
metadata:
  name: logs
spec:
  selector:
    matchLabels:
      logging: "on"
  containers:
  - name: agent
    image: agent:1
    shareVolumePolicy:
      type: enabled
`;

function deployment(i: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: ns-${i % 3}
spec:
  template:
    metadata:
      labels:
        logging: "${i % 2 === 0 ? 'on' : 'off'}"
    spec:
      containers:
      - name: app
        image: "app:${i}" # pinned
        volumeMounts:
        - {name: data, mountPath: /data}
      volumes:
      - name: data
        emptyDir: {}
`;
}

/** Over 1 MiB, with what a cut must get right: an implicit first document, comments and empty documents between
 * documents, `--- # comment` markers, a List, objects without pods. */
function stream(count: number, extra: (i: number) => string = () => ''): string {
  const parts = ['# generated\n', deployment(0)];
  for (let i = 1; i < count; i++) {
    if (i % 97 === 0) parts.push('---\n# nothing here\n');
    if (i % 89 === 0)
      parts.push('--- # a list\napiVersion: v1\nkind: List\nitems:\n- ' + deployment(i).replace(/\n(?!$)/g, '\n  '));
    else if (i % 83 === 0)
      parts.push('---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec: {ports: [{port: 80}]}\n');
    parts.push(i % 7 === 0 ? '\n# between\n---\n' : '---\n', deployment(i), extra(i));
  }
  return parts.join('');
}

/** The real binary; `workers` counts the worker threads it started. */
function runBinary(file: string, threads: string): CountedRun {
  return runCountingWorkers(['inject', '--sidecarsets', path.join(dir, 'sidecarsets.yaml'), '-f', file], threads, dir);
}

describe('inject in several threads', () => {
  it('gives the output and report of one thread', { timeout: 120_000 }, async () => {
    const file = path.join(dir, 'big.yaml');
    const text = stream(3000);
    expect(text.length).toBeGreaterThan(1 << 20);
    writeFileSync(file, text);
    const one = await cli(['inject', '--sidecarsets', path.join(dir, 'sidecarsets.yaml'), '-f', file]);
    expect(one.code, one.stderr).toBe(0);
    for (const threads of ['2', '3']) {
      const many = runBinary(file, threads);
      expect(many.code, many.stderr).toBe(0);
      expect(many.workers).toBe(Number(threads) - 1);
      expect(many.stderr).toBe(one.stderr);
      expect(many.stdout === one.stdout).toBe(true); // (a diff of megabytes is no help)
    }
  });

  it('joins files as one thread does', { timeout: 120_000 }, async () => {
    const files = path.join(dir, 'files');
    mkdirSync(files);
    // a file without a final newline, one with a leading comment only, one starting with ---
    writeFileSync(path.join(files, 'a.yaml'), stream(1000).trimEnd());
    writeFileSync(path.join(files, 'b.yaml'), `# b\n${stream(1000)}`);
    writeFileSync(path.join(files, 'c.yaml'), `---\n${stream(1000)}`);
    const one = await cli(['inject', '--sidecarsets', path.join(dir, 'sidecarsets.yaml'), '-f', files]);
    expect(one.code, one.stderr).toBe(0);
    const many = runBinary(files, '3');
    expect(many.workers).toBe(2);
    expect(many.stderr).toBe(one.stderr);
    expect(many.stdout === one.stdout).toBe(true);
  });

  it(
    'reports the error one thread reports, having written what one thread writes before it',
    { timeout: 120_000 },
    async () => {
      const cases = {
        // in the worker's share: the share is lost, this thread renders the rest again and writes from where it was
        injection: (i: number) =>
          i === 2600 ? '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers: 3\n' : '',
        syntax: (i: number) => (i === 2700 ? '---\napiVersion: v1\nkind: Pod\nmetadata: {name: [bad\n' : ''),
        // in this thread's own share, after part of it has gone out
        early: (i: number) =>
          i === 900 ? '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers: 3\n' : '',
      };
      for (const [name, extra] of Object.entries(cases)) {
        const file = path.join(dir, `${name}.yaml`);
        writeFileSync(file, stream(3000, extra));
        const one = await cli(['inject', '--sidecarsets', path.join(dir, 'sidecarsets.yaml'), '-f', file]);
        expect(one.code, name).toBe(1);
        const many = runBinary(file, '2');
        expect(many.workers, name).toBe(1);
        expect(one.stdout.length, name).toBeGreaterThan(1 << 16); // documents before the failure went out
        expect(many.code, name).toBe(one.code);
        expect(many.stderr, name).toBe(one.stderr);
        expect(many.stdout === one.stdout, name).toBe(true); // nothing lost, nothing written twice
      }
    },
  );
});

describe('shareSources', () => {
  it('cuts at documents: pieces put back together are the input, and number their documents as it does', async () => {
    const { shareSources } = await import('../../src/pipeline/parallel/inject-parallel.js');
    const { parseManifests } = await import('../../src/manifests/documents.js');
    const inputs = [
      stream(300),
      `# only comments before\n\n---\n${stream(200)}`,
      `---\n---\n${stream(200)}---\n---\n`,
      '%YAML 1.1\n---\n' + stream(100), // directives: not cut
      stream(100) + '...\n', // `...`: not cut
      '{"apiVersion": "v1", "kind": "Pod"}\n'.repeat(50), // JSON: not cut
    ];
    for (const [n, text] of inputs.entries()) {
      const whole = parseManifests(text, 's.yaml').map((md) => `${md.index}/${md.listItem ?? ''}`);
      for (const threads of [2, 3, 5]) {
        const shares = shareSources(
          [
            { source: 's.yaml', text },
            { source: 't.yaml', text: 'apiVersion: v1\nkind: Pod\n' },
          ],
          threads,
        );
        const pieces = (shares ?? []).flat().filter((p) => p.source === 's.yaml');
        if (n >= 3) {
          expect(pieces.length, `input ${n}`).toBeLessThanOrEqual(1);
          continue;
        }
        expect(pieces.length, `input ${n}, ${threads} threads`).toBeGreaterThan(1);
        expect(pieces.map((p) => p.text).join('')).toBe(text);
        const numbered = pieces.flatMap((p) =>
          parseManifests(p.text, 's.yaml').map((md) => `${md.index + p.indexBase}/${md.listItem ?? ''}`),
        );
        expect(numbered, `input ${n}, ${threads} threads`).toEqual(whole);
      }
    }
  });
});
