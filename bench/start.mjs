// Start-up: `inject -f` of one small Deployment plus one SidecarSet, against `kubectl kustomize` rendering the same
// Deployment (what a kubectl user compares us with) and against `node -e 0` (Node.js's own start-up), all in one
// run, interleaved, medians of wall time, CPU time and peak memory.
//   node bench/start.mjs [--against DIR]
// --against DIR also times DIR/bin/kubectl-sidecarset (another checkout, built), interleaved with ours: a
// before/after comparison of a change. NODE_EXTRA_CA_CERTS makes every Node.js start read a certificate bundle:
// when it is set, every figure is measured without it too (kubectl, a Go program, never reads it).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hasPython, median, timeOnce } from './lib.mjs';

const root = path.resolve(import.meta.dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 21);
const againstArg = process.argv.indexOf('--against');
const against = againstArg >= 0 ? path.resolve(process.argv[againstArg + 1]) : undefined;
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

const SIDECARSET = path.join(root, 'fixtures/efk/filebeat-sidecarset.yaml');
const DEPLOYMENT = path.join(root, 'fixtures/efk/nginx-deployment.yaml');
const inject = (launcher) => [process.execPath, launcher, 'inject', '-q', '-f', SIDECARSET, '-f', DEPLOYMENT];

// a kustomization of the same Deployment, and a HOME of its own (no kubeconfig, no cache)
const work = mkdtempSync(path.join(tmpdir(), 'sidecarset-start-'));
copyFileSync(DEPLOYMENT, path.join(work, 'deployment.yaml'));
writeFileSync(path.join(work, 'kustomization.yaml'), 'resources:\n- deployment.yaml\n');

/** Runs once with output, and fails loudly when the output is not what it should be. */
function check(name, argv, env, expected) {
  const r = spawnSync(argv[0], argv.slice(1), { env, encoding: 'utf8', cwd: work });
  if (r.status !== 0 || !expected.every((s) => r.stdout.includes(s))) {
    throw new Error(
      `start: ${name} did not give the expected output (exit ${r.status}):\n${r.stderr}${r.stdout.slice(0, 400)}`,
    );
  }
}

function startUp(label, env) {
  const commands = {
    'node -e 0': [process.execPath, '-e', '0'],
    inject: inject(path.join(root, 'bin/kubectl-sidecarset')),
  };
  if (against) commands['inject (--against)'] = inject(path.join(against, 'bin/kubectl-sidecarset'));
  const kubectlEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: mkdtempSync(path.join(work, 'home-')) };
  const hasKubectl = spawnSync(KUBECTL, ['version', '--client'], { env: kubectlEnv, stdio: 'ignore' }).status === 0;
  if (hasKubectl) commands['kubectl kustomize'] = [KUBECTL, 'kustomize', work];

  for (const [name, argv] of Object.entries(commands)) {
    const e = name === 'kubectl kustomize' ? kubectlEnv : env;
    if (name.startsWith('inject')) check(name, argv, e, ['- name: filebeat', '- name: nginx']);
    else if (name === 'kubectl kustomize') check(name, argv, e, ['kind: Deployment', 'name: nginx']);
    timeOnce(argv, e); // warm the file cache
  }
  const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, argv] of Object.entries(commands))
      samples[name].push(timeOnce(argv, name === 'kubectl kustomize' ? kubectlEnv : env));
  }
  const med = (name, key) => median(samples[name].map((s) => s[key]));
  console.log(`${label} (medians of ${runs} interleaved runs)`);
  for (const name of Object.keys(commands)) {
    const rss = med(name, 'rss') / 1024;
    console.log(
      `  ${name.padEnd(20)} wall ${med(name, 'ms').toFixed(1).padStart(6)} ms  CPU ${med(name, 'cpu').toFixed(1).padStart(6)} ms  peak RSS ${rss.toFixed(1).padStart(6)} MiB`,
    );
  }
  const ratio = (a, b, key = 'ms') => (med(a, key) / med(b, key)).toFixed(2);
  console.log(`  inject / node -e 0: wall ${ratio('inject', 'node -e 0')}, CPU ${ratio('inject', 'node -e 0', 'cpu')}`);
  if (against)
    console.log(
      `  inject / inject (--against): wall ${ratio('inject', 'inject (--against)')}, CPU ${ratio('inject', 'inject (--against)', 'cpu')}`,
    );
  if (hasKubectl) {
    const wall = med('inject', 'ms') / med('kubectl kustomize', 'ms');
    console.log(
      `  inject / kubectl kustomize: wall ${wall.toFixed(2)} (goal <= 1.0: ${wall <= 1 ? 'met' : 'NOT met'}), CPU ${ratio('inject', 'kubectl kustomize', 'cpu')}, peak RSS ${ratio('inject', 'kubectl kustomize', 'rss')}`,
    );
    if (against)
      console.log(`  inject (--against) / kubectl kustomize: wall ${ratio('inject (--against)', 'kubectl kustomize')}`);
  } else {
    console.log(`  kubectl kustomize: skipped (${KUBECTL} is missing or does not run)`);
  }
  if (!hasPython) console.log('  CPU and peak memory: not measured (python3, which reads them with wait4, is missing)');
}

try {
  startUp('start (inject one Deployment)', process.env);
  if (process.env.NODE_EXTRA_CA_CERTS) {
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    startUp('start without NODE_EXTRA_CA_CERTS', env);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
