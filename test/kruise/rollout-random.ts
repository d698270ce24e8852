// Random rollout inputs for property tests: a SidecarSet (ColdUpgrade or HotUpgrade) with a random update
// strategy, and Pods in every state the controller distinguishes (updated, in flight, not upgradable, not
// ready, Pending, unscheduled, without status, ties in every sort key). Deterministic for a seed.
// It also covers what the fast simulation special-cases: weight and order priority, scatter with "*" and
// several terms (including "" values and terms nobody has), partition and maxUnavailable as numbers and
// percentages (0 included), candidates that are not ready (free), busy Pods, Pods whose pending sidecar
// restart changes their place in the default order, larger Pod counts (long rollouts, varied scatter groups).
import { prng } from '../../bench/prng.mjs';
import type { IntOrString, Pod } from '../../src/k8s/api.js';
import type { SidecarSet, SidecarSetUpdateStrategy } from '../../src/kruise/apis/types.js';

export interface RandomRollout {
  sidecarSet: SidecarSet;
  pods: Pod[];
  namespaces: Map<string, Record<string, string>>;
}

/** The seeded generator the random cases are drawn from. */
export const rng = prng;

const SS = 'agent';
const HASH = 'kruise.io/sidecarset-hash';
const HASH_WITHOUT_IMAGE = 'kruise.io/sidecarset-hash-without-image';
const INPLACE = 'kruise.io/sidecarset-inplace-update-state';
const WORKING = 'kruise.io/sidecarset-working-hotupgrade-container';
const EMPTY = 'empty:1';
const DIGEST_V2 = 'agent@sha256:f7988fb6c02e0ce69257d9bd9cf37ae20a60f1df7563c3a2a6abe24160306b8d';

