// A small cluster made of the fixtures: every manifest under fixtures/, plus running Pods for each
// Deployment (as its ReplicaSet would make them) so live commands have something to look at.
import { createHash } from 'node:crypto';
import { loadObjects } from './fixtures.js';
import type { KubeObject } from './store.js';

function podsOf(deployment: KubeObject): KubeObject[] {
  const template = deployment.spec?.template ?? {};
  const hash = createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 10).replace(/[^a-z0-9]/g, 'x');
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
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: `rs-${hash}`, controller: true, blockOwnerDeletion: true }],
    },
    spec: structuredClone(template.spec ?? { containers: [] }),
  }));
}

export function demoObjects(fixturesDir: string): KubeObject[] {
  const objects = loadObjects(fixturesDir);
  const pods = objects.filter((o) => o.kind === 'Deployment').flatMap(podsOf);
  return [...objects, ...pods];
}
