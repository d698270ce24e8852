import { describe, expect, it } from 'vitest';
import { SidecarsetError } from '../../src/errors.js';
import type { Pod } from '../../src/k8s/api.js';
import type { SidecarSet } from '../../src/kruise/apis/types.js';
import { sidecarSetHash, sidecarSetHashWithoutImage } from '../../src/kruise/sidecarcontrol/hash.js';
import { injectPod } from '../../src/kruise/inject/index.js';
import {
  findControllerRevision,
  getSuitableRevisionSidecarSet,
  percentageProbability,
  restoreSidecarSetRevision,
} from '../../src/kruise/sidecarcontrol/revision.js';
import { controllerRevision, copy, ctx, names, pod1, sidecarSet1 } from './inject-fixtures.js';

const KIND = 'kruise.io/sidecarset-name';
const CUSTOM = 'apps.kruise.io/sidecarset-custom-version';
const HASH = 'kruise.io/sidecarset-hash';
const HASH_NO_IMAGE = 'kruise.io/sidecarset-hash-without-image';
const fakeHasher = (s: SidecarSet): { hash: string; withoutImage: string } => ({
  hash: `h-${names(s.spec.containers).join('+')}`,
  withoutImage: `w-${names(s.spec.containers).join('+')}`,
});

describe('TestInjectionStrategyRevision', () => {
  const revisionID = 'sidecarset1-12345';
  const recorded = {
    initContainers: [
      { name: 'init-2', image: 'busybox:1.0.0', resources: {}, upgradeStrategy: {}, shareVolumePolicy: {} },
    ],
    containers: [
      {
        name: 'dns-f',
        image: 'dns-f-image:1.0',
        resources: {},
        podInjectPolicy: 'BeforeAppContainer',
        upgradeStrategy: {},
        shareVolumePolicy: { type: 'disabled' },
      },
    ],
  };
  const revision = controllerRevision(revisionID, recorded, {
    labels: { [KIND]: 'sidecarset1', [CUSTOM]: revisionID },
  });
  const withRevision = (): SidecarSet => {
    const s = copy(sidecarSet1);
    s.spec.injectionStrategy = { revision: { customVersion: revisionID, policy: 'Always' } };
    s.status = { latestRevision: 'sidecarset1-latest' };
    return s;
  };

  it('injects the historical containers (2 more containers in total)', () => {
    const out = injectPod(copy(pod1), ctx([withRevision()], { revisions: [revision] }));
    expect(names(out.pod.spec.containers)).toEqual(['dns-f', 'nginx']);
    expect(names(out.pod.spec.initContainers)).toEqual(['init-0', 'init-2']);
    expect(out.injected).toEqual([
      { sidecarSet: 'sidecarset1', containers: ['dns-f'], initContainers: ['init-2'], revision: revisionID },
    ]);
    // Kruise-only fields and the empty resources do not reach the Pod.
    expect(out.pod.spec.containers[0]).toEqual({
      name: 'dns-f',
      image: 'dns-f-image:1.0',
      env: [{ name: 'IS_INJECTED', value: 'true' }],
    });
    // The revision carries no hash annotations: Kruise hashes the restored spec; controllerRevision is the revision.
    const restored = { ...withRevision(), spec: copy(recorded) } as SidecarSet;
    const hash = JSON.parse(out.pod.metadata.annotations?.[HASH] ?? '{}');
    expect(hash.sidecarset1).toMatchObject({
      hash: sidecarSetHash(restored),
      controllerRevision: revisionID,
      sidecarList: ['dns-f'],
    });
    expect(hash.sidecarset1.hash).not.toBe('c4k2dbb95d');
    expect(JSON.parse(out.pod.metadata.annotations?.[HASH_NO_IMAGE] ?? '{}').sidecarset1.hash).toBe(
      sidecarSetHashWithoutImage(restored),
    );
  });

  it('a missing revision is an error naming it', () => {
    expect(() => injectPod(copy(pod1), ctx([withRevision()]))).toThrow(SidecarsetError);
    expect(() => injectPod(copy(pod1), ctx([withRevision()]))).toThrow(
      /customVersion "sidecarset1-12345".*pass the ControllerRevision/,
    );
  });
});

