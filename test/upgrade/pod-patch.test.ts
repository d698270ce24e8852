// upgradePatch / undoPatch: one guarded RFC 6902 patch per Pod, applied here with fast-json-patch as the API
// server applies it.
import jsonPatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { upgradePod } from '../../src/kruise/rollout/in-place-upgrade.js';
import type { Pod } from '../../src/k8s/api.js';
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
