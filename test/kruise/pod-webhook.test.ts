// Kruise's Pod webhook as a whole: its scope (the chart's kruise-mutating-webhook-configuration, or the one
// given), the feature gates that change injection, and the container launch priority step after the
// SidecarSets. Launch-priority scenarios follow Kruise's container_launch_priority_initialization_test.go.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/k8s/api.js';
import { kruiseProfile, kruiseProfileFromFlags } from '../../src/kruise/apis/version.js';
import { admitPodCreate, type PodWebhookContext } from '../../src/kruise/inject/pod-webhook.js';
import { initializeContainerLaunchPriority, priorityBarrierEnv } from '../../src/kruise/inject/launch-priority.js';
import { validateSidecarSet } from '../../src/kruise/validate/index.js';
import { copy, ctx, pod1, sidecarSet1, sidecarSet3 } from './inject-fixtures.js';
import { chartConfiguration } from './why-fixtures.js';

function webhookCtx(extra: Partial<PodWebhookContext> = {}): PodWebhookContext {
  return { ...ctx([copy(sidecarSet1)]), template: false, ...extra };
}

function inNamespace(namespace: string): Pod {
  return { ...copy(pod1), metadata: { ...copy(pod1).metadata, namespace } };
}

describe("the Pod webhook's scope", () => {
  it('a kube-system Pod is left untouched: the chart excludes kube-system, known from the name alone', () => {
    const out = admitPodCreate(inNamespace('kube-system'), webhookCtx());
    expect(out.changed).toBe(false);
    expect(out.injected).toEqual([]);
    expect(out.excluded?.map((f) => f.code)).toEqual(['WebhookNamespaceExcluded']);
    expect(out.excluded?.[0].message).toContain(
      'webhook mpod.kb.io excludes namespace kube-system (namespaceSelector control-plane notin (openkruise),kubernetes.io/metadata.name notin (kube-system), decided by its name (kubernetes.io/metadata.name))',
    );
    expect(out.scopeSource).toContain('kruise 1.9.0-alpha.3');
  });

  it('a namespace labelled control-plane=openkruise is excluded when its Namespace is given', () => {
    const namespaces = new Map([['kruise-system', { 'control-plane': 'openkruise' }]]);
    const out = admitPodCreate(inNamespace('kruise-system'), webhookCtx({ namespaces }));
    expect(out.excluded?.map((f) => f.code)).toEqual(['WebhookNamespaceExcluded']);
  });

  it('without the Namespace, a Pod elsewhere is injected and the assumption is said', () => {
    const out = admitPodCreate(copy(pod1), webhookCtx());
    expect(out.injected.map((i) => i.sidecarSet)).toEqual(['sidecarset1']);
    expect(out.scopeNotes.map((f) => f.code)).toEqual(['WebhookNamespaceAssumed']);
    const given = admitPodCreate(copy(pod1), webhookCtx({ namespaces: new Map([['default', {}]]) }));
    expect(given.scopeNotes).toEqual([]);
  });

  it("the given MutatingWebhookConfiguration's objectSelector decides", () => {
    const configuration = chartConfiguration();
    configuration.webhooks![0].objectSelector = { matchLabels: { 'sidecar-injection': 'enabled' } };
    const out = admitPodCreate(copy(pod1), webhookCtx({ webhookConfiguration: configuration }));
    expect(out.excluded?.map((f) => f.code)).toEqual(['WebhookObjectExcluded']);
    expect(out.scopeSource).toBe('MutatingWebhookConfiguration kruise-mutating-webhook-configuration');
  });

  it('a configuration whose Pod webhook handles UPDATE only never sees a new Pod', () => {
    const configuration = chartConfiguration();
    configuration.webhooks![0].rules = [
      { apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['pods'] },
    ];
    const out = admitPodCreate(copy(pod1), webhookCtx({ webhookConfiguration: configuration }));
    expect(out.excluded?.map((f) => f.code)).toEqual(['WebhookRulesExcludePodCreate']);
  });

  it('PodWebhook=false: nothing is injected, with the reason', () => {
    const out = admitPodCreate(
      copy(pod1),
      webhookCtx({ profile: kruiseProfileFromFlags(undefined, 'PodWebhook=false') }),
    );
    expect(out.changed).toBe(false);
    expect(out.excluded?.map((f) => f.code)).toEqual(['PodWebhookMissing']);
    expect(out.excluded?.[0].message).toContain('PodWebhook feature gate off');
  });
});