describe('TestCanarySidecarSetInjection', () => {
  const stableImage = 'sidecar-image:stable';
  const canaryImage = 'sidecar-image:canary';
  const revisionID = 'sidecarset1-12345';
  const base: SidecarSet = {
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: { name: 'sidecarset1' },
    spec: {
      selector: { matchLabels: { app: 'demo' } },
      containers: [{ name: 'sidecar', image: canaryImage }],
      updateStrategy: { selector: { matchLabels: { canary: 'true' } } },
      injectionStrategy: { revision: { customVersion: revisionID, policy: 'Partial' } },
    },
  };
  const revision = controllerRevision(
    revisionID,
    { containers: [{ name: 'sidecar', image: stableImage }] },
    {
      labels: { [KIND]: 'sidecarset1', [CUSTOM]: revisionID },
      annotations: { [HASH]: 'stable-hash', [HASH_NO_IMAGE]: 'stable-nohash' },
    },
  );
  const stablePod: Pod = {
    metadata: { name: 'test-pod-stable', labels: { app: 'demo' } },
    spec: { containers: [{ name: 'app', image: 'demo' }] },
  };
  const canaryPod: Pod = {
    metadata: { name: 'test-pod-canary', labels: { app: 'demo', canary: 'true' } },
    spec: { containers: [{ name: 'app', image: 'demo' }] },
  };
  const withUpdate = (u: Partial<NonNullable<SidecarSet['spec']['updateStrategy']>>): SidecarSet => {
    const s = copy(base);
    s.spec.updateStrategy = { ...s.spec.updateStrategy, ...u };
    return s;
  };
  const cases: { name: string; pod: Pod; set: SidecarSet; noHistory?: boolean; image?: string; error?: RegExp }[] = [
    { name: 'stable pod', pod: stablePod, set: base, image: stableImage },
    { name: 'canary without partition', pod: canaryPod, set: base, image: canaryImage },
    { name: 'canary with partition 100%', pod: canaryPod, set: withUpdate({ partition: '100%' }), image: stableImage },
    { name: 'canary with partition 0%', pod: canaryPod, set: withUpdate({ partition: '0%' }), image: canaryImage },
    {
      name: 'canary with bad partition',
      pod: canaryPod,
      set: withUpdate({ partition: 'abc%' }),
      error: /partition "abc%"/,
    },
    { name: 'canary no history', pod: canaryPod, set: base, noHistory: true, error: /no such ControllerRevision/ },
    {
      name: 'canary with bad selector',
      pod: canaryPod,
      set: withUpdate({ selector: { matchExpressions: [{ key: 'somekey', operator: 'badOp' }] } }),
      error: /not a valid selector operator/,
    },
    { name: 'canary paused', pod: canaryPod, set: withUpdate({ partition: '0%', paused: true }), image: stableImage },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const run = (): ReturnType<typeof injectPod> =>
        injectPod(copy(c.pod), ctx([copy(c.set)], { revisions: c.noHistory ? [] : [revision] }));
      if (c.error) {
        expect(run).toThrow(c.error);
        return;
      }
      const out = run();
      expect(out.pod.spec.containers).toHaveLength(2);
      expect(out.pod.spec.containers[1].image).toBe(c.image);
    });
  }

  it('a percentage partition between 0% and 100% takes the historical revision (deterministic Partial)', () => {
    const out = injectPod(copy(canaryPod), ctx([withUpdate({ partition: '30%' })], { revisions: [revision] }));
    expect(out.pod.spec.containers[1].image).toBe(stableImage);
    expect(out.injected[0].revision).toBe(revisionID);
    const int = injectPod(copy(canaryPod), ctx([withUpdate({ partition: 3 })], { revisions: [revision] }));
    expect(int.pod.spec.containers[1].image).toBe(canaryImage);
    expect(int.injected[0].revision).toBeUndefined();
  });

  it('ParsePercentageAsFloat64', () => {
    expect(percentageProbability('25%')).toBe(0.25);
    expect(percentageProbability('1e2%')).toBe(1);
    expect(() => percentageProbability('25')).toThrow(/not a percentage/);
    expect(() => percentageProbability('x%')).toThrow(SidecarsetError);
  });
});

