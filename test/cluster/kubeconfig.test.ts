import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  kubeconfigFiles,
  kubeconfigNamespace,
  loadKubeconfig,
  readKubeconfig,
  selectContext,
} from '../../src/cluster/kubeconfig.js';
import { SidecarsetError } from '../../src/errors.js';

let dir: string;
let first: string;
let second: string;

// Two files that both name cluster "shared", user "shared" and context "shared": the first file's entries win.
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sidecarset-kubeconfig-'));
  mkdirSync(path.join(dir, 'a'));
  mkdirSync(path.join(dir, 'b'));
  first = path.join(dir, 'a', 'config');
  second = path.join(dir, 'b', 'config');
  writeFileSync(
    first,
    `apiVersion: v1
kind: Config
clusters:
- name: shared
  cluster: {server: https://first.example:6443, certificate-authority: ca.crt}
users:
- name: shared
  user: {token: first-token, client-key: keys/client.key}
contexts:
- name: shared
  context: {cluster: shared, user: shared, namespace: from-first}
`,
  );
  writeFileSync(
    second,
    `apiVersion: v1
kind: Config
current-context: only-second
clusters:
- name: shared
  cluster: {server: https://second.example:6443}
- name: other
  cluster: {server: https://other.example:6443, certificate-authority: /abs/ca.crt}
users:
- name: shared
  user: {token: second-token}
- name: plugin
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/auth, args: [token]}
- name: onpath
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: gke-gcloud-auth-plugin}
contexts:
- name: shared
  context: {cluster: other, user: shared, namespace: from-second}
- name: only-second
  context: {cluster: other, user: plugin, namespace: team}
- name: no-namespace
  context: {cluster: shared, user: shared}
`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = () => ({ KUBECONFIG: [path.join(dir, 'missing'), first, second].join(path.delimiter), HOME: dir });

describe('kubeconfig: files and merging by kubectl rules', () => {
  it('reads $KUBECONFIG in order, skipping missing files; --kubeconfig alone, and it must exist', () => {
    expect(kubeconfigFiles({}, env())).toEqual([first, second]);
    expect(kubeconfigFiles({ kubeconfig: second }, env())).toEqual([second]);
    expect(() => kubeconfigFiles({ kubeconfig: path.join(dir, 'nope') }, env())).toThrow(
      /the kubeconfig ".*nope" \(--kubeconfig\) does not exist/,
    );
    expect(kubeconfigFiles({}, { HOME: path.join(dir, 'a') })).toEqual([]);
    mkdirSync(path.join(dir, 'home', '.kube'), { recursive: true });
    writeFileSync(path.join(dir, 'home', '.kube', 'config'), readFileSync(second));
    expect(kubeconfigFiles({}, { HOME: path.join(dir, 'home') })).toEqual([path.join(dir, 'home', '.kube', 'config')]);
  });

  it('the first file that names an entry wins, whole; current-context from the first file that sets it', () => {
    const c = readKubeconfig({}, env());
    expect(c.clusters.get('shared')?.body.server).toBe('https://first.example:6443');
    expect(c.users.get('shared')?.body.token).toBe('first-token');
    expect(c.contexts.get('shared')?.body).toEqual({ cluster: 'shared', user: 'shared', namespace: 'from-first' });
    expect([...c.clusters.keys()]).toEqual(['shared', 'other']);
    expect(c.currentContext).toBe('only-second');
  });

  it('makes file references absolute relative to the file that holds them; a bare exec command stays on PATH', () => {
    const c = readKubeconfig({}, env());
    expect(c.clusters.get('shared')?.body['certificate-authority']).toBe(path.join(dir, 'a', 'ca.crt'));
    expect(c.clusters.get('other')?.body['certificate-authority']).toBe('/abs/ca.crt');
    expect(c.users.get('shared')?.body['client-key']).toBe(path.join(dir, 'a', 'keys', 'client.key'));
    expect((c.users.get('plugin')?.body.exec as { command: string }).command).toBe(path.join(dir, 'b', 'bin', 'auth'));
    expect((c.users.get('onpath')?.body.exec as { command: string }).command).toBe('gke-gcloud-auth-plugin');
  });

  it('selects the context, then --cluster, --user and -n override its parts', () => {
    const c = readKubeconfig({}, env());
    expect(selectContext(c, {})).toMatchObject({
      name: 'only-second',
      clusterName: 'other',
      userName: 'plugin',
      namespace: 'team',
    });
    expect(selectContext(c, { context: 'no-namespace' })).toMatchObject({
      clusterName: 'shared',
      namespace: 'default',
    });
    const o = selectContext(c, { context: 'shared', cluster: 'other', user: 'plugin', namespace: 'ns' });
    expect(o).toMatchObject({ name: 'shared', clusterName: 'other', userName: 'plugin', namespace: 'ns' });
    expect(o.cluster.server).toBe('https://other.example:6443');
  });

  it('says in one line which context, cluster or user does not exist', () => {
    const c = readKubeconfig({}, env());
    const message = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(SidecarsetError);
        return (err as Error).message;
      }
      throw new Error('no error');
    };
    expect(message(() => selectContext(c, { context: 'nope' }))).toMatch(
      /^context "nope" \(--context\) does not exist in the kubeconfig /,
    );
    expect(message(() => selectContext(c, { cluster: 'nope' }))).toMatch(
      /^cluster "nope" \(--cluster\) does not exist/,
    );
    expect(message(() => selectContext(c, { user: 'nope' }))).toMatch(/^user "nope" \(--user\) does not exist/);
    writeFileSync(path.join(dir, 'bad'), 'clusters: [\n');
    expect(message(() => readKubeconfig({ kubeconfig: path.join(dir, 'bad') }, {}))).toMatch(
      /^cannot read the kubeconfig .*bad: /,
    );
  });
});

