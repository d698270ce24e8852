// Generates the benchmark inputs into .bench-tmp/ (git-ignored): a 10,000-Deployment YAML stream with
// 3 SidecarSets, and a 100,000-Pod JSON PodList for plan-rollout.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { prng } from './prng.mjs';

export const dir = path.resolve(import.meta.dirname, '../.bench-tmp');

export function deploymentStream(count = 10000) {
  const file = path.join(dir, `deployments-${count}.yaml`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const parts = [];
  for (let i = 0; i < count; i++) {
    const team = ['payments', 'search', 'checkout', 'catalog'][i % 4];
    parts.push(`# service ${i} of team ${team}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${i}
  namespace: team-${team}
  labels:
    app: svc-${i}
    team: ${team}
spec:
  replicas: ${1 + (i % 5)}
  selector:
    matchLabels:
      app: svc-${i}
  template:
    metadata:
      labels:
        app: svc-${i}
        team: ${team}
        logging: "${i % 3 === 0 ? 'filebeat' : 'none'}"
        mesh: "${i % 2 === 0 ? 'on' : 'off'}"
    spec:
      containers:
      - name: app
        image: registry.example.com/${team}/svc-${i}:1.${i % 10}.0
        ports:
        - containerPort: 8080
          name: http
        env:
        - name: TZ
          value: Europe/Berlin
        - name: SERVICE_ID
          value: "${i}"
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            cpu: "1"
            memory: 512Mi
        volumeMounts:
        - name: logs
          mountPath: /var/log/app
      volumes:
      - name: logs
        emptyDir: {}
`);
  }
  writeFileSync(file, parts.join('---\n'));
  return file;
}

export function sidecarSets() {
  const file = path.join(dir, 'sidecarsets.yaml');
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    file,
    `apiVersion: apps.kruise.io/v1beta1
kind: SidecarSet
metadata:
  name: filebeat
spec:
  selector:
    matchLabels:
      logging: filebeat
  containers:
  - name: filebeat
    image: docker.elastic.co/beats/filebeat:7.16.2
    shareVolumePolicy:
      type: enabled
    transferEnv:
    - sourceContainerName: app
      envName: TZ
---
apiVersion: apps.kruise.io/v1beta1
kind: SidecarSet
metadata:
  name: mesh
spec:
  selector:
    matchLabels:
      mesh: "on"
  containers:
  - name: proxy
    image: registry.example.com/mesh/proxy:1.21.3
    ports:
    - containerPort: 15000
      name: admin
---
apiVersion: apps.kruise.io/v1beta1
kind: SidecarSet
metadata:
  name: node-agent
spec:
  selector:
    matchExpressions:
    - key: team
      operator: In
      values: [payments, checkout]
  containers:
  - name: agent
    image: registry.example.com/obs/agent:3.2.1
    resources:
      requests:
        cpu: 10m
        memory: 32Mi
`,
  );
  return file;
}

// ---------------------------------------------------------------------------------------------------------
// plan-rollout: a 100,000-Pod JSON PodList (`kubectl get pods -A -o json`) in the middle of a log-shipper
// change from 1.4.0 to 1.5.0, and the SidecarSet as it is after the change (maxUnavailable 1, canary and
// frontend priority, scattered over the zones). The Pods' injection annotations come from the real inject
// command (one Pod per template and SidecarSet revision), then each Pod varies: name, namespace, node and
// zone, creation and ready times, restart counts, labels used by priority and scatter.
// Mix: ~10% created after the change (updated), ~1% injected by an older revision with another env (not
// upgradable in place), a few with a sidecar update still in flight (one already updated), ~2% of other
// apps that are not injected, and Pods that are not ready: evicted (Failed) or terminating, which Kruise
// does not match, or not upgradable. (A not-ready Pod Kruise upgrades then holds maxUnavailable 1 for good
// and the rollout would stop after two rounds; the benchmark measures a rollout that goes to the end.)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';

const SHIPPER = 'registry.example.com/log-shipper';

function logShipperSidecarSet(image, logFormat, strategy) {
  return `apiVersion: apps.kruise.io/v1beta1
kind: SidecarSet
metadata:
  name: log-shipper
spec:
  selector:
    matchLabels:
      logging: shipper
${strategy}  containers:
  - name: log-shipper
    image: ${image}
    env:
    - name: LOG_FORMAT
      value: ${logFormat}
    volumeMounts:
    - name: varlog
      mountPath: /var/log/app
  volumes:
  - name: varlog
    emptyDir: {}
`;
}