describe('finding and restoring a ControllerRevision', () => {
  const s = (): SidecarSet => {
    const out = copy(sidecarSet1);
    out.metadata.annotations = { [HASH]: 'latest-hash', [HASH_NO_IMAGE]: 'latest-nohash', other: 'kept' };
    out.spec.namespaceSelector = { matchLabels: { a: 'b' } };
    out.status = { latestRevision: 'sidecarset1-latest', observedGeneration: 3 };
    return out;
  };

  it('by revisionName: the name alone decides', () => {
    const a = controllerRevision('rev-a', { containers: [] }, { labels: { [KIND]: 'someone-else' } });
    expect(findControllerRevision(s(), { revisionName: 'rev-a' }, [a])).toBe(a);
    expect(findControllerRevision(s(), { revisionName: 'rev-b' }, [a])).toBeUndefined();
  });

  it('by customVersion: own label required, highest revision wins', () => {
    const labels = { [KIND]: 'sidecarset1', [CUSTOM]: 'v1' };
    const r1 = controllerRevision('r1', {}, { labels, revision: 1 });
    const r3 = controllerRevision('r3', {}, { labels, revision: 3 });
    const r2 = controllerRevision('r2', {}, { labels, revision: 2 });
    const foreign = controllerRevision('r9', {}, { labels: { [KIND]: 'other', [CUSTOM]: 'v1' }, revision: 9 });
    const otherVersion = controllerRevision(
      'r8',
      {},
      { labels: { [KIND]: 'sidecarset1', [CUSTOM]: 'v2' }, revision: 8 },
    );
    expect(
      findControllerRevision(s(), { customVersion: 'v1' }, [r1, r3, foreign, r2, otherVersion])?.metadata.name,
    ).toBe('r3');
  });

  it('restoreRevisionInfo: spec from the revision, metadata and status from the current object', () => {
    const rev = controllerRevision(
      'rev-a',
      { containers: [{ name: 'old', image: 'old:1' }], volumes: null, imagePullSecrets: [{ name: 's' }] },
      { annotations: { [HASH]: 'old-hash' } },
    );
    const restored = restoreSidecarSetRevision(s(), rev, fakeHasher);
    expect(restored.spec).toEqual({ containers: [{ name: 'old', image: 'old:1' }], imagePullSecrets: [{ name: 's' }] });
    expect(restored.metadata.name).toBe('sidecarset1');
    expect(restored.metadata.annotations).toEqual({ [HASH]: 'old-hash', [HASH_NO_IMAGE]: 'w-old', other: 'kept' });
    expect(restored.status).toEqual({ latestRevision: 'rev-a', observedGeneration: 3 });
  });

  it('rejects revision data that is not a Kruise SidecarSet revision', () => {
    const rev = { ...controllerRevision('rev-a', {}), data: { spec: { containers: [] } } };
    expect(() => restoreSidecarSetRevision(s(), rev, fakeHasher)).toThrow(/not a SidecarSet revision/);
  });

  it('no revision configured: the latest, as a copy', () => {
    const latest = s();
    const got = getSuitableRevisionSidecarSet(latest, copy(pod1), []);
    expect(got).toEqual({ sidecarSet: latest });
    expect(got.sidecarSet).not.toBe(latest);
  });

  it('Partial: Pods outside the update selector get the historical revision', () => {
    const set = s();
    set.spec.injectionStrategy = { revision: { revisionName: 'rev-a', policy: 'Partial' } };
    set.spec.updateStrategy = { selector: { matchLabels: { canary: 'true' } }, partition: '50%' };
    const rev = controllerRevision(
      'rev-a',
      { containers: [{ name: 'old' }] },
      { annotations: { [HASH]: 'x', [HASH_NO_IMAGE]: 'y' } },
    );
    expect(getSuitableRevisionSidecarSet(set, copy(pod1), [rev]).revision).toBe('rev-a');
  });
});
