// `why`: each layer's named reasons. Scenarios follow Kruise's pkg/webhook/pod/mutating/sidecarset_test.go
// (no matching SidecarSet, paused injection, revision injection, hash compatibility) and
// pkg/control/sidecarcontrol/util_test.go (PodMatchedSidecarSet's namespace cases, GetPodSidecarSetRevision),
// and the chart's Pod webhook (kruise-mutating-webhook-configuration, mpod.kb.io).
import { kruiseProfile } from '../../src/kruise/apis/version.js';
import { describe, expect, it } from 'vitest';
import type { ControllerRevision, Pod } from '../../src/k8s/api.js';
import type { SidecarSet } from '../../src/kruise/apis/types.js';
import { injectPod } from '../../src/kruise/inject/index.js';
import { podWebhookScope, rulesCoverPodCreate } from '../../src/kruise/inject/webhook-scope.js';
import { explainInjection, type ExplanationInput, type ReasonCode } from '../../src/kruise/inject/why.js';
import { explanationText } from '../../src/kruise/inject/why-text.js';
import { podSidecarSetRecord } from '../../src/kruise/inject/injection-time.js';
import { copy, ctx, pod1, sidecarSet1 } from './inject-fixtures.js';
import { chartConfiguration } from './why-fixtures.js';

const HASH = 'kruise.io/sidecarset-hash';
const HASH_NO_IMAGE = 'kruise.io/sidecarset-hash-without-image';

const DEFAULT_NS = new Map([['default', {}]]);
const readyEndpoints = {
  objects: [
    { kind: 'Endpoints' as const, metadata: { name: 'kruise-webhook-service' }, subsets: [{ addresses: [{}] }] },
  ],
};

function input(pod: Pod, sidecarSets: SidecarSet[], extra: Partial<ExplanationInput> = {}): ExplanationInput {
  return {
    pod,
    target: {
      kind: 'Pod',
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name ?? '',
      template: false,
    },
    injection: ctx(sidecarSets, {
      namespaces: new Map([
        ['default', {}],
        ['kube-system', {}],
      ]),
    }),
    webhook: { configuration: chartConfiguration(), backends: readyEndpoints },
    ...extra,
  };
}

function codes(reasons: { code: ReasonCode }[]): ReasonCode[] {
  return reasons.map((r) => r.code);
}

