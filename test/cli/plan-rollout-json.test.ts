// plan-rollout -o json writes the plan in pieces (100,000 Pods are a hundred megabytes of JSON): the pieces
// must make exactly the text of JSON.stringify(plan, null, 2).
import { describe, expect, it } from 'vitest';
import { jsonPieces } from '../../src/cli/plan-rollout.js';

const text = (v: object, slice?: number) => [...jsonPieces(v, slice)].join('');
const expected = (v: object) => JSON.stringify(v, null, 2) + '\n';

describe('jsonPieces', () => {
  const plan = {
    apiVersion: 'kubectl-sidecarset/v1',
    skipped: undefined,
    batches: Array.from({ length: 7 }, (_, k) => ({
      batch: k + 1,
      pods: [{ name: `p-${k}`, images: [] }],
      note: 'ünïcode → ok',
    })),
    empty: [],
    small: [1, 2],
    nested: { a: [{ b: null }], c: 'x' },
    pods: Array.from({ length: 10 }, (_, k) => ({
      name: `pod-${k}`,
      position: k,
      ready: k % 2 === 0,
      gone: undefined,
    })),
    last: 'end',
  };

  it('equals JSON.stringify with 2 spaces, whatever the slice size', () => {
    for (const slice of [1, 2, 3, 6, 7, 10, 2000]) expect(text(plan, slice), `slice ${slice}`).toBe(expected(plan));
  });

  it('cuts long arrays into several pieces', () => {
    expect([...jsonPieces(plan, 3)].length).toBeGreaterThan(5);
  });

  it('handles an empty object and a long array last', () => {
    expect(text({})).toBe(expected({}));
    const v = { xs: [1, 2, 3, 4, 5] };
    expect(text(v, 2)).toBe(expected(v));
  });
});
