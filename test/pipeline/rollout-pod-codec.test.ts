// Pod records sent from a worker thread (src/pipeline/parallel/rollout-pod-codec.ts) come back equal; records the
// encoding does not carry are refused, not changed.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/k8s/api.js';
import { podRecordReader } from '../../src/kruise/rollout/pod-record.js';
import { type PodRecord } from '../../src/kruise/rollout/types.js';
import { decodeRecords, encodeRecords } from '../../src/pipeline/parallel/rollout-pod-codec.js';
import { randomRollout } from '../kruise/rollout-random.js';

function recordsOf(seed: number): { records: PodRecord[]; hashes: string[] } {
  const input = randomRollout(seed, { maxPods: 60 });
  const read = podRecordReader(input.sidecarSet, input.namespaces);
  const annotations = input.sidecarSet.metadata!.annotations!;
  return {
    records: input.pods.map((p) => read(p)),
    hashes: [annotations['kruise.io/sidecarset-hash'], annotations['kruise.io/sidecarset-hash-without-image']],
  };
}

describe('the Pod records codec', () => {
  it('gives back records equal to those encoded, on random rollouts', () => {
    let matched = 0;
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const { records, hashes } = recordsOf(seed);
      const encoded = encodeRecords(records);
      expect(encoded, `seed ${seed}`).toBeDefined();
      const back = decodeRecords(structuredClone(encoded!), hashes);
      expect(back, `seed ${seed}`).toEqual(records);
      for (const [k, r] of back.entries()) {
        const was = records[k];
        if (!r.matched || !was.matched) continue;
        matched++;
        kinds.add(r.pod.inPlace.kind);
        expect(Object.keys(r.pod)).toEqual(Object.keys(was.pod)); // the same shape as read
      }
    }
    expect(matched).toBeGreaterThan(500);
    expect([...kinds].sort()).toEqual(['absent', 'invalid', 'valid']);
  });

  it('refuses records holding what it does not carry', () => {
    const input = randomRollout(7, { maxPods: 20, calm: true });
    const read = podRecordReader(input.sidecarSet, input.namespaces);
    const pod = structuredClone(input.pods.find((p) => read(p).matched)!);
    const statuses = (p: Pod) => (p.status as { containerStatuses: { restartCount: unknown }[] }).containerStatuses;
    const odd: ((p: Pod) => void)[] = [
      (p) => ((p.metadata!.labels as Record<string, unknown>).n = 3),
      (p) => (statuses(p)[0].restartCount = 2 ** 31),
      (p) => (statuses(p)[0].restartCount = 1.5),
      (p) => ((p.spec!.containers[0] as { image: unknown }).image = 7),
      (p) => ((p.spec as unknown as { nodeName: unknown }).nodeName = ['n']),
      (p) => (p.metadata!.labels = JSON.parse('{"app": "shop", "__proto__": "x"}') as Record<string, string>),
    ];
    expect(encodeRecords([read(pod)])).toBeDefined();
    for (const [k, change] of odd.entries()) {
      const p = structuredClone(pod);
      change(p);
      const record = read(p);
      expect(record.matched, `change ${k}`).toBe(true);
      expect(encodeRecords([read(structuredClone(pod)), record]), `change ${k}`).toBeUndefined();
    }
  });
});
