// A small cluster made of the fixtures: every manifest under fixtures/, plus running Pods for each
// Deployment (as its ReplicaSet would make them) so live commands have something to look at.
import { createHash } from 'node:crypto';
import { loadSidecarSet } from '../../src/kruise/sidecarcontrol/sidecarset.js';
import { chartConfiguration, webhookEndpoints } from '../kruise/why-fixtures.js';
import { loadObjects } from './fixtures.js';
import type { KubeObject } from './store.js';

function podsOf(deployment: KubeObject): KubeObject[] {
  const template = deployment.spec?.template ?? {};
  const hash = createHash('sha256')
    .update(JSON.stringify(template))
    .digest('hex')
    .slice(0, 10)
    .replace(/[^a-z0-9]/g, 'x');
  const replicas = Math.min(deployment.spec?.replicas ?? 1, 3);
  const namespace = deployment.metadata.namespace ?? 'default';
  const rs = `${deployment.metadata.name}-${hash}`;
  return Array.from({ length: replicas }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${rs}-${String.fromCharCode(97 + i)}${hash.slice(0, 4)}`,
      namespace,
      labels: { ...template.metadata?.labels, 'pod-template-hash': hash },
      annotations: { ...template.metadata?.annotations },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rs,
          uid: `rs-${hash}`,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: structuredClone(template.spec ?? { containers: [] }),
  }));
}

// Kruise's Pod webhook as its chart installs it, with a ready service, so that `why` has its scope to look at.
function kruiseWebhook(): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'kruise-system', labels: { 'control-plane': 'openkruise' } },
    },
    chartConfiguration() as unknown as KubeObject,
    webhookEndpoints(true) as unknown as KubeObject,
  ];
}

// A SidecarSet in a cluster went through Kruise's SidecarSet webhook: defaulted, with its hash annotations.
function asKruiseStores(object: KubeObject): KubeObject {
  if (object.kind !== 'SidecarSet') return object;
  return loadSidecarSet(object, { keepHash: false }).sidecarSet as unknown as KubeObject;
}

export function demoObjects(fixturesDir: string): KubeObject[] {
  const objects = loadObjects(fixturesDir).map(asKruiseStores);
  const pods = objects.filter((o) => o.kind === 'Deployment').flatMap(podsOf);
  return [...kruiseWebhook(), ...objects, ...pods];
}
