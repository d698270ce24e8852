// fixtures/rollout/pods.yaml is generated: it must be what the generator makes today.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, renderRolloutFixturePods } from './rollout-fixture.js';

describe('fixtures/rollout/pods.yaml', () => {
  it('is what test/kruise/rollout-fixture.ts generates', () => {
    const file = path.join(FIXTURE_DIR, 'pods.yaml');
    const text = renderRolloutFixturePods();
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, text);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