const PLAN_STRATEGY = `  updateStrategy:
    type: RollingUpdate
    maxUnavailable: 1
    priorityStrategy:
      weightPriority:
      - weight: 100
        matchSelector:
          matchLabels:
            canary: "true"
      - weight: 10
        matchSelector:
          matchLabels:
            tier: frontend
    scatterStrategy:
    - key: topology.kubernetes.io/zone
      value: "*"
`;

const TEMPLATES = [
  { app: 'web', tier: 'frontend', containers: [{ name: 'web', image: 'registry.example.com/web:2.3.1', port: 8080 }] },
  {
    app: 'api',
    tier: 'backend',
    containers: [
      { name: 'api', image: 'registry.example.com/api:5.0.2', port: 9090 },
      { name: 'cache', image: 'redis:7.2.4', port: 6379 },
    ],
  },
  { app: 'worker', tier: 'backend', containers: [{ name: 'worker', image: 'registry.example.com/worker:1.9.0' }] },
];

function templatePods() {
  return TEMPLATES.map(
    (t) => `apiVersion: v1
kind: Pod
metadata:
  name: ${t.app}
  namespace: shop
  labels:
    app: ${t.app}
    tier: ${t.tier}
    logging: shipper
spec:
  containers:
${t.containers
  .map(
    (c) => `  - name: ${c.name}
    image: ${c.image}
${c.port ? `    ports:\n    - containerPort: ${c.port}\n      protocol: TCP\n` : ''}    volumeMounts:
    - name: varlog
      mountPath: /var/log/app
`,
  )
  .join('')}`,
  ).join('---\n');
}

/** The templates injected by one SidecarSet revision, by the real inject command. */
function injectTemplates(sidecarSetFile, templatesFile) {
  const root = path.resolve(import.meta.dirname, '..');
  const r = spawnSync(
    process.execPath,
    [
      path.join(root, 'bin/kubectl-sidecarset'),
      'inject',
      '-q',
      '-o',
      'json',
      '--sidecarsets',
      sidecarSetFile,
      '-f',
      templatesFile,
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, SOURCE_DATE_EPOCH: '1730000000' },
      maxBuffer: 1 << 26,
    },
  );
  if (r.status !== 0) throw new Error(`inject failed (run npm run build first?): ${r.stderr}`);
  return JSON.parse(r.stdout).items;
}

/** Writes (once) the plan-rollout inputs; returns { sidecarSet, pods } file paths. */
export function rolloutInputs(count = 100000) {
  const sidecarSetFile = path.join(dir, 'log-shipper-sidecarset.yaml');
  const podsFile = path.join(dir, `pods-${count}.json`);
  if (existsSync(sidecarSetFile) && existsSync(podsFile)) return { sidecarSet: sidecarSetFile, pods: podsFile };
  mkdirSync(dir, { recursive: true });
  const templatesFile = path.join(dir, 'pod-templates.yaml');
  writeFileSync(templatesFile, templatePods());
  const revisions = {};
  for (const [rev, image, format] of [
    ['current', `${SHIPPER}:1.5.0`, 'json'],
    ['previous', `${SHIPPER}:1.4.0`, 'json'],
    ['older', `${SHIPPER}:1.3.2`, 'text'],
  ]) {
    const file = path.join(dir, `log-shipper-${rev}.yaml`);
    writeFileSync(file, logShipperSidecarSet(image, format, ''));
    revisions[rev] = injectTemplates(file, templatesFile);
  }
  writeFileSync(sidecarSetFile, logShipperSidecarSet(`${SHIPPER}:1.5.0`, 'json', PLAN_STRATEGY));
  writeFileSync(podsFile, podListText(count, revisions));
  return { sidecarSet: sidecarSetFile, pods: podsFile };
}

const digestOf = new Map();
function imageID(image) {
  let id = digestOf.get(image);
  if (!id) {
    id = `docker-pullable://${image.split(':')[0]}@sha256:${createHash('sha256').update(image).digest('hex')}`;
    digestOf.set(image, id);
  }
  return id;
}

