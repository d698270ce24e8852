// Reads through the real client against the faithful API server: get, selectors, scopes, pages, RBAC, retries.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type TestApiServer } from '../apiserver/index.js';
import { connect, type Cluster } from '../../src/cluster/connect.js';
import { sidecarSetType } from '../../src/cluster/discovery.js';
import { getObject, listObjects, listPages, names } from '../../src/cluster/read.js';
import { NAMESPACE, POD } from '../../src/cluster/rest-mapper.js';
import { failureOf, pod, tempDir } from './live.js';

const PODS = 10_000;
const READER = 'reader-token-5f1e2d3c4b5a';
let api: TestApiServer;
let tmp: ReturnType<typeof tempDir>;
let cluster: Cluster;

beforeAll(async () => {
  const objects = [
    pod('web-0', 'apps', { app: 'web', tier: 'front' }),
    pod('web-1', 'apps', { app: 'web' }),
    pod('db-0', 'apps', { app: 'db' }),
    pod('cart-0', 'shop', { app: 'web' }),
  ];
  for (let i = 0; i < PODS; i++) objects.push(pod(`many-${String(i).padStart(5, '0')}`, 'big', { app: 'many' }));
  api = await startApiServer({
    objects,
    kubelet: false,
    tokens: {
      [READER]: {
        user: 'reader',
        rules: [{ verbs: ['get', 'list'], resources: ['pods'], apiGroups: [''], namespaces: ['apps'] }],
      },
    },
  });
  tmp = tempDir('read');
  cluster = await connect({ kubeconfig: api.writeKubeconfig(tmp.dir, { namespace: 'apps' }) }, {});
}, 120_000);

afterAll(async () => {
  await api?.close();
  tmp?.remove();
});

describe('reads: objects, selectors, scopes', () => {
  it('gets one object, and says when it is not there', async () => {
    expect((await getObject(cluster, POD, 'web-0')).metadata?.labels).toEqual({ app: 'web', tier: 'front' });
    expect((await getObject(cluster, POD, 'cart-0', { namespace: 'shop' })).metadata?.namespace).toBe('shop');
    expect(await failureOf(getObject(cluster, POD, 'nope'))).toBe(
      `cannot get pods "nope" in namespace "apps" on ${cluster.server}: not found: pods "nope" not found`,
    );
  });

  it('lists with label and field selectors, in one namespace, all namespaces, or cluster-scoped', async () => {
    const list = async (opts: Parameters<typeof listObjects>[2]) =>
      names((await listObjects(cluster, POD, opts)).items).sort();
    expect(await list({ labelSelector: 'app=web' })).toEqual(['web-0', 'web-1']);
    expect(await list({ labelSelector: 'app in (web,db),!tier' })).toEqual(['db-0', 'web-1']);
    expect(await list({ labelSelector: 'app=web', allNamespaces: true })).toEqual(['cart-0', 'web-0', 'web-1']);
    expect(await list({ fieldSelector: 'metadata.name=db-0' })).toEqual(['db-0']);
    expect(await list({ namespace: 'shop' })).toEqual(['cart-0']);
    expect(names((await listObjects(cluster, NAMESPACE)).items)).toContain('big');
    const all = await connect({ kubeconfig: path.join(tmp.dir, 'kubeconfig'), allNamespaces: true }, {});
    expect((await listObjects(all, POD, { labelSelector: 'app=web' })).items).toHaveLength(3);
  });

  it('pages through 10,000 Pods with limit/continue; one snapshot; bounded memory', async () => {
    const before = api.requests.length;
    let pages = 0;
    let count = 0;
    const versions = new Set<string>();
    // What the caller holds at its peak, as JSON bytes (the heap is shared with the server in this process).
    const held = { paged: 0, whole: 0 };
    for await (const page of listPages(cluster, POD, { namespace: 'big', pageSize: 500 })) {
      pages++;
      count += page.items.length;
      versions.add(page.resourceVersion);
      held.paged = Math.max(held.paged, JSON.stringify(page.items).length);
    }
    expect(count).toBe(PODS);
    expect(pages).toBe(PODS / 500);
    expect(versions.size).toBe(1);
    const sent = api.requests.slice(before).filter((r) => r.verb === 'list');
    expect(sent).toHaveLength(pages);
    expect(sent[0].query.limit).toBe('500');
    expect(sent[1].query.continue).toBeTruthy();
    const whole = await listObjects(cluster, POD, { namespace: 'big', pageSize: 0 });
    held.whole = JSON.stringify(whole.items).length;
    expect(whole.items).toHaveLength(PODS);
    // A note, not an assertion.
    console.log(
      `listing ${PODS} Pods: the caller holds at most ${mb(held.paged)} paging by 500, ${mb(held.whole)} listing at once`,
    );
  }, 180_000);

  it('an expired continue token fails the list with what to do', async () => {
    const pages = listPages(cluster, POD, { namespace: 'big', pageSize: 1000 });
    expect((await pages.next()).done).toBe(false);
    api.store.put(pod('late', 'big'));
    api.store.compact();
    expect(await failureOf(pages.next())).toBe(
      `cannot list pods in namespace "big" on ${cluster.server}: the list expired after 1 page(s) of 1000 (the continue token is too old); run it again, or with a larger page size`,
    );
  });
});