describe('webhook scope (the chart Pod webhook)', () => {
  it('a Pod in default is seen', () => {
    const scope = podWebhookScope(pod1, DEFAULT_NS, { configuration: chartConfiguration(), backends: readyEndpoints });
    expect(scope).toMatchObject({ admits: true, webhook: 'mpod.kb.io', failurePolicy: 'Fail', findings: [] });
  });

  it('kube-system is excluded by the namespaceSelector (known from the name alone)', () => {
    const pod = { ...copy(pod1), metadata: { ...pod1.metadata, namespace: 'kube-system' } };
    const scope = podWebhookScope(pod, new Map(), { configuration: chartConfiguration() });
    expect(scope.admits).toBe(false);
    expect(codes(scope.findings)).toEqual(['WebhookNamespaceExcluded']);
  });

  it('a namespace labelled control-plane=openkruise is excluded; unknown labels leave it undecided', () => {
    const pod = { ...copy(pod1), metadata: { ...pod1.metadata, namespace: 'kruise-system' } };
    const labelled = podWebhookScope(pod, new Map([['kruise-system', { 'control-plane': 'openkruise' }]]), {
      configuration: chartConfiguration(),
    });
    expect(codes(labelled.findings)).toEqual(['WebhookNamespaceExcluded']);
    const unknown = podWebhookScope(pod, new Map(), { configuration: chartConfiguration() });
    expect(unknown.admits).toBe('unknown');
    expect(unknown.findings[0]).toMatchObject({ code: 'WebhookUnchecked', effect: 'unchecked' });
  });

  it('an objectSelector the Pod does not match excludes it', () => {
    const configuration = chartConfiguration();
    configuration.webhooks![0].objectSelector = { matchLabels: { 'sidecar-injection': 'enabled' } };
    const scope = podWebhookScope(pod1, new Map([['default', {}]]), { configuration });
    expect(scope.admits).toBe(false);
    expect(codes(scope.findings)).toEqual(['WebhookObjectExcluded']);
  });

  it('no configuration, or one without the Pod webhook (PodWebhook gate off)', () => {
    expect(codes(podWebhookScope(pod1, new Map(), { configuration: null }).findings)).toEqual([
      'WebhookConfigurationMissing',
    ]);
    const gateOff = chartConfiguration();
    gateOff.webhooks = gateOff.webhooks!.slice(1);
    const scope = podWebhookScope(pod1, new Map(), { configuration: gateOff });
    expect(scope.admits).toBe(false);
    expect(codes(scope.findings)).toEqual(['PodWebhookMissing']);
  });

  it('rules: CREATE of core/v1 pods, with wildcards; UPDATE only or a subresource does not count', () => {
    expect(rulesCoverPodCreate([{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] }])).toBe(
      true,
    );
    expect(
      rulesCoverPodCreate([{ apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['pods'] }]),
    ).toBe(false);
    expect(
      rulesCoverPodCreate([
        { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods/status'] },
      ]),
    ).toBe(false);
    expect(
      rulesCoverPodCreate([
        { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: 'Cluster' },
      ]),
    ).toBe(false);
    const configuration = chartConfiguration();
    configuration.webhooks![0].rules = [
      { apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['pods'] },
    ];
    expect(codes(podWebhookScope(pod1, DEFAULT_NS, { configuration }).findings)).toEqual([
      'WebhookRulesExcludePodCreate',
    ]);
  });

  it('no ready endpoints: creation fails with failurePolicy Fail, skips injection with Ignore', () => {
    const none = { objects: [{ kind: 'Endpoints' as const, metadata: {}, subsets: [{ notReadyAddresses: [{}] }] }] };
    const fail = podWebhookScope(pod1, DEFAULT_NS, { configuration: chartConfiguration(), backends: none });
    expect(fail.findings).toEqual([expect.objectContaining({ code: 'WebhookNoReadyEndpoints', effect: 'rejects' })]);
    const ignoring = chartConfiguration();
    ignoring.webhooks![0].failurePolicy = 'Ignore';
    const slices = {
      objects: [{ kind: 'EndpointSlice' as const, metadata: {}, endpoints: [{ conditions: { ready: false } }] }],
    };
    const ignore = podWebhookScope(pod1, DEFAULT_NS, { configuration: ignoring, backends: slices });
    expect(ignore.findings).toEqual([expect.objectContaining({ code: 'WebhookNoReadyEndpoints', effect: 'blocks' })]);
    const ready = { objects: [{ kind: 'EndpointSlice' as const, metadata: {}, endpoints: [{ conditions: {} }] }] };
    expect(
      podWebhookScope(pod1, DEFAULT_NS, { configuration: chartConfiguration(), backends: ready }).findings,
    ).toEqual([]);
  });

  it('matchConditions are not evaluated; a URL webhook has no Service to check; unreadable Endpoints', () => {
    const configuration = chartConfiguration();
    configuration.webhooks![0].matchConditions = [
      { name: 'not-system', expression: "!request.userInfo.username.startsWith('system:')" },
    ];
    const scope = podWebhookScope(pod1, DEFAULT_NS, { configuration, backends: { unknown: 'forbidden' } });
    expect(scope.admits).toBe('unknown');
    expect(scope.findings.map((f) => [f.code, f.effect])).toEqual([
      ['WebhookMatchConditions', 'unchecked'],
      ['WebhookUnchecked', 'unchecked'],
    ]);
    const byUrl = chartConfiguration();
    byUrl.webhooks![0].clientConfig = { url: 'https://kruise.example.com:9876/mutate-pod' };
    expect(podWebhookScope(pod1, DEFAULT_NS, { configuration: byUrl, backends: { objects: [] } })).toMatchObject({
      admits: true,
      findings: [],
    });
  });

  it('an unreadable configuration is reported as unchecked', () => {
    const scope = podWebhookScope(pod1, new Map(), { configuration: { unknown: 'forbidden' } });
    expect(scope).toMatchObject({ admits: 'unknown', findings: [{ code: 'WebhookUnchecked', effect: 'unchecked' }] });
  });
});