function podListText(count, revisions) {
  const r = prng(20241027);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const chance = (p) => r() < p;
  const alnum = 'bcdfghjklmnpqrstvwxz2456789';
  const suffix = (n) => Array.from({ length: n }, () => pick(alnum)).join('');
  const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
  const zones = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
  const namespaces = ['shop', 'checkout', 'search', 'payments', 'catalog', 'accounts'];
  const epoch = Date.parse('2024-10-27T00:00:00Z');
  const iso = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const items = [];
  let inFlightUpdated = 1;
  for (let i = 0; i < count; i++) {
    const node = Math.floor(r() * 2000);
    const zone = zones[node % 3];
    const created = epoch - Math.floor(r() * 30 * 86400) * 1000;
    const kind = Math.floor(r() * TEMPLATES.length);
    const roll = r();
    const injected = roll >= 0.02; // 2%: other apps, not injected
    const revision = roll < 0.12 ? 'current' : roll < 0.13 ? 'older' : 'previous';
    const base = injected
      ? revisions[revision][kind]
      : {
          metadata: { name: 'x', labels: { app: 'batch-report' } },
          spec: { containers: [{ name: 'report', image: 'registry.example.com/ops/report:3.1.0' }] },
        };
    const pod = JSON.parse(JSON.stringify(base));
    const app = injected ? TEMPLATES[kind].app : 'batch-report';
    const hash = suffix(10);
    const name = `${app}-${hash}-${suffix(5)}`;
    const labels = { ...pod.metadata.labels, 'pod-template-hash': hash, 'topology.kubernetes.io/zone': zone };
    if (injected && chance(0.01)) labels.canary = 'true';
    const terminating = chance(0.002);
    const evicted = !terminating && chance(0.003);
    // the sidecar as the status shows it: a few Pods still finish an older in-place update
    let runningShipper;
    let inPlace;
    if (revision === 'current' && inFlightUpdated > 0 && injected) {
      inFlightUpdated--;
      runningShipper = `${SHIPPER}:1.4.0`; // Kruise wrote 1.5.0 a moment ago; kubelet has not restarted it yet
    } else if (revision === 'previous' && injected && chance(0.001)) {
      runningShipper = `${SHIPPER}:1.3.2`;
    }
    const shipperSpec = pod.spec.containers.find((c) => c.name === 'log-shipper');
    if (runningShipper) {
      inPlace = JSON.stringify({
        'log-shipper': {
          revision: 'previous',
          updateTimestamp: iso(epoch - 60000),
          lastContainerStatuses: { 'log-shipper': { imageID: imageID(runningShipper) } },
        },
      });
    }
    const notReady = evicted || terminating || (revision === 'older' && chance(0.3));
    const startMs = created + 2000 + Math.floor(r() * 20000);
    const readySince = startMs + Math.floor(r() * 86400) * 1000;
    pod.apiVersion = 'v1';
    pod.kind = 'Pod';
    // Kruise's webhook stamps the injection time: the Pod's creation
    const injectedAt = JSON.stringify(iso(created));
    for (const a of ['kruise.io/sidecarset-hash', 'kruise.io/sidecarset-hash-without-image']) {
      if (pod.metadata.annotations?.[a])
        pod.metadata.annotations[a] = pod.metadata.annotations[a].replace(
          /"updateTimestamp":"[^"]*"/,
          `"updateTimestamp":${injectedAt}`,
        );
    }
    pod.metadata = {
      annotations: {
        ...(pod.metadata.annotations ?? {}),
        ...(inPlace ? { 'kruise.io/sidecarset-inplace-update-state': inPlace } : {}),
      },
      creationTimestamp: iso(created),
      ...(terminating ? { deletionTimestamp: iso(epoch - 5000) } : {}),
      labels,
      name,
      namespace: pick(namespaces),
      uid: `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
    };
    if (Object.keys(pod.metadata.annotations).length === 0) delete pod.metadata.annotations;
    pod.spec.nodeName = `node-${node}`;
    const restarts = () => (chance(0.9) ? 0 : Math.floor(r() * 6));
    const statuses = pod.spec.containers.map((c) => {
      const image = c === shipperSpec && runningShipper ? runningShipper : c.image;
      return { image, imageID: imageID(image), name: c.name, ready: !notReady, restartCount: restarts() };
    });
    pod.status = {
      conditions: [{ lastTransitionTime: iso(readySince), status: notReady ? 'False' : 'True', type: 'Ready' }],
      containerStatuses: statuses,
      phase: evicted ? 'Failed' : 'Running',
      startTime: iso(startMs),
    };
    items.push(JSON.stringify(pod));
  }
  return `{\n    "apiVersion": "v1",\n    "items": [\n${items.join(',\n')}\n    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n`;
}
