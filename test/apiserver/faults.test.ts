// Fault injection and the request log, as a test of the tool would use them.
import * as k8s from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type TestApiServer } from './index.js';
import { eventually, failureStatus, kubeConfigFor, rawRequest, statusOf, tempDir } from './testing.js';

let api: TestApiServer;
let tmp: ReturnType<typeof tempDir>;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;

beforeAll(async () => {
  api = await startApiServer({
    kubelet: false,
    objects: [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'apps' },
        spec: { containers: [{ name: 'c', image: 'i:1' }] },
      },
    ],
  });
  tmp = tempDir();
  kc = kubeConfigFor(api, tmp.dir, { namespace: 'apps' });
  core = kc.makeApiClient(k8s.CoreV1Api);
});

afterEach(() => api.faults.clear());

afterAll(async () => {
  await api.close();
  tmp.remove();
});

const label = (value: string) =>
  core.patchNamespacedPod(
    { name: 'p', namespace: 'apps', body: { metadata: { labels: { v: value } } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );

describe('faults', () => {
  it('delays matching requests', async () => {
    api.faults.delay({ verb: 'get', resource: 'pods' }, 150);
    const t = Date.now();
    await core.readNamespacedPod({ name: 'p', namespace: 'apps' });
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
  });

  it('fails the next N matching requests with 500 or 503, then serves again', async () => {
    api.faults.serverError({ verb: 'list' }, { times: 2, message: 'etcd is sad' });
    const first = await statusOf(core.listNamespacedPod({ namespace: 'apps' }));
    expect(JSON.stringify(first.body)).toBe(
      failureStatus(500, 'InternalError', 'Internal error occurred: etcd is sad', {
        causes: [{ message: 'etcd is sad' }],
      }),
    );
    expect((await statusOf(core.listNamespacedPod({ namespace: 'apps' }))).code).toBe(500);
    expect((await core.listNamespacedPod({ namespace: 'apps' })).items).toHaveLength(1);
    api.faults.serverError({ path: /\/pods\/p$/ }, { code: 503, message: 'try later' });
    expect((await statusOf(core.readNamespacedPod({ name: 'p', namespace: 'apps' }))).body).toMatchObject({
      code: 503,
      reason: 'ServiceUnavailable',
    });
  });

  it('throttles with 429 and Retry-After', async () => {
    api.faults.throttle({ method: 'GET' }, { retryAfterSeconds: 3 });
    const throttled = await statusOf(core.readNamespacedPod({ name: 'p', namespace: 'apps' }));
    expect(throttled.code).toBe(429);
    expect(throttled.headers['retry-after']).toBe('3');
    expect(throttled.body).toMatchObject({
      reason: 'TooManyRequests',
      message: 'Too many requests, please try again later.',
      details: { retryAfterSeconds: 3 },
    });
  });

  it('makes the next N matching writes conflict, and leaves reads alone', async () => {
    api.faults.conflict({ resource: 'pods', predicate: (r) => r.name === 'p' }, 2);
    await core.readNamespacedPod({ name: 'p', namespace: 'apps' });
    expect((await statusOf(label('1'))).body.message).toBe(
      'Operation cannot be fulfilled on pods "p": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect((await statusOf(label('2'))).code).toBe(409);
    expect((await label('3')).metadata?.labels?.v).toBe('3');
  });

  it('hangs matching requests until the client gives up', async () => {
    api.faults.hang({ verb: 'get' }, 1);
    await expect(rawRequest(api, '/api/v1/namespaces/apps/pods/p', { timeoutMs: 200 })).rejects.toThrow('timed out');
    expect(api.requests.at(-1)?.verb).toBe('get');
    expect(api.requests.at(-1)?.status).toBeUndefined();
    expect((await core.readNamespacedPod({ name: 'p', namespace: 'apps' })).metadata?.name).toBe('p');
  });

  it('drops open watches', async () => {
    let closed: unknown;
    const events: string[] = [];
    await new k8s.Watch(kc).watch(
      '/api/v1/namespaces/apps/pods',
      {},
      (type) => events.push(type),
      (err) => (closed = err ?? 'closed'),
    );
    await eventually(() => events.length === 1);
    expect(api.faults.dropWatches({ resource: 'pods' })).toBe(1);
    await eventually(() => closed !== undefined);
  });
});

describe('request log', () => {
  it('records method, path, query, content type, user and verb', async () => {
    await label('logged');
    const patch = api.requests.filter((r) => r.method === 'PATCH').pop()!;
    expect(patch).toMatchObject({
      path: '/api/v1/namespaces/apps/pods/p',
      contentType: 'application/merge-patch+json',
      user: 'kubernetes-admin',
      verb: 'patch',
      resource: 'pods',
      namespace: 'apps',
      name: 'p',
      status: 200,
    });
    await core.listNamespacedPod({ namespace: 'apps', labelSelector: 'a=b', limit: 5 });
    expect(api.requests.at(-1)?.query).toEqual({ labelSelector: 'a=b', limit: '5' });
  });
});
