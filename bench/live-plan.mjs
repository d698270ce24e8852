// Live plan: `plan-rollout NAME` over 10,000 Pods read from the test API server (test/apiserver, bundled with
// esbuild as `npm run cluster` does, run in a process of its own), against `kubectl get pods -A -o json` on the
// same server (the same pages of 500); and its peak memory against planning the same Pods from a file. Wall,
// CPU and peak RSS of each child come from /usr/bin/time; medians of interleaved runs. Goals: both ratios <= 1.2.
// BENCH_PODS=N, BENCH_RUNS=N.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { median } from './lib.mjs';

const root = path.resolve(import.meta.dirname, '..');
const count = Number(process.env.BENCH_PODS ?? 10000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const dir = mkdtempSync(path.join(tmpdir(), 'sidecarset-live-bench-'));

// The server's process: the bundled test server, loaded with the SidecarSet and the Pods.
const serverMain = path.join(dir, 'server-main.ts');
writeFileSync(
  serverMain,
  `
import { writeFileSync } from 'node:fs';
import { startApiServer } from ${JSON.stringify(path.join(root, 'test/apiserver/index.ts'))};
import { loadSidecarSet } from ${JSON.stringify(path.join(root, 'src/kruise/sidecarcontrol/sidecarset.ts'))};
export async function main(dir: string, count: number) {
  const raw = { apiVersion: 'apps.kruise.io/v1beta1', kind: 'SidecarSet', metadata: { name: 'agent' },
    spec: { selector: { matchLabels: { app: 'web' } }, updateStrategy: { maxUnavailable: '10%' }, containers: [{ name: 'agent', image: 'example.com/agent:2.0' }] } };
  const stored = { ...loadSidecarSet(raw, { keepHash: false }).sidecarSet, apiVersion: 'apps.kruise.io/v1beta1', kind: 'SidecarSet' } as any;
  const old = loadSidecarSet({ ...raw, spec: { ...raw.spec, containers: [{ name: 'agent', image: 'example.com/agent:1.0' }] } }, { keepHash: false }).sidecarSet.metadata.annotations!;
  const entry = (h: string) => JSON.stringify({ agent: { updateTimestamp: '2023-11-14T22:13:20Z', hash: h, sidecarSetName: 'agent', sidecarList: ['agent'] } });
  const objects: any[] = [stored];
  for (let i = 0; i < count; i++) {
    objects.push({ apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'web-' + String(i).padStart(6, '0'), namespace: 'team-' + (i % 20), labels: { app: 'web', 'pod-template-hash': 'abc' + (i % 7) },
        annotations: { 'kruise.io/sidecarset-hash': entry(old['kruise.io/sidecarset-hash']), 'kruise.io/sidecarset-hash-without-image': entry(old['kruise.io/sidecarset-hash-without-image']), 'kruise.io/sidecarset-injected-list': 'agent' } },
      spec: { nodeName: 'node-' + (i % 50), containers: [{ name: 'agent', image: 'example.com/agent:1.0' }, { name: 'app', image: 'example.com/app:3.1', ports: [{ containerPort: 8080 }] }] } });
  }
  const api = await startApiServer({ objects, kubelet: false, historyLimit: 10 });
  // every Pod running and ready, as the kubelet leaves them
  for (const p of api.store.list('pods')) {
    p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: p.spec.containers.map((c: any) => ({ name: c.name, image: c.image, imageID: c.image + '@sha256:0', ready: true, restartCount: 0, state: { running: {} } })) };
    api.store.put(p);
  }
  api.store.compact();
  writeFileSync(dir + '/pods.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: api.store.list('pods') }));
  writeFileSync(dir + '/agent.json', JSON.stringify(api.store.get('sidecarsets.apps.kruise.io', undefined, 'agent')));
  process.stdout.write(api.writeKubeconfig(dir) + '\\n');
}
`,
);
const bundle = path.join(dir, 'server.cjs');
await build({
  entryPoints: [serverMain],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
});
const server = spawn(
  process.execPath,
  ['-e', `require(${JSON.stringify(bundle)}).main(${JSON.stringify(dir)}, ${count})`],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const kubeconfig = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    if (out.includes('\n')) resolve(out.split('\n')[0]);
  });
  server.on('exit', (code) => reject(new Error(`the server exited (${code})`)));
});

