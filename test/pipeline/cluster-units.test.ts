// The pure parts of the cluster pipeline: TYPE/NAME arguments, the --verify comparison, the namespaces listed.
import { describe, expect, it } from 'vitest';
import { parseWorkloadRefs } from '../../src/pipeline/cluster/workloads.js';
import { dryRunPod, ownedDifferences } from '../../src/pipeline/cluster/verify.js';
import { podNamespaces } from '../../src/pipeline/cluster/rollout.js';
import { kubectlYaml } from '../../src/pipeline/cluster/documents.js';
import type { Pod } from '../../src/k8s/api.js';
import type { SidecarSet } from '../../src/kruise/apis/types.js';

const pod = (containers: object[], annotations: Record<string, string> = {}): Pod =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations }, spec: { containers } }) as unknown as Pod;

describe('TYPE/NAME arguments', () => {
  it('takes TYPE/NAME and refuses anything else with a usage error', () => {
    expect(parseWorkloadRefs(['deployment/nginx', 'sts.apps/db'])).toEqual([
      { type: 'deployment', name: 'nginx' },
      { type: 'sts.apps', name: 'db' },
    ]);
    for (const bad of ['nginx', '/x', 'deploy/', 'a/b/c'])
      expect(() => parseWorkloadRefs([bad])).toThrow(/is not TYPE\/NAME/);
  });
});

describe('--verify: the SidecarSet-owned parts compared', () => {
  it('ignores what only the server adds (its defaults) and timestamps inside the hash annotations', () => {
    const ts = (t: string) => JSON.stringify({ s: { updateTimestamp: t, hash: 'h' } });
    const ours = pod([{ name: 'log', image: 'log:1', ports: [{ containerPort: 80 }] }], {
      'kruise.io/sidecarset-hash': ts('2023-01-01T00:00:00Z'),
      other: 'x',
    });
    const theirs = pod(
      [
        {
          name: 'log',
          image: 'log:1',
          imagePullPolicy: 'IfNotPresent',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
        },
      ],
      { 'kruise.io/sidecarset-hash': ts('2024-05-05T00:00:00Z') },
    );
    expect(ownedDifferences(ours, theirs)).toEqual([]);
  });

  it('reports a changed field, a missing or extra entry, the order, and an annotation', () => {
    const ours = pod(
      [
        { name: 'log', image: 'log:1' },
        { name: 'app', image: 'app:1' },
      ],
      { 'kruise.io/sidecarset-injected-list': 's' },
    );
    const theirs = pod([
      { name: 'app', image: 'app:1' },
      { name: 'log', image: 'log:2' },
      { name: 'extra', image: 'e' },
    ]);
    expect(ownedDifferences(ours, theirs)).toEqual([
      { path: 'spec.containers[log].image', ours: '"log:1"', theirs: '"log:2"' },
      { path: 'spec.containers[extra]', theirs: '{"name":"extra","image":"e"}' },
      { path: 'spec.containers (order)', ours: '["log","app"]', theirs: '["app","log"]' },
      { path: 'metadata.annotations[kruise.io/sidecarset-injected-list]', ours: '"s"', theirs: undefined },
    ]);
  });

  it('sends a Pod under generateName, without what the server sets', () => {
    const sent = dryRunPod({
      ...pod([]),
      metadata: { name: 'web-0', uid: 'u', resourceVersion: '5', namespace: 'a' },
      status: { phase: 'Running' },
    } as unknown as Pod);
    expect(sent).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace: 'a', generateName: 'web-0-' },
      spec: { containers: [] },
    });
  });
});

describe('plan-rollout --live: the namespaces listed', () => {
  it('all of them without a namespaceSelector, else those it matches', () => {
    const ns = new Map<string, Record<string, string>>([
      ['a', { tier: 'gold' }],
      ['b', {}],
      ['c', { tier: 'gold' }],
    ]);
    expect(podNamespaces({ spec: {} } as SidecarSet, ns)).toBeUndefined();
    expect(
      podNamespaces({ spec: { namespaceSelector: { matchLabels: { tier: 'gold' } } } } as unknown as SidecarSet, ns),
    ).toEqual(['a', 'c']);
  });
});

describe('objects from the cluster are printed as kubectl get -o yaml prints them', () => {
  it('keys sorted, sequences not indented, managedFields hidden', () => {
    expect(
      kubectlYaml({
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: { name: 'p', managedFields: [{}] },
        spec: { containers: [{ name: 'a', image: 'i' }] },
      }),
    ).toBe('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - image: i\n    name: a\n');
  });
});
