// The cluster `why` is asked about: Kruise's chart webhook with a ready service, SidecarSets as Kruise stores
// them (defaulted, hashed), and Pods injected by our own core at the revisions the scenarios need.
import { kruiseProfile } from '../../src/kruise/apis/version.js';
import type { Pod } from '../../src/k8s/api.js';
import type { SidecarSet } from '../../src/kruise/apis/types.js';
import { injectPod } from '../../src/kruise/inject/index.js';
import { loadSidecarSet } from '../../src/kruise/sidecarcontrol/sidecarset.js';
import type { KubeObject } from '../apiserver/index.js';
import { chartConfiguration, webhookEndpoints } from '../kruise/why-fixtures.js';

export const SET_CREATED = '2024-02-01T00:00:00Z';

function stored(raw: Record<string, unknown>): SidecarSet {
  const set = loadSidecarSet(raw, { keepHash: false }).sidecarSet;
  set.metadata.creationTimestamp = SET_CREATED;
  return set;
}

function sidecarSet(name: string, app: string, image: string, more: Record<string, unknown> = {}): SidecarSet {
  return stored({
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: { name },
    spec: { selector: { matchLabels: { app } }, containers: [{ name: 'log-agent', image }], ...more },
  });
}

export const logAgent = sidecarSet('log-agent', 'web', 'log-agent:1.1');
const logAgentBefore = sidecarSet('log-agent', 'web', 'log-agent:1.0');
const paused = sidecarSet('paused-agent', 'paused', 'agent:1', { injectionStrategy: { paused: true } });
const pinned = sidecarSet('pinned-agent', 'pinned', 'agent:2', {
  injectionStrategy: { revision: { revisionName: 'pinned-agent-rev1', policy: 'Always' } },
});

function pod(name: string, namespace: string, app: string, created: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app }, creationTimestamp: created },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] },
  };
}

function injected(p: Pod, set: SidecarSet): Pod {
  return injectPod(p, {
    sidecarSets: [set],
    namespaces: new Map(),
    revisions: [],
    now: '2024-03-01T00:00:00Z',
    profile: kruiseProfile(),
  }).pod;
}

export function readyEndpoints(ready: boolean): KubeObject {
  return webhookEndpoints(ready) as unknown as KubeObject;
}

export function webhookConfiguration(): KubeObject {
  return chartConfiguration() as unknown as KubeObject;
}

export function whyObjects(sidecarSetApiVersion = 'apps.kruise.io/v1beta1'): KubeObject[] {
  const sets = [logAgent, paused, pinned].map((s) => ({ ...structuredClone(s), apiVersion: sidecarSetApiVersion }));
  const objects: unknown[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'kruise-system', labels: { 'control-plane': 'openkruise' } },
    },
    webhookConfiguration(),
    readyEndpoints(true),
    ...sets,
    {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: 'pinned-agent-rev1',
        namespace: 'kruise-system',
        labels: { 'kruise.io/sidecarset-name': 'pinned-agent' },
        creationTimestamp: SET_CREATED,
      },
      revision: 1,
      data: {
        spec: {
          $patch: 'replace',
          containers: [{ name: 'log-agent', image: 'agent:1', podInjectPolicy: 'BeforeAppContainer' }],
        },
      },
    },
    injected(pod('web-injected', 'default', 'web', '2024-03-01T00:00:00Z'), logAgent),
    injected(pod('web-old', 'default', 'web', '2024-02-15T00:00:00Z'), logAgentBefore),
    pod('web-early', 'default', 'web', '2024-01-01T00:00:00Z'),
    pod('web-system', 'kube-system', 'web', '2024-03-01T00:00:00Z'),
    pod('other', 'default', 'other', '2024-03-01T00:00:00Z'),
    pod('paused-pod', 'default', 'paused', '2024-03-01T00:00:00Z'),
    pod('pinned-pod', 'default', 'pinned', '2024-03-01T00:00:00Z'),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] },
        },
      },
    },
  ];
  return objects as KubeObject[];
}
