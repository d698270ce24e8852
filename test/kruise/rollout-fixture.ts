// Builds fixtures/rollout/pods.yaml: what `kubectl get pods -A -o yaml` shows minutes after
// fixtures/rollout/log-shipper-sidecarset.yaml moved log-shipper from 1.4.0 to 1.5.0 (one Pod was created with
// 1.5.0, Kruise has started upgrading another in place). The Pods are injected by the real
// injection core (so their annotations are what Kruise's webhook writes); the in-place updates are written the
// way Kruise's controller writes them. test/kruise/rollout-fixture.test.ts keeps the file in step (UPDATE_GOLDEN=1).
import { kruiseProfile } from '../../src/kruise/apis/version.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { Pod } from '../../src/k8s/api.js';
import type { SidecarSet } from '../../src/kruise/apis/types.js';
import { injectPod } from '../../src/kruise/inject/index.js';
import { marshalUpgradeSpecs, parseUpgradeSpecs } from '../../src/kruise/sidecarcontrol/pod-annotations.js';
import { loadSidecarSet } from '../../src/kruise/sidecarcontrol/sidecarset.js';

export const FIXTURE_DIR = path.resolve(import.meta.dirname, '../../fixtures/rollout');
const HASH = 'kruise.io/sidecarset-hash';
const INPLACE = 'kruise.io/sidecarset-inplace-update-state';
const SIDECARSET = 'shop-log-shipper';

const digest = (image: string) => createHash('sha256').update(image).digest('hex');
const imageID = (image: string) => `${image.split(':')[0]}@sha256:${digest(image)}`;
const AGENT = 'registry.example.com/obs/log-shipper';

/** The SidecarSet of the fixture as a user wrote it, with another image (and env). */
function sidecarSetWith(image: string, logFormat = 'json'): SidecarSet {
  const raw = parse(readFileSync(path.join(FIXTURE_DIR, 'log-shipper-sidecarset.yaml'), 'utf8'));
  raw.spec.containers[0].image = image;
  raw.spec.containers[0].env[0].value = logFormat;
  return loadSidecarSet(raw, { keepHash: false }).sidecarSet;
}

interface PodSpec {
  name: string;
  namespace?: string;
  app?: string;
  zone?: string;
  node?: string;
  created: string;
  /** which SidecarSet revision injected it: 'current' (1.5.0), 'previous' (1.4.0), 'older' (1.4.0, text logs) or none */
  injectedBy?: 'current' | 'previous' | 'older';
  /** the sidecar image as the status shows it, when different from the spec (an in-place update in flight) */
  runningImage?: string;
  /** Kruise moved this Pod to 1.5.0 in place */
  upgradedInPlace?: boolean;
  canary?: boolean;
  phase?: string;
  ready?: boolean;
  readySince?: string;
  restarts?: number;
}

