// Plan: `plan-rollout -o json` over a 100,000-Pod JSON PodList (maxUnavailable 1, priorityStrategy and
// scatterStrategy; see gen.mjs), against a process that only reads the same file and JSON.parses it (same
// run, interleaved, medians). The goals are printed with the figures (docs/performance.md). The plan goes to
// /dev/null, so neither side pays for the terminal or the disk. BENCH_PODS=N plans another number of Pods;
// BENCH_BIN=path runs another build of the launcher.
import { openSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dir, rolloutInputs } from './gen.mjs';
import { compare, report, runOnce } from './lib.mjs';

const root = path.resolve(import.meta.dirname, '..');
const count = Number(process.env.BENCH_PODS ?? 100000);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const { sidecarSet, pods } = rolloutInputs(count);

const baselineScript = path.join(dir, 'json-parse.mjs');
writeFileSync(
  baselineScript,
  `import { readFileSync } from 'node:fs';
const start = performance.now();
const list = JSON.parse(readFileSync(process.argv[2], 'utf8'));
process.stderr.write(String(performance.now() - start) + ' ' + list.items.length);
`,
);

const devNull = openSync('/dev/null', 'w');
const args = [
  process.env.BENCH_BIN ?? path.join(root, 'bin/kubectl-sidecarset'),
  'plan-rollout',
  '-f',
  sidecarSet,
  '-f',
  pods,
  '-o',
  'json',
];
const check = runOnce(args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }); // warm the file cache; look at the plan
const plan = JSON.parse(check.stdout);
const inProcess = [];
const { ours, baseline } = compare(
  runs,
  () => runOnce(args, { cwd: root, stdio: ['ignore', devNull, 'pipe'] }).ms,
  () => {
    const r = runOnce([baselineScript, pods]);
    inProcess.push(Number(r.stderr.split(' ')[0]));
    return r.ms;
  },
);
const mb = (statSync(pods).size / 1e6).toFixed(0);
console.log(
  `plan-rollout input: ${count.toLocaleString('en')} Pods, ${mb} MB of JSON; plan: ${plan.totals.matched} matched, ` +
    `${plan.totals.inBatches} upgraded in ${plan.totals.batches} batches (stop: ${plan.stop.reason}), ` +
    `${(check.stdout.length / 1e6).toFixed(0)} MB of JSON out`,
);
report(`plan time (${count.toLocaleString('en')} Pods, -o json)`, ours, baseline, 'ms', 2);
console.log(
  `plan wall time: ${(ours / 1000).toFixed(2)} s (goal <= 3 s: ${ours <= 3000 ? 'met' : 'NOT met'}); ` +
    `reading and JSON.parse inside the baseline process: ${(inProcess.sort((a, b) => a - b)[Math.floor(inProcess.length / 2)] / 1000).toFixed(2)} s`,
);
