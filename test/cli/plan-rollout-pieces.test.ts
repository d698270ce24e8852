// plan-rollout reads a large JSON List of Pods in pieces, in several threads (src/pipeline/rollout-inputs.ts,
// rollout-parallel.ts): the plan, the notes and every error must be exactly those of reading the whole text at
// once. The sources read in pieces in this thread only; a worker thread runs a bundle of rollout-parallel.ts
// made here, and the real binary is run on an input large enough to take that way by itself.
import { kruiseProfile } from '../../src/kruise/apis/version.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonPieces } from '../../src/cli/plan-rollout.js';
import type { Pod } from '../../src/k8s/api.js';
import { planRollout } from '../../src/kruise/rollout/plan.js';
import { simulateFast } from '../../src/kruise/rollout/simulate-fast.js';
import { readInputDocuments } from '../../src/manifests/json-source.js';
import { fileRolloutSource, type PieceOptions } from '../../src/pipeline/rollout-inputs.js';
import { randomRollout } from '../kruise/rollout-random.js';
import { cli, ROOT, runCountingWorkers, type CountedRun } from './harness.js';

let dir: string;
let workerCode: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sidecarset-pieces-'));
  const bundle = path.join(dir, 'rollout-worker.cjs');
  await build({
    stdin: {
      contents: "export { runRolloutWorker } from './src/pipeline/parallel/rollout-parallel.ts';",
      resolveDir: ROOT,
      loader: 'ts',
    },
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'warning',
  });
  workerCode = `require(${JSON.stringify(bundle)}).runRolloutWorker();`;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Pods of several random rollouts (names made unique), and the SidecarSet of the first, as files. */
function inputs(
  name: string,
  seeds: number[],
  opts: { indent?: number | string; change?: (pods: Pod[]) => void } = {},
): { sidecarSet: string; pods: string; text: string } {
  const first = randomRollout(seeds[0], { maxPods: 120 });
  const pods = seeds.flatMap((seed) =>
    randomRollout(seed, { maxPods: 120 }).pods.map((p) => ({
      ...p,
      metadata: { ...p.metadata, name: `${p.metadata!.name}-${seed}` },
    })),
  );
  opts.change?.(pods);
  const text =
    JSON.stringify(
      { apiVersion: 'v1', items: pods, kind: 'List', metadata: { resourceVersion: '' } },
      null,
      opts.indent ?? 4,
    ) + '\n';
  const files = {
    sidecarSet: path.join(dir, `${name}-sidecarset.json`),
    pods: path.join(dir, `${name}-pods.json`),
    text,
  };
  writeFileSync(files.sidecarSet, JSON.stringify(first.sidecarSet, null, 2));
  writeFileSync(files.pods, text);
  return files;
}

interface Outcome {
  /** the Pods came as records (read in pieces) */
  inPieces?: boolean;
  notes?: string[];
  json?: string;
  error?: { message: string; place: unknown; name: string };
  /** pieces read by worker threads, of all */
  byWorkers?: number;
  pieces?: number;
}

const WHOLE: PieceOptions = { minBytes: Infinity };
const PIECES: PieceOptions = { minBytes: 1, pieceBytes: 3000 };

/** The plan as plan-rollout -o json writes it, from the sources read with `pieces`. */
async function planOf(
  files: string[],
  pieces: PieceOptions,
  opts: { threads?: number; stdin?: string } = {},
): Promise<Outcome> {
  const out: Outcome = {};
  const source = fileRolloutSource({
    filenames: files,
    profile: kruiseProfile(),
    recursive: false,
    stdin: Readable.from(opts.stdin === undefined ? [] : [opts.stdin]),
    keepHash: true,
    namespace: 'default',
    env: { KUBECTL_SIDECARSET_THREADS: String(opts.threads ?? 1) },
    pieces: {
      ...pieces,
      report: (r) => {
        out.byWorkers = (out.byWorkers ?? 0) + r.byWorkers;
        out.pieces = (out.pieces ?? 0) + r.all;
      },
    },
  });
  try {
    const loaded = await source.load();
    out.inPieces = !Array.isArray(loaded.pods);
    out.notes = loaded.notes;
    const plan = planRollout(
      { sidecarSet: loaded.sidecarSet, pods: loaded.pods, namespaces: loaded.namespaces },
      simulateFast,
    );
    out.json = [...jsonPieces(plan)].join('');
  } catch (err) {
    const e = err as { message: string; place?: unknown; constructor: { name: string } };
    out.error = { message: e.message, place: e.place, name: e.constructor.name };
  }
  return out;
}

