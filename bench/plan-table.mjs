// Plan table: `plan-rollout` in its default (table) form against `-o json` of the same plan, for several numbers
// of Pods (maxUnavailable 1: one Pod a batch, one row a Pod; see gen.mjs), in one run, interleaved, medians of wall
// time, CPU time and peak memory. A table that grows faster than the Pods shows as a ratio that grows with them.
// BENCH_TABLE_PODS=5000,20000 plans other numbers; the goal is for 40,000 Pods (docs/performance.md).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { rolloutInputs } from './gen.mjs';
import { hasPython, median, timeOnce } from './lib.mjs';

const root = path.resolve(import.meta.dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const counts = (process.env.BENCH_TABLE_PODS ?? '5000,20000,40000').split(',').map(Number);
const GOAL = { pods: 40000, ratio: 1.2 };
const bin = process.env.BENCH_BIN ?? path.join(root, 'bin/kubectl-sidecarset');

console.log(`plan-rollout table against -o json (medians of ${runs} interleaved runs)`);
for (const count of counts) {
  const { sidecarSet, pods } = rolloutInputs(count);
  const plan = (...o) => [process.execPath, bin, 'plan-rollout', '-f', sidecarSet, '-f', pods, ...o];
  const commands = { table: plan(), json: plan('-o', 'json') };

  // fails loudly when the two forms do not show the same plan: one table row per planned Pod
  const json = JSON.parse(
    spawnSync(commands.json[0], commands.json.slice(1), { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30 }).stdout,
  );
  const table = spawnSync(commands.table[0], commands.table.slice(1), {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const rows = table.stdout.split('\n').filter((l) => / \d+ +\S+\/\S+/.test(l)).length;
  if (table.status !== 0 || rows !== json.totals.inBatches)
    throw new Error(`plan-table: ${rows} table rows for ${json.totals.inBatches} planned Pods (exit ${table.status})`);

  const samples = { table: [], json: [] };
  for (let i = 0; i < runs; i++)
    for (const [name, argv] of Object.entries(commands)) samples[name].push(timeOnce(argv, process.env, root));
  const med = (name, key) => median(samples[name].map((s) => s[key]));
  const ratio = (key) => med('table', key) / med('json', key);
  const goal = count === GOAL.pods ? `  (goal <= ${GOAL.ratio}: ${ratio('ms') <= GOAL.ratio ? 'met' : 'NOT met'})` : '';
  console.log(`  ${count.toLocaleString('en')} Pods (${rows.toLocaleString('en')} rows)`);
  for (const name of ['table', 'json'])
    console.log(
      `    ${name.padEnd(6)} wall ${med(name, 'ms').toFixed(0).padStart(6)} ms  CPU ${med(name, 'cpu').toFixed(0).padStart(6)} ms  ` +
        `peak RSS ${(med(name, 'rss') / 1024).toFixed(0).padStart(5)} MiB`,
    );
  console.log(
    `    table / json: wall ${ratio('ms').toFixed(2)}, CPU ${ratio('cpu').toFixed(2)}, peak RSS ${ratio('rss').toFixed(2)}${goal}`,
  );
}
if (!hasPython) console.log('  CPU and peak memory: not measured (python3, which reads them with wait4, is missing)');