describe('feature gates and versions in injection and validation', () => {
  const twoAfter = () => {
    const set = copy(sidecarSet3);
    set.spec.containers = [
      { name: 'z-agent', image: 'z:1', podInjectPolicy: 'AfterAppContainer', shareVolumePolicy: { type: 'disabled' } },
      { name: 'a-proxy', image: 'a:1', podInjectPolicy: 'AfterAppContainer', shareVolumePolicy: { type: 'disabled' } },
    ];
    return set;
  };
  const names = (p: Pod) => p.spec.containers.map((c) => c.name);

  it('EnableSortSidecarContainerByName sorts the injected containers by name; off, they keep their order', () => {
    const off = admitPodCreate(copy(pod1), webhookCtx({ sidecarSets: [twoAfter()] }));
    expect(names(off.pod)).toEqual(['nginx', 'z-agent', 'a-proxy']);
    const on = admitPodCreate(
      copy(pod1),
      webhookCtx({
        sidecarSets: [twoAfter()],
        profile: kruiseProfileFromFlags('v1.9.0', 'EnableSortSidecarContainerByName=true'),
      }),
    );
    expect(names(on.pod)).toEqual(['nginx', 'a-proxy', 'z-agent']);
  });

  it('SidecarSetPatchPodMetadataDefaultsAllowed lets patchPodMetadata through without a whitelist', () => {
    const set = copy(sidecarSet1);
    set.spec.patchPodMetadata = [{ annotations: { 'oom-score': '{"log-agent": 1}' }, patchPolicy: 'MergePatchJson' }];
    const base = { others: [], revisions: [], patchPodMetadataWhitelist: undefined };
    const off = validateSidecarSet(set, { ...base, profile: kruiseProfile() });
    expect(off.clusterPolicy.map((e) => e.message)).toEqual(['SidecarSet patch metadata whitelist not found']);
    const profile = kruiseProfileFromFlags(undefined, 'SidecarSetPatchPodMetadataDefaultsAllowed=true');
    const on = validateSidecarSet(set, { ...base, profile, patchPodMetadataDefaultsAllowed: true });
    expect(on.clusterPolicy).toEqual([]);
  });

  it('canary annotations are validated on master only', () => {
    const canary = copy(sidecarSet1);
    canary.metadata.name = 'sidecarset1';
    canary.metadata.annotations = {
      ...canary.metadata.annotations,
      'apps.kruise.io/sidecarset-canary': 'true',
      'apps.kruise.io/sidecarset-base': 'sidecarset1',
    };
    canary.spec.updateStrategy = { type: 'NotUpdate' };
    const base = { others: [], revisions: [], patchPodMetadataWhitelist: undefined };
    const master = validateSidecarSet(canary, { ...base, profile: kruiseProfile('master') }).errors;
    expect(master.map((e) => e.message)).toContain('base sidecarSet cannot be itself');
    const v190 = validateSidecarSet(canary, { ...base, profile: kruiseProfile('v1.9.0') }).errors;
    expect(v190.map((e) => e.message)).not.toContain('base sidecarSet cannot be itself');
  });
});

