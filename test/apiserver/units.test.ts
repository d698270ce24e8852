// The server's pure parts on their own: selectors, patches, Pod update validation, ages, fixtures.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serialNumber } from './certs.js';
import { demoObjects } from './demo.js';
import { loadObjects } from './fixtures.js';
import { applyMergePatch, applyStrategicMergePatch } from './patch.js';
import { resourceTypes } from './resources.js';
import { fieldSelector, labelSelector, parseLabelSelector } from './selectors.js';
import { ApiError } from './status.js';
import { POD_UPDATE_FORBIDDEN, validatePodUpdate } from './validation.js';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures');

describe('certificate serial numbers', () => {
  it('are positive and minimally encoded, whatever the random bytes (OpenSSL refuses padded integers)', () => {
    for (const first of [0x00, 0x05, 0x7f, 0x80, 0xff]) {
      const random = Buffer.alloc(16, 0xab);
      random[0] = first;
      const hex = serialNumber(random);
      expect(hex).toHaveLength(32);
      const lead = parseInt(hex.slice(0, 2), 16);
      expect(lead).toBeGreaterThanOrEqual(0x01);
      expect(lead).toBeLessThanOrEqual(0x7f);
    }
  });
});

describe('label selectors', () => {
  it('parses every operator', () => {
    expect(parseLabelSelector('a=1, b==2,c!=3,d in (x, y),e notin (z),f,!g')).toEqual([
      { key: 'a', op: 'in', values: ['1'] },
      { key: 'b', op: 'in', values: ['2'] },
      { key: 'c', op: 'notin', values: ['3'] },
      { key: 'd', op: 'in', values: ['x', 'y'] },
      { key: 'e', op: 'notin', values: ['z'] },
      { key: 'f', op: 'exists' },
      { key: 'g', op: '!exists' },
    ]);
  });

  it('matches as Kubernetes does: != and notin match a missing key', () => {
    expect(labelSelector('a!=1')({})).toBe(true);
    expect(labelSelector('a notin (1)')({ a: '2' })).toBe(true);
    expect(labelSelector('a in (1)')({})).toBe(false);
    expect(labelSelector('kruise.io/inject=true')({ 'kruise.io/inject': 'true' })).toBe(true);
    expect(labelSelector('')({ any: 'thing' })).toBe(true);
  });

  it('rejects malformed selectors with 400', () => {
    for (const bad of ['a in (', '=x', 'a b', 'a=b=c']) {
      expect(() => parseLabelSelector(bad), bad).toThrow(ApiError);
    }
  });
});

describe('field selectors', () => {
  it('selects Pods by node and phase, any kind by name and namespace', () => {
    const pod = { metadata: { name: 'p', namespace: 'n' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } };
    expect(fieldSelector('spec.nodeName=n1,status.phase!=Pending', 'Pod')(pod)).toBe(true);
    expect(fieldSelector('metadata.name==q', 'ConfigMap')(pod)).toBe(false);
    expect(() => fieldSelector('spec.nodeName=n1', 'ConfigMap')).toThrow('field label not supported: spec.nodeName');
  });
});

describe('patches', () => {
  it('merge patch: null deletes, objects merge, lists replace', () => {
    expect(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [3] })).toEqual({
      a: { c: 2, d: 3 },
      l: [3],
    });
  });

  it('strategic merge: containers by name, env by name, directives', () => {
    const pod = {
      spec: {
        containers: [
          { name: 'app', image: 'a:1', env: [{ name: 'X', value: '1' }] },
          { name: 'side', image: 's:1' },
        ],
        tolerations: [{ key: 'a' }],
      },
    };
    const out: any = applyStrategicMergePatch(pod, {
      spec: {
        '$setElementOrder/containers': [{ name: 'app' }, { name: 'side' }],
        containers: [
          { name: 'app', env: [{ name: 'Y', value: '2' }] },
          { name: 'side', $patch: 'delete' },
          { name: 'new', image: 'n:1' },
        ],
        tolerations: [{ key: 'b' }],
      },
    });
    expect(out.spec.containers).toEqual([
      {
        name: 'app',
        image: 'a:1',
        env: [
          { name: 'X', value: '1' },
          { name: 'Y', value: '2' },
        ],
      },
      { name: 'new', image: 'n:1' },
    ]);
    // tolerations have no merge key: replaced
    expect(out.spec.tolerations).toEqual([{ key: 'b' }]);
    expect(applyStrategicMergePatch({ a: { b: 1 } }, { a: { $patch: 'replace', c: 2 } })).toEqual({ a: { c: 2 } });
    expect(applyStrategicMergePatch({ l: [{ name: 'x' }] }, { l: [{ $patch: 'replace' }, { name: 'y' }] })).toEqual({
      l: [{ name: 'y' }],
    });
    expect(
      applyStrategicMergePatch({ metadata: { finalizers: ['a'] } }, { metadata: { finalizers: ['b', 'a'] } }),
    ).toEqual({ metadata: { finalizers: ['a', 'b'] } });
  });
});

