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

// Wall, CPU (user + system) and peak RSS of one child, from wait4(2): python3's os.wait4 gives the child's own
// rusage (Node.js has no such call).
const MEASURE = `
import json, os, subprocess, sys, time
start = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, ru = os.wait4(p.pid, 0)
wall = time.perf_counter() - start
print(json.dumps({"ms": wall * 1e3, "cpu": (ru.ru_utime + ru.ru_stime) * 1e3, "rss": ru.ru_maxrss, "status": os.waitstatus_to_exitcode(status)}))
`;
export const hasPython = spawnSync('python3', ['-c', 'import os; os.wait4'], { stdio: 'ignore' }).status === 0;

/** { ms, cpu, rss (KiB) } of one run of argv, output discarded; without python3 only ms (cpu and rss NaN). */
export function timeOnce(argv, env = process.env, cwd = undefined) {
  if (hasPython) {
    const r = spawnSync('python3', ['-c', MEASURE, ...argv], { env, cwd, encoding: 'utf8' });
    const m = JSON.parse(r.stdout);
    if (m.status !== 0) throw new Error(`${argv.join(' ')} exited ${m.status}`);
    return m;
  }
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { env, cwd, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}`);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, cpu: NaN, rss: NaN };
}
