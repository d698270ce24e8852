import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './harness.js';

describe('a reader that stops early', () => {
  it('`--help | head -1` and `inject | head -1` end quietly with exit 0', () => {
    for (const args of ['--help', 'inject -q -f fixtures/efk']) {
      const r = spawnSync('bash', ['-o', 'pipefail', '-c', `node bin/kubectl-sidecarset ${args} | head -1 >/dev/null`], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(r.stderr, args).toBe('');
      expect(r.status, args).toBe(0);
    }
  });
});