const home = path.join(dir, 'home');
const env = { PATH: process.env.PATH ?? '', HOME: home, KUBECONFIG: kubeconfig, KUBECTL_SIDECARSET_THREADS: '1' };
const devNull = openSync('/dev/null', 'w');
const bin = path.join(root, 'bin/kubectl-sidecarset');

/** wall s, CPU s, peak RSS MB of one child, from /usr/bin/time */
function timed(cmd, args, check) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', cmd, ...args], {
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', check ? 'pipe' : devNull, 'pipe'],
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const [, wall, user, sys, rss] = /TIME (\S+) (\S+) (\S+) (\S+)/.exec(r.stderr);
  return { wall: Number(wall), cpu: Number(user) + Number(sys), rss: Number(rss) / 1024, stdout: r.stdout };
}

// The three ways to the same Pods, each once: timed below, and run once first to check their answers agree.
const argv = {
  live: [bin, 'plan-rollout', 'agent', '-o', 'json'],
  kubectl: ['get', 'pods', '-A', '-o', 'json', '--cache-dir', path.join(dir, 'kube-cache')],
  file: [
    bin,
    'plan-rollout',
    '-f',
    path.join(dir, 'agent.json'),
    '-f',
    path.join(dir, 'pods.json'),
    '--keep-hash',
    '-o',
    'json',
  ],
};
const commands = {
  live: () => timed(process.execPath, argv.live),
  kubectl: () => timed('/usr/bin/kubectl', argv.kubectl),
  file: () => timed(process.execPath, argv.file),
};
try {
  // the answer first: the live plan equals the plan of the same Pods from a file
  const live = JSON.parse(timed(process.execPath, argv.live, true).stdout);
  const file = JSON.parse(timed(process.execPath, argv.file, true).stdout);
  if (JSON.stringify(live) !== JSON.stringify(file))
    throw new Error('the live plan differs from the plan of the same Pods from a file');
  const listed = JSON.parse(timed('/usr/bin/kubectl', argv.kubectl, true).stdout).items.length;
  if (listed !== count) throw new Error(`kubectl listed ${listed} Pods`);
  console.log(
    `live plan: ${count.toLocaleString('en')} Pods, ${live.totals.matched} matched, ${live.totals.inBatches} upgraded in ${live.totals.batches} batches`,
  );

  const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) for (const [k, run] of Object.entries(commands)) samples[k].push(run());
  const m = Object.fromEntries(
    Object.entries(samples).map(([k, xs]) => [
      k,
      { wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)), rss: median(xs.map((x) => x.rss)) },
    ]),
  );
  for (const [k, label] of [
    ['live', 'plan-rollout NAME (live)'],
    ['kubectl', 'kubectl get pods -A -o json'],
    ['file', 'plan-rollout -f (same Pods, file)'],
  ]) {
    console.log(
      `${label.padEnd(36)} wall ${m[k].wall.toFixed(2)} s  CPU ${m[k].cpu.toFixed(2)} s  peak RSS ${m[k].rss.toFixed(0)} MB`,
    );
  }
  const verdict = (r) => (r <= 1.2 ? 'goal <= 1.2: met' : 'goal <= 1.2: NOT met');
  const wall = m.live.wall / m.kubectl.wall;
  const rss = m.live.rss / m.file.rss;
  console.log(`wall time, live plan / kubectl get: ${wall.toFixed(2)} (${verdict(wall)})`);
  console.log(`peak RSS, live plan / plan from a file: ${rss.toFixed(2)} (${verdict(rss)})`);
} finally {
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}