/** Read in pieces, and in pieces by worker threads: the same outcome as the whole text, and the way taken. */
async function expectSameAsWhole(files: string[], opts: { stdin?: string; pieces?: boolean } = {}): Promise<Outcome> {
  const whole = await planOf(files, WHOLE, opts);
  expect(whole.inPieces === true).toBe(false);
  const inPieces = await planOf(files, PIECES, opts);
  const inWorkers = await planOf(files, { ...PIECES, workerCode, workersFirst: true }, { ...opts, threads: 3 });
  for (const other of [inPieces, inWorkers]) {
    if (opts.pieces !== undefined) expect(other.inPieces === true).toBe(opts.pieces);
    expect(other.error).toEqual(whole.error);
    expect(other.notes).toEqual(whole.notes);
    expect(other.json === whole.json).toBe(true); // (a diff of megabytes is no help)
  }
  return { ...whole, byWorkers: inWorkers.byWorkers, pieces: inWorkers.pieces };
}

describe('plan-rollout reads a large JSON List in pieces', () => {
  it('gives the plan of the whole text, in this thread and in worker threads', async () => {
    const files = inputs('random', [11, 12, 13, 14, 15, 16]);
    const r = await expectSameAsWhole([files.sidecarSet, files.pods], { pieces: true });
    expect(r.error).toBeUndefined();
    expect(JSON.parse(r.json!).totals.pods).toBeGreaterThan(100);
    expect(r.pieces).toBeGreaterThan(10);
    expect(r.byWorkers).toBe(r.pieces); // the workers read them all (workersFirst)
  });

  it('whatever the indentation, with Lists among other inputs and from stdin', async () => {
    const a = inputs('tabs', [21, 22, 23], { indent: '\t' });
    const b = inputs('two', [24, 25], { indent: 2 });
    const c = inputs('stdin', [26, 27]);
    await expectSameAsWhole([a.pods, a.sidecarSet, '-', b.pods], { stdin: c.text, pieces: true });
  });

  it('leaves compact JSON to the whole-text reader', async () => {
    const files = inputs('compact', [31, 32], { indent: 0 });
    const r = await expectSameAsWhole([files.sidecarSet, files.pods], { pieces: false });
    expect(r.json).toBeDefined();
  });

  it('takes over what a worker cannot send, or when no worker starts', async () => {
    const files = inputs('odd', [41, 42, 43], {
      change: (pods) =>
        pods.filter((_, k) => k % 50 === 7).forEach((p) => ((p.metadata!.labels as Record<string, unknown>).n = 1)),
    });
    const whole = await planOf([files.sidecarSet, files.pods], WHOLE);
    const odd = await planOf(
      [files.sidecarSet, files.pods],
      { ...PIECES, workerCode, workersFirst: true },
      { threads: 2 },
    );
    expect(odd.byWorkers).toBeGreaterThan(0);
    expect(odd.byWorkers).toBeLessThan(odd.pieces!);
    const noWorker = await planOf(
      [files.sidecarSet, files.pods],
      { ...PIECES, workerCode: 'throw new Error("no")', workersFirst: true },
      { threads: 2 },
    );
    expect(noWorker.byWorkers).toBe(0);
    for (const r of [odd, noWorker]) {
      expect(r.inPieces).toBe(true);
      expect(r.json === whole.json).toBe(true);
    }
  });

  describe('reports what the whole-text reader reports', () => {
    const middle = (change: (p: Pod) => void) => (pods: Pod[]) => change(pods[Math.floor(pods.length / 2)]);
    const cases: Record<string, (pods: Pod[]) => void> = {
      'a Pod without containers': middle((p) => delete (p.spec as { containers?: unknown }).containers),
      'a Pod given twice': (pods) => pods.push(structuredClone(pods[3])),
      'a Pod without a name': middle((p) => delete p.metadata!.name),
      'an object that is not a Pod': middle((p) => Object.assign(p, { kind: 'Service' })),
      'a Pod of another group': middle((p) => Object.assign(p, { apiVersion: 'example.com/v1' })),
      'an item that is not an object': (pods) => pods.splice(40, 0, 7 as unknown as Pod),
      'a Pod in an unknown namespace the selector needs': (pods) => {
        for (const p of pods) p.metadata!.namespace = 'shop';
        pods[60].metadata!.namespace = 'elsewhere';
      },
    };
    for (const [name, change] of Object.entries(cases)) {
      it(name, async () => {
        const files = inputs(name.replace(/\W+/g, '-'), [51, 52, 53], { change });
        if (name.includes('namespace')) {
          const ss = randomRollout(51, { maxPods: 120 }).sidecarSet;
          ss.spec!.namespaceSelector = { matchLabels: { team: 'shop' } };
          writeFileSync(files.sidecarSet, JSON.stringify(ss));
          writeFileSync(
            path.join(dir, 'ns-shop.yaml'),
            'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    team: shop\n',
          );
        }
        const extra = name.includes('namespace') ? [path.join(dir, 'ns-shop.yaml')] : [];
        const r = await expectSameAsWhole([files.sidecarSet, ...extra, files.pods]);
        expect(r.error ?? r.notes?.join('\n'), name).toBeTruthy();
      });
    }

    it('text that is not JSON in the middle of the items (YAML reads it)', async () => {
      const files = inputs('broken', [61, 62, 63]);
      const at = files.text.indexOf('"name": "pod-', files.text.length >> 1);
      writeFileSync(files.pods, files.text.slice(0, at) + '"name": pod-' + files.text.slice(at + 13));
      await expectSameAsWhole([files.sidecarSet, files.pods], { pieces: false });
    });

    it('a List broken in the middle', async () => {
      const files = inputs('truncated', [64, 65, 66]);
      writeFileSync(files.pods, files.text.slice(0, files.text.length >> 1) + '\n    }\n  ]\n}\n');
      const r = await expectSameAsWhole([files.sidecarSet, files.pods], { pieces: false });
      expect(r.error).toBeDefined();
    });
  });
});

