// upgradePatch / undoPatch: one guarded RFC 6902 patch per Pod, applied here with fast-json-patch as the API
// server applies it.
import fc from 'fast-check';
import jsonPatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { upgradePod } from '../../src/kruise/rollout/in-place-upgrade.js';
import type { Pod } from '../../src/k8s/api.js';
import { SidecarsetError } from '../../src/errors.js';
import { snapshotOf, undoPatch, upgradePatch } from '../../src/upgrade/pod-patch.js';
import { podDemo, sidecarSetDemo } from '../kruise/rollout-helpers.js';

function livePod(): Pod {
  const pod = podDemo();
  pod.metadata.resourceVersion = '42';
  return pod;
}

function after(before: Pod): Pod {
  const r = upgradePod(sidecarSetDemo(), before, { now: '2026-12-04T10:00:00Z' });
  if (r.kind !== 'upgrade') throw new Error(r.kind);
  return r.pod;
}

describe('upgradePatch', () => {
  it('starts with its preconditions and takes the Pod to exactly the upgraded one', () => {
    const before = livePod();
    const patch = upgradePatch(before, after(before));
    expect(patch.slice(0, 2)).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '42' },
      { op: 'test', path: '/spec/containers/1/name', value: 'test-sidecar' },
    ]);
    expect(jsonPatch.applyPatch(structuredClone(before), patch, true).newDocument).toEqual(after(before));
  });

  it('fails when the resourceVersion moved', () => {
    const before = livePod();
    const patch = upgradePatch(before, after(before));
    const moved = { ...structuredClone(before), metadata: { ...before.metadata, resourceVersion: '43' } };
    expect(() => jsonPatch.applyPatch(moved, patch, true)).toThrow();
  });

  it('refuses a difference outside sidecar images and annotations', () => {
    const before = livePod();
    const changed = structuredClone(before);
    changed.spec.containers[0].image = 'nginx:2';
    expect(() => upgradePatch(before, changed)).toThrow(/not a sidecar/);
    const env = structuredClone(before);
    env.spec.containers[1].env = [];
    expect(() => upgradePatch(before, env)).toThrow(/only sidecar images/);
  });
});

describe('undoPatch', () => {
  it('gives the Pod back what it had', () => {
    const before = livePod();
    const up = after(before);
    const touched = { containers: ['test-sidecar'], annotations: Object.keys(up.metadata.annotations ?? {}) };
    const previous = snapshotOf(before, touched);
    const patch = undoPatch(up, previous, snapshotOf(up, touched));
    if ('conflict' in patch) throw new Error(patch.conflict);
    expect(jsonPatch.applyPatch(structuredClone(up), patch, true).newDocument).toEqual(before);
  });
});

describe('upgradePatch, preconditions', () => {
  it('fails when a container moved to another index', () => {
    const before = livePod();
    const patch = upgradePatch(before, after(before));
    const moved = structuredClone(before);
    moved.spec.containers.reverse();
    expect(() => jsonPatch.applyPatch(moved, patch, true)).toThrow();
  });

  it('fails when an old value it replaces changed', () => {
    const before = livePod();
    const patch = upgradePatch(before, after(before));
    const edited = structuredClone(before);
    edited.spec.containers[1].image = 'test-image:v1.1';
    expect(() => jsonPatch.applyPatch(edited, patch, true)).toThrow();
  });

  it('escapes annotation keys per RFC 6901', () => {
    const before = livePod();
    const target = structuredClone(before);
    target.metadata.annotations!['a/b~c'] = 'x';
    expect(upgradePatch(before, target).at(-1)).toEqual({
      op: 'add',
      path: '/metadata/annotations/a~1b~0c',
      value: 'x',
    });
  });
});

describe('upgradePatch, property: only sidecar images and annotations, and the patch reaches the target', () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
  const image = fc.stringMatching(/^[a-z]{1,6}:v[0-9]$/);
  const container = fc.record({ name, image, sidecar: fc.boolean() });
  const annotations = fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), { maxKeys: 5 });
  const podArb = fc
    .record({
      containers: fc.uniqueArray(container, { minLength: 1, maxLength: 5, selector: (c) => c.name }),
      annotations,
      newImages: fc.array(fc.option(image), { maxLength: 5 }),
      newAnnotations: annotations,
      dropped: fc.array(fc.string({ maxLength: 12 }), { maxLength: 2 }),
    })
    .map(({ containers, annotations, newImages, newAnnotations, dropped }) => {
      const before: Pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'ns', resourceVersion: '7', annotations },
        spec: {
          containers: containers.map((c) => ({
            name: c.name,
            image: c.image,
            ...(c.sidecar ? { env: [{ name: 'IS_INJECTED', value: 'true' }] } : {}),
          })),
        },
      };
      const target = structuredClone(before);
      target.spec.containers.forEach((c, i) => {
        if (newImages[i] && c.env) c.image = newImages[i];
      });
      Object.assign(target.metadata.annotations!, newAnnotations);
      for (const k of dropped) delete target.metadata.annotations![k];
      return { before, target };
    });

  it('holds for generated Pods', () => {
    fc.assert(
      fc.property(podArb, ({ before, target }) => {
        const patch = upgradePatch(before, target);
        for (const op of patch) {
          if (op.op === 'test') continue;
          const m = /^\/spec\/containers\/(\d+)\/image$/.exec(op.path);
          if (m) expect(before.spec.containers[Number(m[1])].env).toBeDefined();
          else expect(op.path).toMatch(/^\/metadata\/annotations\/[^/]*$/);
        }
        expect(jsonPatch.applyPatch(structuredClone(before), patch, true).newDocument).toEqual(target);
      }),
    );
  });

  it('refuses any change to a container that is not a sidecar', () => {
    fc.assert(
      fc.property(podArb, image, ({ before }, img) => {
        const plain = before.spec.containers.findIndex((c) => !c.env);
        fc.pre(plain >= 0 && before.spec.containers[plain].image !== img);
        const target = structuredClone(before);
        target.spec.containers[plain].image = img;
        expect(() => upgradePatch(before, target)).toThrow(SidecarsetError);
      }),
    );
  });
});
