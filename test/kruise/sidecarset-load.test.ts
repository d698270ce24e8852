import { describe, expect, it } from 'vitest';
import { SidecarsetError } from '../../src/errors.js';
import { SidecarSetHashAnnotation, SidecarSetHashWithoutImageAnnotation } from '../../src/kruise/apis/types.js';
import { loadSidecarSet } from '../../src/kruise/sidecarcontrol/sidecarset.js';

const DNS_HASH = '6wbd76bd7984x24fb4f44fv9222cw9v9bcf85x766744wddd4zwx927zzz2zb684';
const DNS_HASH_WITHOUT_IMAGE = '82684vwf9d4cb4wz4vffx4ddfbb47ww4z4wwxdbwb8w2zbb7zvf4524cdd49bv94';

function manifest(apiVersion: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) {
  return { apiVersion, kind: 'SidecarSet', metadata: { name: 'test-sidecarset', ...metadata }, spec };
}
const dnsF = { containers: [{ name: 'dns-f', image: 'dns:1.0' }] };

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

function errorOf(f: () => unknown): SidecarsetError {
  try {
    f();
  } catch (e) {
    if (e instanceof SidecarsetError) return e;
    throw e;
  }
  throw new Error('expected a SidecarsetError');
}

// Kruise pkg/webhook/sidecarset/mutating/sidecarset_create_update_handler_test.go
describe('the mutating webhook on create and update', () => {
  it('TestSidecarSetCreateHandlerV1beta1: defaults and hashes', () => {
    const { sidecarSet, apiVersion, replacedHashes } = loadSidecarSet(
      manifest('apps.kruise.io/v1beta1', { ...dnsF, patchPodMetadata: [{ annotations: { key1: 'value1' } }] }),
      { keepHash: false },
    );
    expect(apiVersion).toBe('apps.kruise.io/v1beta1');
    expect(sidecarSet.metadata.annotations).toEqual({
      [SidecarSetHashAnnotation]: DNS_HASH,
      [SidecarSetHashWithoutImageAnnotation]: DNS_HASH_WITHOUT_IMAGE,
    });
    expect(sidecarSet.spec.patchPodMetadata![0].patchPolicy).toBe('Retain');
    expect(replacedHashes).toEqual([]);
  });

  it('TestSidecarSetCreateHandlerV1alpha1: v1alpha1 hashes exactly like v1beta1', () => {
    const { sidecarSet, apiVersion } = loadSidecarSet(manifest('apps.kruise.io/v1alpha1', dnsF), { keepHash: false });
    expect(apiVersion).toBe('apps.kruise.io/v1alpha1');
    expect(sidecarSet.apiVersion).toBe('apps.kruise.io/v1beta1');
    expect(sidecarSet.metadata.annotations![SidecarSetHashAnnotation]).toBe(DNS_HASH);
    expect(sidecarSet.metadata.annotations![SidecarSetHashWithoutImageAnnotation]).toBe(DNS_HASH_WITHOUT_IMAGE);
  });

  it('TestSidecarSetUpdateHandlerV1beta1: a new image changes only the full hash', () => {
    const v2 = loadSidecarSet(
      manifest('apps.kruise.io/v1beta1', { containers: [{ name: 'dns-f', image: 'dns:2.0' }] }),
      {
        keepHash: false,
      },
    ).sidecarSet.metadata.annotations!;
    expect(v2[SidecarSetHashAnnotation]).not.toBe(DNS_HASH);
    expect(v2[SidecarSetHashWithoutImageAnnotation]).toBe(DNS_HASH_WITHOUT_IMAGE);
  });

  it('TestSidecarSetHandlerWithAllDefaults / WithUpdateStrategy / WithInjectionStrategy', () => {
    const { sidecarSet } = loadSidecarSet(
      manifest('apps.kruise.io/v1beta1', {
        selector: { matchLabels: { app: 'test' } },
        containers: [{ name: 'sidecar', image: 'busybox:1.0' }],
        updateStrategy: { type: 'RollingUpdate', partition: 5, maxUnavailable: 2 },
        injectionStrategy: { revision: { customVersion: 'v1' } },
      }),
      { keepHash: false },
    );
    expect(sidecarSet.spec.selector).toEqual({ matchLabels: { app: 'test' } });
    expect(sidecarSet.spec.updateStrategy).toEqual({ type: 'RollingUpdate', partition: 5, maxUnavailable: 2 });
    expect(sidecarSet.spec.injectionStrategy).toEqual({ revision: { customVersion: 'v1', policy: 'Always' } });
    expect(sidecarSet.spec.revisionHistoryLimit).toBe(10);
    expect(sidecarSet.spec.containers![0].imagePullPolicy).toBe('IfNotPresent');
  });

  it('TestSidecarSetHandlerUnsupportedVersion: other versions and kinds are rejected', () => {
    expect(
      errorOf(() => loadSidecarSet(manifest('apps.kruise.io/v1alpha999', dnsF), { keepHash: false })).place.field,
    ).toBe('apiVersion');
    expect(errorOf(() => loadSidecarSet(manifest('apps/v1', dnsF), { keepHash: true })).message).toContain('apps/v1');
    const wrongKind = errorOf(() =>
      loadSidecarSet({ ...manifest('apps.kruise.io/v1beta1', dnsF), kind: 'CloneSet' }, { keepHash: false }),
    );
    expect(wrongKind.place.field).toBe('kind');
    expect(wrongKind.message).toContain('CloneSet');
  });

  it('TestSidecarSetHandlerInvalidJSON: what cannot be decoded is rejected', () => {
    expect(() => loadSidecarSet('invalid json', { keepHash: false })).toThrow(SidecarsetError);
    const e = errorOf(() =>
      loadSidecarSet(
        manifest('apps.kruise.io/v1beta1', { containers: [{ name: 'a', ports: [{ containerPort: '80' }] }] }),
        {
          keepHash: false,
        },
      ),
    );
    expect(e.place.field).toBe('spec.containers[0].ports[0].containerPort');
    expect(() =>
      loadSidecarSet(manifest('apps.kruise.io/v1beta1', dnsF, { annotations: { a: 1 } }), { keepHash: true }),
    ).toThrow(SidecarsetError);
  });
});