const PODS: PodSpec[] = [
  {
    name: 'web-6b7c9d-2xkq4',
    zone: 'eu-west-1a',
    node: 'node-a',
    created: '2023-11-14T21:59:30Z',
    injectedBy: 'current',
  },
  {
    name: 'web-6b7c9d-5vn8r',
    zone: 'eu-west-1b',
    node: 'node-b',
    created: '2023-11-02T08:00:05Z',
    injectedBy: 'previous',
    upgradedInPlace: true,
    runningImage: `${AGENT}:1.4.0`,
  },
  {
    name: 'web-6b7c9d-8hj2m',
    zone: 'eu-west-1a',
    node: 'node-a',
    created: '2023-11-03T09:30:00Z',
    injectedBy: 'previous',
  },
  {
    name: 'web-6b7c9d-c4t7w',
    zone: 'eu-west-1b',
    node: 'node-b',
    created: '2023-11-04T10:00:00Z',
    injectedBy: 'previous',
    canary: true,
  },
  {
    name: 'web-6b7c9d-f9p3z',
    zone: 'eu-west-1b',
    node: 'node-c',
    created: '2023-11-05T11:00:00Z',
    injectedBy: 'previous',
  },
  {
    name: 'web-6b7c9d-k2d6s',
    zone: 'eu-west-1c',
    node: 'node-c',
    created: '2023-11-06T12:00:00Z',
    injectedBy: 'previous',
    ready: false,
  },
  {
    name: 'web-6b7c9d-m7q1x',
    zone: 'eu-west-1c',
    node: 'node-a',
    created: '2023-11-14T21:55:00Z',
    injectedBy: 'previous',
    phase: 'Pending',
  },
  {
    name: 'web-6b7c9d-r3w9b',
    zone: 'eu-west-1c',
    node: 'node-b',
    created: '2023-11-07T07:00:00Z',
    injectedBy: 'previous',
    restarts: 3,
  },
  {
    name: 'worker-5f8d7-h6z2n',
    zone: 'eu-west-1a',
    node: 'node-c',
    created: '2023-10-20T06:00:00Z',
    injectedBy: 'older',
  },
  {
    name: 'api-7c9b4-q8m5t',
    zone: 'eu-west-1a',
    node: 'node-b',
    created: '2023-11-08T15:00:00Z',
    injectedBy: 'previous',
    runningImage: `${AGENT}:1.3.2`,
  },
  {
    name: 'coredns-5d78c9869d-tlx2v',
    namespace: 'kube-system',
    app: 'kube-dns',
    node: 'node-a',
    created: '2023-10-01T00:00:00Z',
  },
  { name: 'legacy-report-9k2jd', app: 'shop', node: 'node-c', created: '2023-09-15T04:00:00Z' },
];

const NOW = '2023-11-14T22:00:00Z';

export function buildRolloutFixturePods(): {
  apiVersion: 'v1';
  kind: 'List';
  items: Pod[];
  metadata: { resourceVersion: string };
} {
  const revisions = {
    current: sidecarSetWith(`${AGENT}:1.5.0`),
    previous: sidecarSetWith(`${AGENT}:1.4.0`),
    older: sidecarSetWith(`${AGENT}:1.4.0`, 'text'),
  };
  const items = PODS.map((spec, i) => buildPod(spec, i, revisions));
  return { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } };
}

function buildPod(s: PodSpec, i: number, revisions: Record<'current' | 'previous' | 'older', SidecarSet>): Pod {
  const namespace = s.namespace ?? 'shop';
  const component = s.name.split('-')[0];
  const labels: Record<string, string> = { app: s.app ?? 'shop' };
  if (!s.namespace) labels.component = component;
  if (s.zone) labels['topology.kubernetes.io/zone'] = s.zone;
  if (s.canary) labels.canary = 'true';
  const appImage = s.namespace
    ? 'registry.k8s.io/coredns/coredns:v1.10.1'
    : `registry.example.com/shop/${component}:2.3.1`;
  let pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: s.name,
      namespace,
      labels,
      uid: createHash('md5')
        .update(s.name)
        .digest('hex')
        .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
      resourceVersion: String(4815162 + i * 37),
      creationTimestamp: s.created,
    },
    spec: {
      containers: [
        {
          name: s.namespace ? 'coredns' : component,
          image: appImage,
          ports: [{ containerPort: s.namespace ? 53 : 8080, protocol: s.namespace ? 'UDP' : 'TCP' }],
          resources: { requests: { cpu: '100m', memory: '128Mi' } },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          imagePullPolicy: 'IfNotPresent',
        },
      ],
      nodeName: s.node,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
    },
  };
  if (s.injectedBy) {
    const injected = injectPod(pod, {
      sidecarSets: [revisions[s.injectedBy]],
      namespaces: new Map(),
      profile: kruiseProfile(),
      revisions: [],
      now: s.created,
    });
    if (injected.injected.length !== 1) throw new Error(`${s.name}: not injected: ${JSON.stringify(injected.skipped)}`);
    pod = injected.pod;
  }
  if (s.upgradedInPlace) upgradeInPlace(pod, revisions.current, s.runningImage ?? '');
  if (s.runningImage && !s.upgradedInPlace) {
    // Kruise moved it from runningImage to its current image under an earlier SidecarSet; kubelet has not yet.
    writeInPlaceState(pod, revisions.previous, imageID(s.runningImage));
  }
  pod.status = podStatus(pod, s);
  return pod;
}

