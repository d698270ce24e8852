import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './harness.js';

describe('a reader that stops early', () => {
  it('`inject ... | head -1` on an output larger than a pipe buffer ends quietly with exit 0', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sidecarset-pipe-'));
    try {
      const pod = (i: number) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  payload: "${'x'.repeat(200)}"\n`;
      const file = path.join(dir, 'many.yaml');
      writeFileSync(file, Array.from({ length: 2000 }, (_, i) => pod(i)).join('---\n'));
      const r = spawnSync(
        'bash',
        ['-o', 'pipefail', '-c', `node bin/kubectl-sidecarset inject -q -f ${file} | head -1 >/dev/null`],
        {
          cwd: ROOT,
          encoding: 'utf8',
        },
      );
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
