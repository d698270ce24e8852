import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { injectEfkOffline, ROOT } from './harness.js';

describe('inject is offline', () => {
  it('runs the real binary with no kubeconfig and every network call refused', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'sidecarset-offline-'));
    try {
      const r = injectEfkOffline([], { HOME: home, KUBECONFIG: path.join(home, 'no-such-kubeconfig') });
      expect(r.stderr).not.toContain('OFFLINE GUARD');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('- name: filebeat');
      expect(r.stderr).toBe('deployment.apps/nginx -n default: injected filebeat-sidecarset: filebeat\n');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('the guard does catch a network call (so the test above can fail)', () => {
    const r = spawnSync(
      process.execPath,
      ['--require', path.join(ROOT, 'test/cli/offline-guard.cjs'), '-e', "require('node:net').connect(1, '127.0.0.1')"],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(97);
    expect(r.stderr).toContain('OFFLINE GUARD: net.connect attempted');
  });
});