describe('container launch priority (after the SidecarSets)', () => {
  const pod = (containers: Pod['spec']['containers'], annotations?: Record<string, string>, name = 'fake'): Pod => ({
    metadata: { name, ...(annotations ? { annotations } : {}) },
    spec: { containers },
  });

  it('two containers without priorities: skipped, nothing changes', () => {
    const p = pod([{ name: 'a' }, { name: 'b' }]);
    expect(initializeContainerLaunchPriority(p, false)).toBeUndefined();
    expect(p.spec.containers).toEqual([{ name: 'a' }, { name: 'b' }]);
  });

  it('the Ordered annotation: priorities 0, -1, -2 in container order', () => {
    const p = pod([{ name: 'a' }, { name: 'b' }, { name: 'c' }], {
      'apps.kruise.io/container-launch-priority': 'Ordered',
    });
    expect(initializeContainerLaunchPriority(p, false)).toEqual({
      applied: true,
      by: 'annotation',
      configMap: 'fake-barrier',
    });
    expect(p.spec.containers).toEqual([
      { name: 'a', env: [priorityBarrierEnv(0n, 'fake')] },
      { name: 'b', env: [priorityBarrierEnv(-1n, 'fake')] },
      { name: 'c', env: [priorityBarrierEnv(-2n, 'fake')] },
    ]);
    expect(p.spec.containers[1].env![0]).toEqual({
      name: 'KRUISE_CONTAINER_BARRIER',
      valueFrom: { configMapKeyRef: { name: 'fake-barrier', key: 'p_-1' } },
    });
  });

  it('KRUISE_CONTAINER_PRIORITY envs that differ order the containers; equal ones do not', () => {
    const env = (v: string) => [{ name: 'KRUISE_CONTAINER_PRIORITY', value: v }];
    const p = pod([{ name: 'sidecar', env: env('10') }, { name: 'app' }]);
    expect(initializeContainerLaunchPriority(p, false)).toMatchObject({ applied: true, by: 'env' });
    expect(p.spec.containers[0].env).toEqual([...env('10'), priorityBarrierEnv(10n, 'fake')]);
    expect(p.spec.containers[1].env).toEqual([priorityBarrierEnv(0n, 'fake')]);
    const same = pod([
      { name: 'a', env: env('5') },
      { name: 'b', env: env('5') },
    ]);
    expect(initializeContainerLaunchPriority(same, false)).toBeUndefined();
    const one = pod([{ name: 'a', env: env('5') }]);
    expect(initializeContainerLaunchPriority(one, false)).toBeUndefined();
  });

  it('a priority that is not an integer makes the webhook refuse the Pod', () => {
    const p = pod([{ name: 'a', env: [{ name: 'KRUISE_CONTAINER_PRIORITY', value: 'high' }] }, { name: 'b' }]);
    expect(() => initializeContainerLaunchPriority(p, false)).toThrow(
      `Kruise's Pod webhook would refuse the Pod: strconv.Atoi: parsing "high": invalid syntax`,
    );
  });

  it('a pod template is left without the barrier (its ConfigMap is named after each Pod), with the reason', () => {
    const p = pod([{ name: 'a' }, { name: 'b' }], { 'apps.kruise.io/container-launch-priority': 'Ordered' }, '');
    expect(initializeContainerLaunchPriority(p, true)).toMatchObject({ applied: false, reason: 'PodTemplate' });
    expect(p.spec.containers).toEqual([{ name: 'a' }, { name: 'b' }]);
  });

  it('runs after the SidecarSets: an injected sidecar with a priority orders the Pod, and once only', () => {
    const set = copy(sidecarSet3);
    set.spec.containers = [
      {
        name: 'proxy',
        image: 'proxy:1',
        podInjectPolicy: 'BeforeAppContainer',
        shareVolumePolicy: { type: 'disabled' },
        env: [{ name: 'KRUISE_CONTAINER_PRIORITY', value: '1' }],
      },
    ];
    const out = admitPodCreate(copy(pod1), webhookCtx({ sidecarSets: [set] }));
    expect(out.launchPriority).toEqual({ applied: true, by: 'env', configMap: 'test-pod-barrier' });
    expect(out.pod.spec.containers.map((c) => c.env!.at(-1))).toEqual([
      priorityBarrierEnv(1n, 'test-pod'),
      priorityBarrierEnv(0n, 'test-pod'),
    ]);
    const again = admitPodCreate(out.pod, webhookCtx({ sidecarSets: [set] }));
    const barriers = again.pod.spec.containers.flatMap((c) =>
      c.env!.filter((e) => e.name === 'KRUISE_CONTAINER_BARRIER'),
    );
    expect(barriers).toHaveLength(2);
    expect(again.pod.spec.containers).toEqual(out.pod.spec.containers);
    expect(admitPodCreate(again.pod, webhookCtx({ sidecarSets: [set] })).pod).toEqual(again.pod);
  });
});
