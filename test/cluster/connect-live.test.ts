// Connecting by kubectl's rules, against a real HTTPS API server on loopback through the real client library.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type TestApiServer } from '../apiserver/index.js';
import { connect, type ClusterFlags, type Env } from '../../src/cluster/connect.js';
import { listObjects, names } from '../../src/cluster/read.js';
import { NAMESPACE, POD } from '../../src/cluster/rest-mapper.js';
import { failureOf, pod, tempDir } from './live.js';

let api: TestApiServer;
let tmp: ReturnType<typeof tempDir>;
const b64 = (s: string) => Buffer.from(s).toString('base64');

beforeAll(async () => {
  api = await startApiServer({
    objects: [pod('web-0', 'apps'), pod('solo', 'default'), pod('edge-0', 'edge')],
    tokens: {
      'reader-token-0123456789': { user: 'reader', rules: [{ verbs: ['get', 'list', 'watch'], resources: ['*'] }] },
    },
  });
  tmp = tempDir('connect');
}, 60_000);

afterAll(async () => {
  await api?.close();
  tmp?.remove();
});

/** A kubeconfig file of our own making, pointing at the test server. */
function kubeconfig(name: string, body: Record<string, unknown>): string {
  const file = path.join(tmp.dir, name);
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'Config', ...body }));
  return file;
}

const cluster = (name: string, server = api.url) => ({
  name,
  cluster: { server, 'certificate-authority-data': b64(api.caPem) },
});
const podNames = async (flags: ClusterFlags, env: Env = {}) =>
  names((await listObjects(await connect(flags, env), POD)).items);

describe('connect: kubeconfig, contexts and overrides', () => {
  it('uses the current context and its namespace, and -n over it', async () => {
    const file = api.writeKubeconfig(path.join(tmp.dir, 'plain'), { namespace: 'apps' });
    const c = await connect({ kubeconfig: file }, {});
    expect(c.namespace).toBe('apps');
    expect(c.server).toBe(api.url);
    expect(await podNames({ kubeconfig: file })).toEqual(['web-0']);
    expect(await podNames({ kubeconfig: file, namespace: 'default' })).toEqual(['solo']);
    expect((await podNames({ kubeconfig: file, allNamespaces: true })).sort()).toEqual(['edge-0', 'solo', 'web-0']);
  });

  it('merges the files of $KUBECONFIG: first entry wins, current-context from the first file setting it', async () => {
    const a = kubeconfig('merge-a', {
      clusters: [cluster('main')],
      users: [{ name: 'admin', user: { token: api.token } }],
      contexts: [{ name: 'work', context: { cluster: 'main', user: 'admin', namespace: 'apps' } }],
    });
    const b = kubeconfig('merge-b', {
      'current-context': 'work',
      clusters: [cluster('main', 'https://127.0.0.1:1')],
      users: [{ name: 'admin', user: { token: 'wrong-token' } }],
      contexts: [
        { name: 'work', context: { cluster: 'main', user: 'admin', namespace: 'default' } },
        { name: 'edge', context: { cluster: 'main', user: 'admin', namespace: 'edge' } },
      ],
    });
    const env = { KUBECONFIG: [path.join(tmp.dir, 'absent'), a, b].join(path.delimiter) };
    expect(await podNames({}, env)).toEqual(['web-0']);
    expect(await podNames({ context: 'edge' }, env)).toEqual(['edge-0']);
  });

  it('--context, --cluster and --user replace parts of the context', async () => {
    const file = kubeconfig('overrides', {
      'current-context': 'broken',
      clusters: [cluster('good'), cluster('dead', 'https://127.0.0.1:1')],
      users: [
        { name: 'admin', user: { token: api.token } },
        { name: 'stranger', user: { token: 'not-a-known-token' } },
      ],
      contexts: [
        { name: 'broken', context: { cluster: 'dead', user: 'stranger', namespace: 'apps' } },
        { name: 'fine', context: { cluster: 'good', user: 'admin', namespace: 'default' } },
      ],
    });
    expect(await podNames({ kubeconfig: file, context: 'fine' })).toEqual(['solo']);
    expect(await podNames({ kubeconfig: file, cluster: 'good', user: 'admin' })).toEqual(['web-0']);
    expect(await failureOf(podNames({ kubeconfig: file, cluster: 'good' }))).toMatch(
      /^cannot list pods in namespace "apps" on https:\/\/127\.0\.0\.1:\d+: unauthorized: the server rejected the credentials of user "stranger"/,
    );
    expect(await failureOf(connect({ kubeconfig: file, context: 'nope' }, {}))).toMatch(
      /^context "nope" \(--context\) does not exist in the kubeconfig /,
    );
    expect(await failureOf(connect({ kubeconfig: file, cluster: 'nope' }, {}))).toMatch(
      /^cluster "nope" \(--cluster\) does not exist/,
    );
    expect(await failureOf(connect({ kubeconfig: file, user: 'nope' }, {}))).toMatch(
      /^user "nope" \(--user\) does not exist/,
    );
  });

  it('no kubeconfig at all: one clear line, not a quiet try of localhost:8080', async () => {
    const home = path.join(tmp.dir, 'empty-home');
    mkdirSync(home, { recursive: true });
    expect(await failureOf(connect({}, { HOME: home }))).toBe(
      'no kubeconfig: there is no ~/.kube/config and $KUBECONFIG is not set; set --kubeconfig or $KUBECONFIG, or create ~/.kube/config',
    );
    expect(await failureOf(connect({}, { HOME: home, KUBECONFIG: path.join(home, 'gone') }))).toMatch(
      /^no kubeconfig: \$KUBECONFIG \(.*gone\) names no existing file/,
    );
    expect(await failureOf(connect({ kubeconfig: path.join(home, 'gone') }, {}))).toMatch(
      /--kubeconfig\) does not exist/,
    );
  });

  it('in a Pod with no kubeconfig: the mounted service account', async () => {
    const sa = path.join(tmp.dir, 'serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(path.join(sa, 'token'), 'reader-token-0123456789');
    writeFileSync(path.join(sa, 'ca.crt'), api.caPem);
    writeFileSync(path.join(sa, 'namespace'), 'edge');
    const url = new URL(api.url);
    const env = {
      HOME: path.join(tmp.dir, 'empty-home'),
      KUBERNETES_SERVICE_HOST: url.hostname,
      KUBERNETES_SERVICE_PORT: url.port,
    };
    const c = await connect({}, env, { serviceAccountDir: sa });
    expect(c.namespace).toBe('edge');
    expect(names((await listObjects(c, POD)).items)).toEqual(['edge-0']);
  });

  it('an exec credential plugin supplies the token, as for gke/aks/eks', async () => {
    const bin = path.join(tmp.dir, 'plugin', 'bin');
    mkdirSync(bin, { recursive: true });
    const script = path.join(bin, 'auth-plugin');
    writeFileSync(
      script,
      '#!/bin/sh\n' +
        'printf \'{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\' "$PLUGIN_TOKEN"\n',
    );
    chmodSync(script, 0o755);
    const file = path.join(tmp.dir, 'plugin', 'kubeconfig');
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'gke',
        clusters: [cluster('gke')],
        // A relative command with a separator is relative to the kubeconfig's directory, as in kubectl.
        users: [
          {
            name: 'gke',
            user: {
              exec: {
                apiVersion: 'client.authentication.k8s.io/v1',
                command: './bin/auth-plugin',
                env: [{ name: 'PLUGIN_TOKEN', value: api.token }],
                interactiveMode: 'Never',
              },
            },
          },
        ],
        contexts: [{ name: 'gke', context: { cluster: 'gke', user: 'gke', namespace: 'apps' } }],
      }),
    );
    expect(await podNames({ kubeconfig: file })).toEqual(['web-0']);
    expect(api.requests.some((r) => r.user === 'kubernetes-admin' && r.path === '/api/v1/namespaces/apps/pods')).toBe(
      true,
    );
  });
});

