// Start-up: `inject -f` of one small Deployment plus one SidecarSet, against `node -e 0` (same run, interleaved).
// NODE_EXTRA_CA_CERTS makes every Node.js start read a certificate bundle (here ~40 ms, the baseline's bulk):
// when it is set, the figures without it are shown too.
import path from 'node:path';
import { compare, report, runOnce } from './lib.mjs';

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'bin/kubectl-sidecarset');
const args = [bin, 'inject', '-q', '-f', 'fixtures/efk/filebeat-sidecarset.yaml', '-f', 'fixtures/efk/nginx-deployment.yaml'];
const runs = Number(process.env.BENCH_RUNS ?? 21);

function startUp(label, env) {
  runOnce(args, { cwd: root, env }); // warm the file cache
  const { ours, baseline } = compare(
    runs,
    () => runOnce(args, { cwd: root, env }).ms,
    () => runOnce(['-e', '0'], { env }).ms,
  );
  report(label, ours, baseline, 'ms', 1.3);
}

startUp('start (inject one Deployment)', process.env);
if (process.env.NODE_EXTRA_CA_CERTS) {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  startUp('  without NODE_EXTRA_CA_CERTS', env);
}
