// A real HTTP API server on loopback for tests: answers the list requests the tool makes with JSON, records
// what it was asked, and can be told to hang. Paired with a real kubeconfig file pointing at it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface FakeCluster {
  namespaces: string[];
  /** namespace -> pod names */
  pods: Record<string, string[]>;
  /** null: the server does not serve SidecarSets (Kruise not installed) */
  sidecarSets: string[] | null;
}

export interface ApiServer {
  url: string;
  /** request paths, in order */
  requests: string[];
  /** when true, requests are accepted and never answered */
  hang: boolean;
  close(): Promise<void>;
}

export async function startApiServer(cluster: FakeCluster): Promise<ApiServer> {
  const pending = new Set<ServerResponse>();
  const state: ApiServer = { url: '', requests: [], hang: false, close: async () => undefined };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    state.requests.push(url.pathname);
    if (state.hang) {
      pending.add(res);
      return;
    }
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const list = (apiVersion: string, kind: string, items: unknown[]) => send(200, { apiVersion, kind, metadata: {}, items });
    const pods = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname);
    if (url.pathname === '/api/v1/namespaces') {
      return list('v1', 'NamespaceList', cluster.namespaces.map((name) => ({ metadata: { name } })));
    }
    if (pods) {
      return list('v1', 'PodList', (cluster.pods[pods[1]] ?? []).map((name) => ({ metadata: { name, namespace: pods[1] } })));
    }
    if (url.pathname === '/apis/apps.kruise.io/v1beta1/sidecarsets' && cluster.sidecarSets) {
      return list(
        'apps.kruise.io/v1beta1',
        'SidecarSetList',
        cluster.sidecarSets.map((name) => ({ apiVersion: 'apps.kruise.io/v1beta1', kind: 'SidecarSet', metadata: { name } })),
      );
    }
    send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the server could not find the requested resource', code: 404 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const res of pending) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/**
 * A kubeconfig with context "main" (namespace "apps") on `server`, and context "elsewhere" on `other`.
 * insecure-skip-tls-verify: the client refuses plain HTTP (our loopback server) without it.
 */
export function writeKubeconfig(dir: string, server: string, other = 'http://127.0.0.1:1'): string {
  const file = path.join(dir, 'kubeconfig');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: main\n  cluster:\n    server: ${server}\n    insecure-skip-tls-verify: true`,
      `- name: elsewhere\n  cluster:\n    server: ${other}\n    insecure-skip-tls-verify: true`,
      'users:',
      '- name: tester\n  user:\n    token: test-token',
      'contexts:',
      '- name: main\n  context:\n    cluster: main\n    user: tester\n    namespace: apps',
      '- name: elsewhere\n  context:\n    cluster: elsewhere\n    user: tester',
      'current-context: main',
      '',
    ].join('\n'),
  );
  return file;
}