describe('standard input', () => {
  it('is read once, and a failure to read it is reported as the whole-text reader reports it', async () => {
    const files = inputs('stdin-error', [71]);
    const failing = () =>
      new Readable({
        read() {
          this.destroy(Object.assign(new Error('read EIO'), { code: 'EIO' }));
        },
      });
    const message = (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (err: Error) => err.message,
      );
    // what the reader of the inputs says, reading the stream itself
    const expected = await message(
      (async () => {
        for await (const doc of readInputDocuments([files.sidecarSet, '-'], { recursive: false, stdin: failing() }))
          void doc;
      })(),
    );
    expect(expected).toContain('EIO');
    for (const pieces of [WHOLE, PIECES]) {
      const source = fileRolloutSource({
        filenames: [files.sidecarSet, '-'],
        profile: kruiseProfile(),
        recursive: false,
        stdin: failing(),
        keepHash: true,
        namespace: 'default',
        env: {},
        pieces,
      });
      expect(await message(source.load())).toBe(expected);
    }
  });
});

describe('the plan-rollout binary on a large JSON List', () => {
  function runBinary(args: string[], threads: string): CountedRun {
    return runCountingWorkers(['plan-rollout', '--keep-hash', ...args], threads, dir);
  }

  it('writes what one thread writes, and reports the same errors', { timeout: 120_000 }, async () => {
    const seeds = Array.from({ length: 40 }, (_, k) => 100 + k);
    const ok = inputs('binary', seeds);
    expect(ok.text.length).toBeGreaterThan(1 << 20);
    const bad = inputs('binary-bad', seeds, {
      change: (pods) => delete (pods[pods.length - 200].spec as { containers?: unknown }).containers,
    });
    for (const [files, code] of [
      [ok, 0],
      [bad, 1],
    ] as const) {
      const args = ['-f', files.sidecarSet, '-f', files.pods, '-o', 'json'];
      const one = await cli(['plan-rollout', '--keep-hash', ...args]);
      expect(one.code).toBe(code);
      const many = runBinary(args, '2');
      expect(many.workers).toBe(1);
      expect(many.code).toBe(one.code);
      expect(many.stderr).toBe(one.stderr);
      expect(many.stdout === one.stdout).toBe(true);
    }
  });
});