describe('ValidatePodUpdate', () => {
  const pods = resourceTypes(null).find((t) => t.resource === 'pods')!;
  const pod = (spec: Record<string, unknown>) => ({
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image: 'i:1' }], ...spec },
  });
  const check = (before: any, after: any) => {
    try {
      validatePodUpdate(pods, before, after);
      return 'ok';
    } catch (e) {
      return (e as ApiError).status.message!;
    }
  };

  it('allows the mutable fields', () => {
    expect(check(pod({}), pod({ containers: [{ name: 'c', image: 'i:2' }] }))).toBe('ok');
    expect(check(pod({ tolerations: [{ key: 'a' }] }), pod({ tolerations: [{ key: 'a' }, { key: 'b' }] }))).toBe('ok');
    expect(check(pod({}), pod({ activeDeadlineSeconds: 10 }))).toBe('ok');
    expect(check(pod({ terminationGracePeriodSeconds: -1 }), pod({ terminationGracePeriodSeconds: 1 }))).toBe('ok');
  });

  it('forbids everything else, including adding or removing containers', () => {
    const forbidden = `Pod "p" is invalid: spec: Forbidden: ${POD_UPDATE_FORBIDDEN}\n`;
    expect(check(pod({ tolerations: [{ key: 'a' }] }), pod({ tolerations: [] }))).toMatch(
      /^Pod "p" is invalid: spec: Forbidden: pod updates/,
    );
    expect(check(pod({}), pod({ nodeName: 'x' }))).toContain(forbidden);
    expect(
      check(
        pod({}),
        pod({
          containers: [
            { name: 'c', image: 'i:1' },
            { name: 'd', image: 'x' },
          ],
        }),
      ),
    ).toContain(forbidden);
    expect(check(pod({ terminationGracePeriodSeconds: 30 }), pod({ terminationGracePeriodSeconds: 1 }))).toContain(
      forbidden,
    );
    expect(check(pod({}), pod({ containers: [{ name: 'c', image: '' }] }))).toBe(
      'Pod "p" is invalid: spec.containers[0].image: Required value',
    );
  });
});

describe('fixtures', () => {
  it('loads every document of a file or a directory, opening Lists', () => {
    const pods = loadObjects(path.join(fixtures, 'rollout/pods.yaml'));
    expect(pods.length).toBeGreaterThan(1);
    expect(pods.every((p) => p.kind === 'Pod')).toBe(true);
    const all = loadObjects(fixtures);
    expect(all.filter((o) => o.kind === 'SidecarSet').length).toBeGreaterThanOrEqual(7);
  });

  it('builds running Pods for the Deployments of the demo cluster', () => {
    const objects = demoObjects(fixtures);
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    for (const d of deployments) {
      const pods = objects.filter(
        (o) =>
          o.kind === 'Pod' && o.metadata.ownerReferences && (o.metadata.name ?? '').startsWith(`${d.metadata.name}-`),
      );
      expect(pods.length, d.metadata.name).toBeGreaterThan(0);
      expect(pods[0].metadata.labels).toMatchObject(d.spec.template.metadata.labels);
    }
  });
});
