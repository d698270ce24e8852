// Shared helpers for the benchmarks: run a command several times, take the median, compare as a ratio.
import { spawnSync } from 'node:child_process';

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Wall time (ms) and peak RSS (KiB) of one child process, measured by /usr/bin/time-free means. */
export function runOnce(args, opts = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

/** Interleaves the two commands so that machine noise hits both alike; returns medians. */
export function compare(runs, ours, baseline) {
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    b.push(baseline());
    a.push(ours());
  }
  return { ours: median(a), baseline: median(b) };
}

/** Like compare, for any number of commands: { name: () => number } in, { name: median } out. */
export function measure(runs, commands) {
  const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) for (const [k, run] of Object.entries(commands)) samples[k].push(run());
  return Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]));
}

export function report(name, ours, baseline, unit, goal) {
  const ratio = ours / baseline;
  const verdict = goal === undefined ? '' : ratio <= goal ? `  (goal <= ${goal}: met)` : `  (goal <= ${goal}: NOT met)`;
  console.log(
    `${name}: ours ${ours.toFixed(1)} ${unit}, baseline ${baseline.toFixed(1)} ${unit}, ratio ${ratio.toFixed(2)}${verdict}`,
  );
  return ratio;
}