describe('kubeconfigNamespace: where `kubectl apply` would place an object, from files only', () => {
  it('-n, else the current context namespace, else default', () => {
    expect(kubeconfigNamespace({ namespace: 'x' }, env())).toBe('x');
    expect(kubeconfigNamespace({}, env())).toBe('team');
    expect(kubeconfigNamespace({ context: 'shared' }, env())).toBe('from-first');
    expect(kubeconfigNamespace({ context: 'no-namespace' }, env())).toBe('default');
    expect(kubeconfigNamespace({}, { HOME: path.join(dir, 'a') })).toBe('default');
    expect(() => kubeconfigNamespace({ context: 'nope' }, env())).toThrow(
      /context "nope" \(--context\) does not exist/,
    );
  });

  it('never loads the client library: its import graph stays within yaml and node:', () => {
    const seen = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(file, 'utf8');
      expect(src).not.toMatch(/from '@kubernetes\/client-node'|import\('@kubernetes/);
      for (const m of src.matchAll(/^import (?!type)[^;]*? from '(\.[^']+)'/gm))
        walk(path.resolve(path.dirname(file), m[1].replace(/\.js$/, '.ts')));
    };
    walk(path.resolve('src/cluster/kubeconfig.ts'));
    expect(seen.size).toBeGreaterThan(1);
  });
});

describe('in-cluster config: used when no kubeconfig configures anything and a service account is mounted', () => {
  it('takes host and port from the environment, the namespace from $POD_NAMESPACE or the mounted file', () => {
    const sa = path.join(dir, 'sa');
    mkdirSync(sa, { recursive: true });
    writeFileSync(path.join(sa, 'token'), 'sa-token');
    writeFileSync(path.join(sa, 'namespace'), 'kube-apps\n');
    const podEnv = { HOME: path.join(dir, 'a'), KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
    const c = loadKubeconfig({}, podEnv, { serviceAccountDir: sa });
    const ctx = selectContext(c, {});
    expect(ctx.cluster).toEqual({ server: 'https://10.0.0.1:443', 'certificate-authority': path.join(sa, 'ca.crt') });
    expect(ctx.user).toEqual({ 'token-file': path.join(sa, 'token') });
    expect(ctx.namespace).toBe('kube-apps');
    expect(kubeconfigNamespace({}, { ...podEnv, POD_NAMESPACE: 'mine' }, { serviceAccountDir: sa })).toBe('mine');
    expect(
      selectContext(
        loadKubeconfig({}, { ...podEnv, KUBERNETES_SERVICE_HOST: 'fd00::1' }, { serviceAccountDir: sa }),
        {},
      ).cluster.server,
    ).toBe('https://[fd00::1]:443');
    // A kubeconfig, when there is one, wins; no service host means no in-cluster config.
    expect(loadKubeconfig({}, { ...podEnv, KUBECONFIG: second }, { serviceAccountDir: sa }).currentContext).toBe(
      'only-second',
    );
    expect(loadKubeconfig({}, { HOME: path.join(dir, 'a') }, { serviceAccountDir: sa }).contexts.size).toBe(0);
  });
});
