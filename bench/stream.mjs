// Stream: inject over a 10,000-Deployment YAML stream with 3 SidecarSets, against a plain `yaml`
// parseAllDocuments + toString round trip of the same stream (time and peak memory, medians of interleaved runs).
// Also shown: the same injection kept to one thread (KUBECTL_SIDECARSET_THREADS=1).
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { deploymentStream, dir, sidecarSets } from './gen.mjs';
import { measure, median, report, runOnce } from './lib.mjs';

const root = path.resolve(import.meta.dirname, '..');
const input = deploymentStream();
const config = sidecarSets();
const runs = Number(process.env.BENCH_RUNS ?? 5);

const baselineScript = path.join(dir, 'roundtrip.mjs');
writeFileSync(
  baselineScript,
  `import { readFileSync } from 'node:fs';
import { parseAllDocuments } from ${JSON.stringify(path.join(root, 'node_modules/yaml/dist/index.js'))};
const docs = parseAllDocuments(readFileSync(process.argv[2], 'utf8'));
process.stdout.write(docs.map((d) => d.toString()).join('---\\n'));
process.stderr.write(String(process.resourceUsage().maxRSS));
`,
);
const oursScript = path.join(dir, 'inject-rss.mjs');
writeFileSync(
  oursScript,
  `process.on('exit', () => process.stderr.write('\\nRSS ' + process.resourceUsage().maxRSS));
await import(${JSON.stringify(path.join(root, 'bin/kubectl-sidecarset'))});
`,
);

const rss = { ours: [], oneThread: [], baseline: [] };
const inject = (key, env) => () => {
  const r = runOnce([oursScript, 'inject', '-q', '--sidecarsets', config, '-f', input], {
    cwd: root,
    env: { ...process.env, ...env },
  });
  rss[key].push(Number(/RSS (\d+)/.exec(r.stderr)[1]));
  return r.ms;
};
const time = measure(runs, {
  baseline: () => {
    const r = runOnce([baselineScript, input]);
    rss.baseline.push(Number(r.stderr));
    return r.ms;
  },
  ours: inject('ours', {}),
  oneThread: inject('oneThread', { KUBECTL_SIDECARSET_THREADS: '1' }),
});
report('stream time (10,000 Deployments)', time.ours, time.baseline, 'ms', 1.15);
report('stream peak memory', median(rss.ours) / 1024, median(rss.baseline) / 1024, 'MiB', 1.2);
report('  one thread: time', time.oneThread, time.baseline, 'ms');
report('  one thread: peak memory', median(rss.oneThread) / 1024, median(rss.baseline) / 1024, 'MiB');