describe('replaced hash annotations', () => {
  it('reports input hashes that differ and overwrites them', () => {
    const { sidecarSet, replacedHashes } = loadSidecarSet(
      manifest('apps.kruise.io/v1beta1', dnsF, {
        annotations: {
          [SidecarSetHashAnnotation]: 'stale',
          [SidecarSetHashWithoutImageAnnotation]: DNS_HASH_WITHOUT_IMAGE,
          other: 'x',
        },
      }),
      { keepHash: false },
    );
    expect(replacedHashes).toEqual([{ annotation: SidecarSetHashAnnotation, was: 'stale', now: DNS_HASH }]);
    expect(sidecarSet.metadata.annotations).toEqual({
      [SidecarSetHashAnnotation]: DNS_HASH,
      [SidecarSetHashWithoutImageAnnotation]: DNS_HASH_WITHOUT_IMAGE,
      other: 'x',
    });
  });

  it('a stored copy keeps its explicit defaults, and they are hashed', () => {
    // created with an untagged image (Always), then edited to a tag: the stored Always stays
    const edited = loadSidecarSet(
      manifest('apps.kruise.io/v1beta1', {
        containers: [{ name: 'dns-f', image: 'dns:1.0', imagePullPolicy: 'Always' }],
      }),
      { keepHash: false },
    );
    expect(edited.sidecarSet.spec.containers![0].imagePullPolicy).toBe('Always');
    expect(edited.sidecarSet.metadata.annotations![SidecarSetHashAnnotation]).not.toBe(DNS_HASH);
  });

  it('containers: [] hashes differently from no containers', () => {
    const hash = (spec: Record<string, unknown>) =>
      loadSidecarSet(manifest('apps.kruise.io/v1beta1', spec), { keepHash: false }).sidecarSet.metadata.annotations![
        SidecarSetHashAnnotation
      ];
    expect(hash({ containers: [] })).not.toBe(hash({}));
    expect(hash({ containers: null })).toBe(hash({}));
  });
});