/** updatePodSidecarContainer + UpdatePodSidecarSetHash + UpdatePodAnnotationsInUpgrade, as the controller writes them. */
function upgradeInPlace(pod: Pod, sidecarSet: SidecarSet, runningImage: string): void {
  const agent = pod.spec.containers.find((c) => c.name === 'log-shipper')!;
  agent.image = sidecarSet.spec.containers![0].image;
  const specs = parseUpgradeSpecs(pod, HASH);
  specs.set(SIDECARSET, {
    updateTimestamp: NOW,
    hash: sidecarSet.metadata.annotations![HASH],
    sidecarSetName: SIDECARSET,
    sidecarList: ['log-shipper'],
    controllerRevision: '',
  });
  pod.metadata.annotations![HASH] = marshalUpgradeSpecs(specs);
  writeInPlaceState(pod, sidecarSet, imageID(runningImage));
}

function writeInPlaceState(pod: Pod, sidecarSet: SidecarSet, beforeImageID: string): void {
  pod.metadata.annotations![INPLACE] = JSON.stringify({
    [SIDECARSET]: {
      revision: sidecarSet.metadata.annotations![HASH],
      updateTimestamp: NOW,
      lastContainerStatuses: { 'log-shipper': { imageID: `docker-pullable://${beforeImageID}` } },
    },
  });
}

function podStatus(pod: Pod, s: PodSpec): Pod['status'] {
  const pending = s.phase === 'Pending';
  const ready = !pending && s.ready !== false;
  const since = s.readySince ?? new Date(Date.parse(s.created) + 40_000).toISOString().replace('.000Z', 'Z');
  const condition = (type: string, status: boolean) => ({
    type,
    status: status ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: since,
  });
  return {
    phase: pending ? 'Pending' : 'Running',
    conditions: [
      condition('Initialized', true),
      condition('Ready', ready),
      condition('ContainersReady', ready),
      condition('PodScheduled', true),
    ],
    hostIP: `10.0.${s.node === 'node-a' ? 1 : s.node === 'node-b' ? 2 : 3}.10`,
    ...(pending
      ? {}
      : { podIP: `10.244.${s.node === 'node-a' ? 1 : s.node === 'node-b' ? 2 : 3}.${20 + PODS.indexOf(s)}` }),
    qosClass: 'Burstable',
    startTime: s.created,
    containerStatuses: pod.spec.containers.map((c) => {
      const image = c.name === 'log-shipper' && s.runningImage ? s.runningImage : (c.image ?? '');
      const appNotReady = s.ready === false && c.name !== 'log-shipper';
      return {
        name: c.name,
        image,
        imageID: pending ? '' : `docker-pullable://${imageID(image)}`,
        containerID: pending ? undefined : `containerd://${digest(`${pod.metadata.name}/${c.name}`)}`,
        ready: !pending && !appNotReady,
        restartCount: c.name === 'log-shipper' ? 0 : (s.restarts ?? 0),
        started: !pending,
        state: pending ? { waiting: { reason: 'ContainerCreating' } } : { running: { startedAt: since } },
        lastState: {},
      };
    }),
  };
}

export function renderRolloutFixturePods(): string {
  const header =
    '# kubectl get pods -A -o yaml, minutes after log-shipper 1.5.0 was applied over 1.4.0 (generated by\n' +
    '# test/kruise/rollout-fixture.ts;' +
    ' UPDATE_GOLDEN=1 npx vitest run test/kruise/rollout-fixture.test.ts rewrites it)\n';
  return (
    header + stringify(JSON.parse(JSON.stringify(buildRolloutFixturePods())), { lineWidth: 0, sortMapEntries: true })
  );
}
