// Start-up: `inject -f` of one small Deployment plus one SidecarSet, against `node -e 0` (same run, interleaved).
import path from 'node:path';
import { compare, report, runOnce } from './lib.mjs';

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'bin/kubectl-sidecarset');
const args = [bin, 'inject', '-q', '-f', 'fixtures/efk/filebeat-sidecarset.yaml', '-f', 'fixtures/efk/nginx-deployment.yaml'];
const runs = Number(process.env.BENCH_RUNS ?? 21);

runOnce(args, { cwd: root }); // warm the file cache
const { ours, baseline } = compare(
  runs,
  () => runOnce(args, { cwd: root }).ms,
  () => runOnce(['-e', '0']).ms,
);
report('start (inject one Deployment)', ours, baseline, 'ms', 1.3);