describe('keepHash: an object as stored', () => {
  it('applies no defaults and keeps annotations as given', () => {
    const { sidecarSet, replacedHashes } = loadSidecarSet(
      manifest('apps.kruise.io/v1beta1', dnsF, { annotations: { [SidecarSetHashAnnotation]: 'as-stored' } }),
      { keepHash: true },
    );
    expect(sidecarSet.metadata.annotations).toEqual({ [SidecarSetHashAnnotation]: 'as-stored' });
    expect(sidecarSet.spec).toEqual(dnsF);
    expect(replacedHashes).toEqual([]);
  });

  it('still decodes (unknown keys dropped) and converts', () => {
    const { sidecarSet, apiVersion } = loadSidecarSet(
      manifest('apps.kruise.io/v1alpha1', { namespace: 'ns1', containers: [{ name: 'a', bogus: 1 }] }),
      { keepHash: true },
    );
    expect(apiVersion).toBe('apps.kruise.io/v1alpha1');
    expect(sidecarSet.spec).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ns1' } },
      containers: [{ name: 'a' }],
    });
    expect(sidecarSet.metadata.annotations).toBeUndefined();
  });
});

// Kruise apis/apps/v1alpha1/sidecarset_conversion.go ConvertTo
describe('v1alpha1 to v1beta1 conversion', () => {
  const load = (spec: Record<string, unknown>, metadata?: Record<string, unknown>) =>
    loadSidecarSet(manifest('apps.kruise.io/v1alpha1', spec, metadata), { keepHash: true }).sidecarSet;

  it('turns spec.namespace into a namespaceSelector, winning over namespaceSelector', () => {
    const s = load({ namespace: 'ns1', namespaceSelector: { matchLabels: { team: 'a' } }, ...dnsF });
    expect(s.spec.namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': 'ns1' } });
    expect(s.spec).not.toHaveProperty('namespace');
  });

  it('keeps namespaceSelector when no namespace is set', () => {
    expect(load({ namespace: '', namespaceSelector: { matchLabels: { team: 'a' } } }).spec.namespaceSelector).toEqual({
      matchLabels: { team: 'a' },
    });
  });

  it('moves the custom-version label to spec.customVersion', () => {
    const s = load(dnsF, { labels: { 'apps.kruise.io/sidecarset-custom-version': 'v7', app: 'x' } });
    expect(s.spec.customVersion).toBe('v7');
    expect(s.metadata.labels).toEqual({ app: 'x' });
    expect(
      load(dnsF, { labels: { 'apps.kruise.io/sidecarset-custom-version': 'v7' } }).metadata.labels,
    ).toBeUndefined();
  });

  it('ignores spec.customVersion, which v1alpha1 does not have', () => {
    expect(load({ customVersion: 'v9' }).spec.customVersion).toBeUndefined();
  });

  it('does not touch a v1beta1 custom-version label', () => {
    const s = loadSidecarSet(
      manifest('apps.kruise.io/v1beta1', dnsF, { labels: { 'apps.kruise.io/sidecarset-custom-version': 'v7' } }),
      { keepHash: true },
    ).sidecarSet;
    expect(s.spec.customVersion).toBeUndefined();
    expect(s.metadata.labels).toEqual({ 'apps.kruise.io/sidecarset-custom-version': 'v7' });
  });
});

describe('the input is never mutated', () => {
  it.each([false, true])('keepHash %s', (keepHash) => {
    const input = deepFreeze(
      manifest(
        'apps.kruise.io/v1alpha1',
        {
          namespace: 'ns',
          containers: [
            {
              name: 'a',
              image: 'nginx',
              resources: { limits: { cpu: '0.0001' } },
              livenessProbe: { httpGet: { port: 80 } },
            },
          ],
          volumes: [{ name: 'v', secret: { secretName: 's' } }],
        },
        {
          labels: { 'apps.kruise.io/sidecarset-custom-version': 'v1' },
          annotations: { [SidecarSetHashAnnotation]: 'old' },
        },
      ),
    );
    const before = structuredClone(input);
    const { sidecarSet } = loadSidecarSet(input, { keepHash });
    expect(input).toEqual(before);
    expect(Object.isFrozen(sidecarSet.spec)).toBe(false);
  });
});
