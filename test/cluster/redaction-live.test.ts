// Credentials never reach a message: plant tokens (kubeconfig, token file, exec plugin) and read every error.
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type TestApiServer } from '../apiserver/index.js';
import { connect } from '../../src/cluster/connect.js';
import { getObject, listObjects } from '../../src/cluster/read.js';
import { POD } from '../../src/cluster/rest-mapper.js';
import { patchObject } from '../../src/cluster/write.js';
import { failureOf, tempDir } from './live.js';

const PLANTED = 'planted-secret-token-8c1f9a7e';
const EXEC_SECRET = 'exec-printed-secret-3d2b1a';
let api: TestApiServer;
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  api = await startApiServer({ kubelet: false });
  tmp = tempDir('redact');
}, 60_000);

afterAll(async () => {
  await api?.close();
  tmp?.remove();
});

function kubeconfig(name: string, server: string, user: Record<string, unknown>): string {
  const file = path.join(tmp.dir, name);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'c',
      clusters: [
        { name: 'c', cluster: { server, 'certificate-authority-data': Buffer.from(api.caPem).toString('base64') } },
      ],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    }),
  );
  return file;
}

describe('no credential in any error', () => {
  it('every failure text leaves out the planted token', async () => {
    // The server echoes the token in its messages, the worst case for a message built from its answers.
    api.faults.serverError({}, { times: 1000, code: 503, message: `token ${PLANTED} rejected` });
    const tokenFile = path.join(tmp.dir, 'token');
    writeFileSync(tokenFile, PLANTED);
    const plugin = path.join(tmp.dir, 'plugin.sh');
    writeFileSync(plugin, `#!/bin/sh\necho "plugin failed for ${EXEC_SECRET} and ${PLANTED}" >&2\nexit 1\n`);
    chmodSync(plugin, 0o755);
    const configs = [
      kubeconfig('token', api.url, { token: PLANTED }),
      kubeconfig('token-file', api.url, { 'token-file': tokenFile }),
      kubeconfig('refused', 'https://127.0.0.1:1', { token: PLANTED }),
      kubeconfig('basic', api.url, { username: 'admin', password: PLANTED }),
      kubeconfig('exec-fails', api.url, {
        exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, env: [{ name: 'X', value: PLANTED }] },
      }),
    ];
    const texts: string[] = [];
    try {
      for (const file of configs) {
        const c = await connect({ kubeconfig: file, requestTimeout: '3s' }, {});
        texts.push(await failureOf(listObjects(c, POD)));
        texts.push(await failureOf(getObject(c, POD, PLANTED.slice(0, 3))));
        texts.push(await failureOf(patchObject(c, POD, 'x', [{ op: 'remove', path: '/metadata/labels' }])));
      }
    } finally {
      api.faults.clear();
    }
    expect(texts).toHaveLength(15);
    for (const t of texts) expect(t).not.toContain(PLANTED);
    // They are still useful: each says what failed and why.
    expect(texts.filter((t) => t.includes('[redacted]')).length).toBeGreaterThan(0);
    expect(texts.some((t) => /exec|credentials/.test(t))).toBe(true);
  });
});