describe('connect: failures to reach the server, each one line and within --request-timeout', () => {
  it('connection refused', async () => {
    const file = kubeconfig('refused', {
      'current-context': 'x',
      clusters: [cluster('x', 'https://127.0.0.1:1')],
      users: [{ name: 'u', user: { token: api.token } }],
      contexts: [{ name: 'x', context: { cluster: 'x', user: 'u' } }],
    });
    expect(await failureOf(podNames({ kubeconfig: file }))).toBe(
      'cannot list pods in namespace "default" on https://127.0.0.1:1: connection refused by https://127.0.0.1:1: is the API server running, and is this the right host and port?',
    );
  });

  it('a server that accepts and never answers fails at --request-timeout', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const file = kubeconfig('silent', {
        'current-context': 'x',
        clusters: [cluster('x', `https://127.0.0.1:${port}`)],
        users: [{ name: 'u', user: { token: api.token } }],
        contexts: [{ name: 'x', context: { cluster: 'x', user: 'u' } }],
      });
      const started = Date.now();
      expect(await failureOf(podNames({ kubeconfig: file, requestTimeout: '1s' }))).toBe(
        `cannot list pods in namespace "default" on https://127.0.0.1:${port}: timed out: no answer from https://127.0.0.1:${port} within 1s (--request-timeout)`,
      );
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      silent.close();
    }
  });

  it('the API server hanging on a request fails at --request-timeout too', async () => {
    const file = api.writeKubeconfig(path.join(tmp.dir, 'hang'));
    api.faults.hang({ resource: 'namespaces' }, 3);
    try {
      const started = Date.now();
      const c = await connect({ kubeconfig: file, requestTimeout: '500ms' }, {});
      expect(await failureOf(listObjects(c, NAMESPACE))).toMatch(
        /timed out: no answer from .* within 0\.5s \(--request-timeout\)$/,
      );
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      api.faults.clear();
    }
  });

  it('a server certificate no trusted CA signed (the kubeconfig names no CA)', async () => {
    const file = kubeconfig('no-ca', {
      'current-context': 'x',
      clusters: [{ name: 'x', cluster: { server: api.url } }],
      users: [{ name: 'u', user: { token: api.token } }],
      contexts: [{ name: 'x', context: { cluster: 'x', user: 'u' } }],
    });
    expect(await failureOf(podNames({ kubeconfig: file }))).toMatch(
      /^cannot list pods .*: TLS verification of https:\/\/127\.0\.0\.1:\d+ failed: .*\(check the cluster's certificate-authority in the kubeconfig\)$/,
    );
  });

  it('a host name that does not resolve', async () => {
    const file = kubeconfig('dns', {
      'current-context': 'x',
      clusters: [cluster('x', 'https://no-such-host.invalid:6443')],
      users: [{ name: 'u', user: { token: api.token } }],
      contexts: [{ name: 'x', context: { cluster: 'x', user: 'u' } }],
    });
    expect(await failureOf(podNames({ kubeconfig: file, requestTimeout: '10s' }))).toBe(
      'cannot list pods in namespace "default" on https://no-such-host.invalid:6443: cannot resolve the host of https://no-such-host.invalid:6443 (DNS lookup failed)',
    );
  });
});