describe('reads: what the server refuses', () => {
  it('RBAC: 403 names the missing permission', async () => {
    const file = api.writeKubeconfig(tmp.dir, { fileName: 'reader', token: READER, namespace: 'shop' });
    const reader = await connect({ kubeconfig: file }, {});
    expect(await failureOf(listObjects(reader, POD))).toMatch(
      /^cannot list pods in namespace "shop" on https:\/\/127\.0\.0\.1:\d+: forbidden: pods is forbidden: User "reader" cannot list resource "pods" in API group "" in the namespace "shop"$/,
    );
    expect(names((await listObjects(reader, POD, { namespace: 'apps' })).items)).toHaveLength(3);
  });

  it('401: credentials rejected', async () => {
    const file = api.writeKubeconfig(tmp.dir, { fileName: 'stale', token: 'expired-token-0000' });
    const stale = await connect({ kubeconfig: file }, {});
    expect(await failureOf(listObjects(stale, POD))).toBe(
      `cannot list pods in namespace "default" on ${stale.server}: unauthorized: the server rejected the credentials of user "test" (log in again, or check the kubeconfig's user)`,
    );
  });

  it('429 with Retry-After and 503 are retried; a lasting 503 gives up after bounded attempts', async () => {
    api.faults.throttle({ resource: 'pods', verb: 'list' }, { times: 1, retryAfterSeconds: 1 });
    api.faults.serverError({ resource: 'pods', verb: 'list' }, { times: 2, code: 503 });
    const started = Date.now();
    expect(names((await listObjects(cluster, POD, { labelSelector: 'app=db' })).items)).toEqual(['db-0']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    api.faults.serverError({ resource: 'pods', verb: 'get' }, { times: 100, code: 503, message: 'etcd is down' });
    try {
      expect(await failureOf(getObject(cluster, POD, 'web-0'))).toMatch(
        /: server error \(HTTP 503\): etcd is down \(gave up after 5 attempts in [\d.]+s\)$/,
      );
    } finally {
      api.faults.clear();
    }
  });

  it('retries stay within --request-timeout: a Retry-After beyond it fails at once', async () => {
    const quick = await connect({ kubeconfig: path.join(tmp.dir, 'kubeconfig'), requestTimeout: '2s' }, {});
    api.faults.throttle({ resource: 'pods' }, { times: 1, retryAfterSeconds: 5 });
    try {
      const started = Date.now();
      expect(await failureOf(listObjects(quick, POD))).toMatch(
        /: too many requests.* \(the server asks to retry after 5s, beyond --request-timeout\)$/,
      );
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      api.faults.clear();
    }
  });

  it('SidecarSets are listed at the version discovery found', async () => {
    const type = await sidecarSetType(cluster);
    expect((await listObjects(cluster, type)).items).toEqual([]);
    expect(api.requests.some((r) => r.path === '/apis/apps.kruise.io/v1beta1/sidecarsets')).toBe(true);
  });
});

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