/** `calm: true`: every Pod running, ready and readable, so that rollouts go on to the end. */
export function randomRollout(
  seed: number,
  opts: { maxPods?: number; hot?: boolean; calm?: boolean } = {},
): RandomRollout {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const chance = (p: number) => r() < p;
  const hot = opts.hot ?? chance(0.25);
  const digest = chance(0.15);
  const newImage = digest ? DIGEST_V2 : 'agent:v2';

  const strategy: SidecarSetUpdateStrategy = { type: chance(0.03) ? 'NotUpdate' : 'RollingUpdate' };
  const maxUnavailable = pick<IntOrString | undefined>([
    undefined,
    1,
    1,
    1,
    2,
    3,
    5,
    0,
    '10%',
    '34%',
    '50%',
    '30',
    '12.5%',
    100,
    '0%',
    '1',
    4,
  ]);
  if (maxUnavailable !== undefined) strategy.maxUnavailable = maxUnavailable;
  const partition = pick<IntOrString | undefined>([
    undefined,
    undefined,
    undefined,
    0,
    1,
    3,
    7,
    '20%',
    '35%',
    '99%',
    '100%',
    '50',
    '0.5%',
  ]);
  if (partition !== undefined) strategy.partition = partition;
  if (chance(0.15)) strategy.selector = { matchLabels: { tier: 'web' } };
  if (chance(0.05)) strategy.paused = true;
  const priority = pick(['none', 'none', 'weight', 'weight', 'order', 'order']);
  if (priority === 'weight') {
    strategy.priorityStrategy = {
      weightPriority: [
        { weight: 50, matchSelector: { matchLabels: { tier: 'api' } } },
        { weight: 30, matchSelector: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] } },
        ...(chance(0.5)
          ? [{ weight: 20, matchSelector: { matchExpressions: [{ key: 'ord', operator: 'Exists' }] } }]
          : []),
      ],
    };
  } else if (priority === 'order') {
    strategy.priorityStrategy = {
      orderPriority: chance(0.5) ? [{ orderedKey: 'ord' }, { orderedKey: 'tier' }] : [{ orderedKey: 'ord' }],
    };
  }
  const scatter = pick<{ key: string; value: string }[] | undefined>([
    undefined,
    undefined,
    [{ key: 'zone', value: '*' }],
    [{ key: 'zone', value: '*' }],
    [{ key: 'tier', value: 'web' }],
    [
      { key: 'zone', value: 'a' },
      { key: 'tier', value: 'api' },
    ],
    [
      { key: 'zone', value: '*' },
      { key: 'tier', value: '*' },
    ],
    [
      { key: 'tier', value: 'web' },
      { key: 'ord', value: '*' },
      { key: 'zone', value: 'b' },
    ],
    [{ key: 'zone', value: '' }],
    [
      { key: 'zone', value: 'nowhere' },
      { key: 'zone', value: '' },
      { key: 'zone', value: 'c' },
    ],
    [{ key: 'zone', value: 'nowhere' }],
  ]);
  if (scatter) strategy.scatterStrategy = scatter;

  const sidecarSet: SidecarSet = {
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: { name: SS, annotations: { [HASH]: 'new', [HASH_WITHOUT_IMAGE]: 'w1' } },
    spec: {
      selector: { matchLabels: { app: 'shop' } },
      containers: [
        hot
          ? {
              name: 'agent',
              image: newImage,
              upgradeStrategy: { upgradeType: 'HotUpgrade', hotUpgradeEmptyImage: EMPTY },
            }
          : { name: 'agent', image: newImage, upgradeStrategy: { upgradeType: 'ColdUpgrade' } },
      ],
      updateStrategy: strategy,
    },
  };

  // mostly small; some long rollouts (many rounds, scatter groups of every shape)
  const n = Math.floor(r() * ((opts.maxPods ?? (chance(0.3) ? 120 : 30)) + 1));
  // calm: nearly every Pod running and ready, so the rollout goes on for many rounds instead of stalling on
  // the first not-ready Pod it upgrades
  const calm = chance(0.35) || opts.calm === true;
  const quiet = opts.calm === true;
  const zones = chance(0.3) ? ['a', 'b', 'c', 'd', 'e'] : chance(0.5) ? ['a', 'b', 'c'] : ['a', 'a', 'a', 'b'];
  const pods: Pod[] = [];
  const times = ['2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z', '2024-01-03T00:00:00Z', '2024-01-04T00:00:00Z'];
  for (let i = 0; i < n; i++) {
    const updated = chance(0.25);
    const upgradable = chance(0.88);
    const labels: Record<string, string> = { app: chance(0.93) ? 'shop' : 'other' };
    if (chance(0.85)) labels.zone = chance(0.03) ? '' : pick(zones);
    if (chance(0.8)) labels.tier = pick(['web', 'api']);
    if (chance(0.5)) labels.ord = chance(0.1) ? 'sts' : `sts-${Math.floor(r() * 4)}`;
    const annotations: Record<string, string> = {
      'kruise.io/sidecarset-injected-list': chance(0.95) ? SS : 'someone-else',
      [HASH]: updated
        ? JSON.stringify({ [SS]: { hash: 'new', sidecarSetName: SS } })
        : chance(0.1)
          ? JSON.stringify({ [SS]: 'old' })
          : JSON.stringify({ [SS]: { hash: 'old', sidecarSetName: SS } }),
      [HASH_WITHOUT_IMAGE]: JSON.stringify({ [SS]: { hash: upgradable ? 'w1' : 'w0' } }),
    };

    // the sidecar as it runs now: on v2 (updated, maybe still in flight) or v1 (maybe a v0 -> v1 update in flight)
    const running = updated ? newImage : 'agent:v1';
    const inFlight = chance(0.15);
    const statusImage = inFlight ? (updated ? 'agent:v1' : 'agent:v0') : running;
    const statusID = `docker-pullable://agent@sha256:${statusImage.endsWith('v2') || statusImage === DIGEST_V2 ? 'b'.repeat(64) : statusImage.endsWith('v1') ? 'a'.repeat(64) : 'c'.repeat(64)}`;
    if (inFlight)
      annotations[INPLACE] = JSON.stringify({
        [SS]: { revision: 'x', lastContainerStatuses: { [hot ? 'agent-1' : 'agent']: { imageID: statusID } } },
      });
    if (!quiet && chance(0.02)) annotations[INPLACE] = 'not json';

    const containers: Pod['spec']['containers'] = [{ name: 'app', image: 'shop:1' }];
    const statuses: { name: string; image: string; imageID: string; ready: boolean; restartCount: number }[] = [
      {
        name: 'app',
        image: 'shop:1',
        imageID: 'docker-pullable://shop@sha256:' + 'd'.repeat(64),
        ready: chance(0.9),
        restartCount: Math.floor(r() * 3),
      },
    ];
    // a sidecar that is not ready while its restart is pending: the Pod is a candidate, and kubelet's restart
    // after round 1 moves it in the default order (restart count)
    const sidecarReady = inFlight ? chance(0.6) : chance(0.95);
    if (hot) {
      const midUpgrade = chance(0.1);
      annotations[WORKING] = JSON.stringify({ agent: 'agent-1' });
      containers.push({ name: 'agent-1', image: running }, { name: 'agent-2', image: midUpgrade ? 'agent:v0' : EMPTY });
      statuses.push(
        { name: 'agent-1', image: statusImage, imageID: statusID, ready: sidecarReady, restartCount: 0 },
        {
          name: 'agent-2',
          image: midUpgrade ? 'agent:v0' : EMPTY,
          imageID: 'docker-pullable://x@sha256:' + 'e'.repeat(64),
          ready: true,
          restartCount: 0,
        },
      );
      if (chance(0.02)) delete annotations[WORKING];
    } else {
      containers.push({ name: 'agent', image: running });
      statuses.push({
        name: 'agent',
        image: statusImage,
        imageID: statusID,
        ready: sidecarReady,
        restartCount: Math.floor(r() * 2),
      });
    }

    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `pod-${i}`,
        namespace: pick(['shop', 'shop', 'tools']),
        labels,
        annotations,
        ...(chance(0.95) ? { creationTimestamp: pick(times) } : {}),
        ...(!calm && chance(0.02) ? { deletionTimestamp: times[0] } : {}),
      },
      spec: { containers, ...(chance(0.95) ? { nodeName: `node-${Math.floor(r() * 4)}` } : {}) },
    };
    if (calm || chance(0.95)) {
      const ready = quiet || chance(calm ? 0.995 : 0.85);
      pod.status = {
        phase: calm ? 'Running' : pick(['Running', 'Running', 'Running', 'Running', 'Running', 'Pending', 'Unknown']),
        conditions: [
          {
            type: 'Ready',
            status: ready ? 'True' : 'False',
            ...(chance(0.8) ? { lastTransitionTime: pick(times) } : {}),
          },
        ],
        containerStatuses: quiet || chance(calm ? 0.995 : 0.97) ? statuses : statuses.slice(0, 1),
      };
    }
    pods.push(pod);
  }
  return { sidecarSet, pods, namespaces: new Map() };
}