describe('explainInjection', () => {
  it('TestPodHasNoMatchedSidecarSet: selector mismatch, nothing rendered', () => {
    const pod = copy(pod1);
    pod.metadata.labels = { app: 'doesnt-match' };
    const e = explainInjection(input(pod, [copy(sidecarSet1)]));
    expect(e).toMatchObject({
      apiVersion: 'kubectl-sidecarset/v1',
      kind: 'InjectionExplanation',
      webhook: { admits: true },
    });
    expect(e.sidecarSets[0]).toMatchObject({ name: 'sidecarset1', injected: false, newPod: 'notInjected' });
    expect(codes(e.sidecarSets[0].reasons)).toEqual(['SelectorMismatch']);
    expect(e.sidecarSets[0].render.parts).toEqual([]);
  });

  it('TestInjectionStrategyPaused: paused', () => {
    const set = copy(sidecarSet1);
    set.spec.injectionStrategy = { paused: true };
    const e = explainInjection(input(copy(pod1), [set]));
    expect(codes(e.sidecarSets[0].reasons)).toEqual(['Paused']);
    expect(e.sidecarSets[0].newPod).toBe('notInjected');
  });

  it('a Pod the SidecarSet would inject now: what it renders, against a Pod without it', () => {
    const e = explainInjection(input(copy(pod1), [copy(sidecarSet1)]));
    const s = e.sidecarSets[0];
    expect(s.newPod).toBe('injected');
    expect(codes(s.reasons)).toEqual(['Matched']);
    const added = s.render.parts.filter((p) => p.change === 'added').map((p) => `${p.kind} ${p.name}`);
    expect(added).toEqual([
      'container dns-f',
      'container log-agent',
      'initContainer init-2',
      'initContainer init-1',
      'annotation kruise.io/sidecarset-hash[sidecarset1]',
      'annotation kruise.io/sidecarset-hash-without-image[sidecarset1]',
      'annotation kruise.io/sidecarset-injected-list[sidecarset1]',
    ]);
  });

  it('an injected Pod: what it got, unchanged against a render now', () => {
    const set = copy(sidecarSet1);
    set.metadata.annotations![HASH_NO_IMAGE] = 'without-1';
    const live = injectPod(copy(pod1), ctx([set])).pod;
    const e = explainInjection(input(live, [set]));
    const s = e.sidecarSets[0];
    expect(s).toMatchObject({
      injected: true,
      podRevision: { hash: 'c4k2dbb95d', hashWithoutImage: 'without-1' },
      newPod: 'injected',
    });
    expect(codes(s.reasons)).toEqual(['InjectedCurrentRevision', 'Matched']);
    expect(s.render.parts.every((p) => p.change === 'unchanged')).toBe(true);
    expect(s.render.parts.map((p) => p.name)).toContain('dns-f');
  });

  it('a Pod injected at an older revision (TestPodSidecarSetHashCompatibility: the legacy form counts too)', () => {
    const old = copy(sidecarSet1);
    old.metadata.annotations = { [HASH]: 'old-hash', [HASH_NO_IMAGE]: 'same-without-image' };
    const live = injectPod(copy(pod1), ctx([old])).pod;
    const now = copy(sidecarSet1);
    now.metadata.annotations = { [HASH]: 'new-hash', [HASH_NO_IMAGE]: 'same-without-image' };
    now.spec.containers![0].image = 'dns-f-image:2.0';
    const e = explainInjection(input(live, [now]));
    const s = e.sidecarSets[0];
    expect(s.reasons[0]).toMatchObject({ code: 'InjectedOlderRevision', layer: 'time' });
    expect(s.reasons[0].message).toContain('upgrades in place');
    const dns = s.render.parts.find((p) => p.name === 'dns-f');
    expect(dns).toMatchObject({
      change: 'changed',
      fields: ['image'],
      live: 'dns-f-image:1.0',
      rendered: 'dns-f-image:2.0',
    });
    expect(s.render.parts.find((p) => p.name === 'kruise.io/sidecarset-hash[sidecarset1]')).toMatchObject({
      live: 'old-hash',
      rendered: 'new-hash',
    });

    const legacy = copy(pod1);
    legacy.metadata.annotations = { [HASH]: '{"sidecarset1":"old-hash"}' };
    expect(podSidecarSetRecord(legacy, 'sidecarset1')).toEqual({ injected: true, hash: 'old-hash' });
    // GetPodSidecarSetRevision's "failed sidecarSet revision": an unreadable annotation records nothing
    legacy.metadata.annotations = { [HASH]: 'failed-sidecarset-hash' };
    expect(podSidecarSetRecord(legacy, 'sidecarset1')).toEqual({ injected: false });
  });

  it('a Pod created before the SidecarSet, and one created before its last change', () => {
    const set = copy(sidecarSet1);
    set.metadata.creationTimestamp = '2024-02-01T00:00:00Z';
    set.status = { latestRevision: 'sidecarset1-abc' };
    const pod = copy(pod1);
    pod.metadata.creationTimestamp = '2024-01-01T00:00:00Z';
    const before = explainInjection(input(pod, [set]));
    expect(before.sidecarSets[0].reasons[0]).toMatchObject({ code: 'CreatedBeforeSidecarSet', effect: 'blocks' });
    expect(before.sidecarSets[0].newPod).toBe('injected');

    pod.metadata.creationTimestamp = '2024-03-01T00:00:00Z';
    const revision: ControllerRevision = {
      kind: 'ControllerRevision',
      metadata: {
        name: 'sidecarset1-abc',
        labels: { 'kruise.io/sidecarset-name': 'sidecarset1' },
        creationTimestamp: '2024-04-01T00:00:00Z',
      },
      revision: 2,
    };
    const changed = explainInjection({
      ...input(pod, [set]),
      injection: ctx([set], { revisions: [revision], namespaces: new Map([['default', {}]]) }),
    });
    expect(codes(changed.sidecarSets[0].reasons)).toEqual(['CreatedBeforeSidecarSetChange', 'Matched']);
  });

  it('TestInjectionStrategyRevision: a pinned revision, and a missing one rejects the Pod', () => {
    const set = copy(sidecarSet1);
    set.spec.injectionStrategy = { revision: { customVersion: 'sidecarset1-12345', policy: 'Always' } };
    const revision: ControllerRevision = {
      kind: 'ControllerRevision',
      metadata: {
        name: 'sidecarset1-12345',
        labels: {
          'kruise.io/sidecarset-name': 'sidecarset1',
          'apps.kruise.io/sidecarset-custom-version': 'sidecarset1-12345',
        },
      },
      data: {
        spec: {
          $patch: 'replace',
          initContainers: [{ name: 'init-2', image: 'busybox:1.0.0' }],
          containers: [{ name: 'dns-f', image: 'dns-f-image:1.0', podInjectPolicy: 'BeforeAppContainer' }],
        },
      },
    };
    const e = explainInjection({
      ...input(copy(pod1), [set]),
      injection: ctx([set], { revisions: [revision], namespaces: new Map([['default', {}]]) }),
    });
    const s = e.sidecarSets[0];
    expect(codes(s.reasons)).toEqual(['RevisionPinned', 'Matched']);
    expect(s.render.revision).toBe('sidecarset1-12345');
    expect(s.render.parts.filter((p) => p.kind !== 'annotation').map((p) => p.name)).toEqual(['dns-f', 'init-2']);

    const missing = explainInjection(input(copy(pod1), [set]));
    expect(missing.sidecarSets[0]).toMatchObject({
      newPod: 'rejected',
      reasons: [{ code: 'RevisionUnavailable', effect: 'rejects' }],
    });
  });

  it('a pinned revision with unreadable ControllerRevisions is unchecked, not missing', () => {
    const set = copy(sidecarSet1);
    set.spec.injectionStrategy = { revision: { revisionName: 'sidecarset1-1' } };
    const e = explainInjection({ ...input(copy(pod1), [set]), revisionsUnavailable: 'forbidden' });
    expect(e.sidecarSets[0]).toMatchObject({
      newPod: 'unknown',
      reasons: [{ code: 'RevisionPinned', effect: 'unchecked' }],
    });
  });

  it('PodMatchedSidecarSet namespace cases: a namespaceSelector mismatch, and undecidable without the labels', () => {
    const set = copy(sidecarSet1);
    set.spec.namespaceSelector = { matchLabels: { app: 'app1' } };
    const pod = copy(pod1);
    pod.metadata.namespace = 'app1';
    const base = input(pod, [set]);
    const labelled = explainInjection({
      ...base,
      injection: ctx([set], { namespaces: new Map([['app1', { app: 'app1' }]]) }),
    });
    expect(labelled.sidecarSets[0].newPod).toBe('injected');
    const other = explainInjection({
      ...base,
      injection: ctx([set], { namespaces: new Map([['app1', { app: 'other' }]]) }),
    });
    expect(codes(other.sidecarSets[0].reasons)).toEqual(['NamespaceMismatch']);
    const unknown = explainInjection({ ...base, injection: ctx([set]) });
    expect(unknown.sidecarSets[0]).toMatchObject({
      newPod: 'unknown',
      reasons: [{ code: 'NamespaceLabelsUnknown', effect: 'unchecked' }],
    });
  });

  it('the webhook decides before the SidecarSet: a kube-system Pod is not injected though the SidecarSet matches', () => {
    const pod = copy(pod1);
    pod.metadata.namespace = 'kube-system';
    const e = explainInjection(input(pod, [copy(sidecarSet1)]));
    expect(e.webhook).toMatchObject({
      admits: false,
      reasons: [{ code: 'WebhookNamespaceExcluded', layer: 'webhook' }],
    });
    expect(e.sidecarSets[0]).toMatchObject({ newPod: 'notInjected', reasons: [{ code: 'Matched' }] });
    expect(explanationText(e)).toContain("Kruise's Pod webhook does not see the Pod");
  });

  it('two SidecarSets injecting the same container conflict; each is rendered alone', () => {
    const a = copy(sidecarSet1);
    const b = copy(sidecarSet1);
    b.metadata.name = 'sidecarset2';
    b.spec.initContainers = [];
    b.spec.containers = [b.spec.containers![0]];
    const e = explainInjection(input(copy(pod1), [a, b]));
    for (const s of e.sidecarSets) {
      expect(s.newPod).toBe('rejected');
      expect(s.reasons.find((r) => r.code === 'SidecarSetConflict')?.message).toContain('container "dns-f"');
    }
    expect(e.sidecarSets[1].render.parts.find((p) => p.name === 'dns-f')?.change).toBe('added');
  });

  it('a canary replaces its base', () => {
    const base = copy(sidecarSet1);
    const canary = copy(sidecarSet1);
    canary.metadata.name = 'sidecarset1-canary';
    canary.metadata.annotations = {
      ...canary.metadata.annotations,
      'apps.kruise.io/sidecarset-canary': 'true',
      'apps.kruise.io/sidecarset-base': 'sidecarset1',
    };
    const e = explainInjection(
      input(copy(pod1), [base, canary], {
        injection: ctx([base, canary], { namespaces: new Map([['default', {}]]), profile: kruiseProfile('master') }),
      }),
    );
    expect(e.sidecarSets.map((s) => [s.name, s.newPod])).toEqual([
      ['sidecarset1', 'notInjected'],
      ['sidecarset1-canary', 'injected'],
    ]);
    expect(codes(e.sidecarSets[0].reasons)).toEqual(['ReplacedByCanary']);
  });

  it('a Pod that lost its match shows what it holds as removed; an inactive Pod is left alone', () => {
    const live = injectPod(copy(pod1), ctx([copy(sidecarSet1)])).pod;
    live.metadata.labels = { app: 'moved' };
    const s = explainInjection(input(live, [copy(sidecarSet1)])).sidecarSets[0];
    expect(s.injected).toBe(true);
    expect(s.render.parts.find((p) => p.name === 'dns-f')?.change).toBe('removed');
    const done = copy(pod1);
    done.status = { phase: 'Succeeded' };
    expect(codes(explainInjection(input(done, [copy(sidecarSet1)])).sidecarSets[0].reasons)).toEqual(['InactivePod']);
  });

  it('a workload template has no time layer and renders against the template', () => {
    const pod = copy(pod1);
    const e = explainInjection({
      ...input(pod, [copy(sidecarSet1)]),
      target: { kind: 'Deployment', namespace: 'default', name: 'web', template: true },
    });
    expect(e.sidecarSets[0].injected).toBe(false);
    expect(codes(e.sidecarSets[0].reasons)).toEqual(['Matched']);
    const text = explanationText(e);
    expect(text).toContain('Deployment default/web (its Pod template, as created now)');
    expect(text).toContain('added     container dns-f');
  });

  it('is deterministic and JSON-clean', () => {
    const a = explainInjection(input(copy(pod1), [copy(sidecarSet1)]));
    const b = explainInjection(input(copy(pod1), [copy(sidecarSet1)]));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });
});
