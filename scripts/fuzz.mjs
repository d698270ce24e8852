// `npm run fuzz [-- --runs N --seed S]`: feeds `inject` N generated and mutated inputs (test/fuzz/cases.ts) in
// process and reports how many of each outcome: ok, error (one line, exit 1), usage (exit 2), crash (anything else).
// Exits 1 if any run crashed, printing a reproducer of each kind of crash.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '100000' }, seed: { type: 'string' } } });
const runs = Number(values.runs);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);

// two levels below the root, as test/cli/ is, so the harness finds the fixtures from where it is bundled
const out = path.join(root, '.fuzz-tmp', 'bundle');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [path.join(root, 'test/fuzz/cases.ts')],
  outfile: path.join(out, 'cases.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'error',
});
const { default: fc } = await import('fast-check');
const cases = await import(path.join(out, 'cases.mjs'));
rmSync(path.join(root, '.fuzz-tmp'), { recursive: true, force: true });

const families = {
  generated: { arb: cases.generatedStream, input: (s) => s },
  'mutated fixture': {
    arb: cases.mutatedFixture,
    input: (m) => cases.applyMutations(cases.fixtureStreams[m.fixture], m.mutations),
  },
  'random bytes': { arb: cases.randomBytes, input: (b) => b },
};
const names = Object.keys(families);
const counts = Object.fromEntries(names.map((n) => [n, { ok: 0, error: 0, usage: 0, crash: 0 }]));
const crashes = new Map();
const started = performance.now();
const chunk = 500;
for (let done = 0, round = 0; done < runs; round++) {
  const name = names[round % names.length];
  const family = families[name];
  const n = Math.min(chunk, runs - done);
  for (const value of fc.sample(family.arb, { numRuns: n, seed: seed + round })) {
    const input = family.input(value);
    const judged = await cases.runInject(input);
    counts[name][judged.outcome]++;
    if (judged.outcome === 'crash') {
      const key = `${name}: ${judged.reason}: ${judged.result.stderr.split('\n').find((l) => l.trim()) ?? ''}`;
      if (!crashes.has(key)) crashes.set(key, { input, stderr: judged.result.stderr });
    }
  }
  done += n;
  if (process.stderr.isTTY) process.stderr.write(`\r${done}/${runs}`);
}
if (process.stderr.isTTY) process.stderr.write('\n');
const seconds = (performance.now() - started) / 1000;

console.log(
  `inject fuzz: ${runs} cases, seed ${seed}, ${seconds.toFixed(1)} s (${(runs / seconds).toFixed(0)} cases/s)`,
);
console.log(`${'family'.padEnd(16)} ${['ok', 'error', 'usage', 'crash'].map((k) => k.padStart(7)).join(' ')}`);
const total = { ok: 0, error: 0, usage: 0, crash: 0 };
for (const name of names) {
  for (const k of Object.keys(total)) total[k] += counts[name][k];
  console.log(
    `${name.padEnd(16)} ${Object.values(counts[name])
      .map((v) => String(v).padStart(7))
      .join(' ')}`,
  );
}
console.log(
  `${'all'.padEnd(16)} ${Object.values(total)
    .map((v) => String(v).padStart(7))
    .join(' ')}`,
);
for (const [key, { input, stderr }] of crashes) {
  const file = path.join(root, `fuzz-crash-${crashes.size > 1 ? [...crashes.keys()].indexOf(key) + 1 : 1}.yaml`);
  writeFileSync(file, input);
  console.log(`\ncrash: ${key}\n  reproduce: kubectl-sidecarset inject --local -f ${path.relative(root, file)}`);
  console.log(
    stderr
      .split('\n')
      .slice(0, 8)
      .map((l) => `  | ${l}`)
      .join('\n'),
  );
}
process.exit(total.crash > 0 ? 1 : 0);
