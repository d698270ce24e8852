// Watches through client-node's Watch: events, selectors, resourceVersion start points, bookmarks, 410.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type TestApiServer } from './index.js';
import { eventually, failureStatus, kubeConfigFor, tempDir } from './testing.js';

const pod = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'apps', labels },
  spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] },
});

let api: TestApiServer;
let tmp: ReturnType<typeof tempDir>;
let kc: k8s.KubeConfig;

beforeAll(async () => {
  api = await startApiServer({ kubelet: false, objects: [pod('a', { app: 'web' })], bookmarkIntervalMs: 50 });
  tmp = tempDir();
  kc = kubeConfigFor(api, tmp.dir, { namespace: 'apps' });
});

afterAll(async () => {
  await api.close();
  tmp.remove();
});

interface Seen {
  events: Array<{ type: string; name?: string; rv?: string; object: any }>;
  done: Promise<unknown>;
  abort: AbortController;
}

async function watch(path: string, query: Record<string, string | number | boolean>): Promise<Seen> {
  const events: Seen['events'] = [];
  let finish!: (err: unknown) => void;
  const done = new Promise((resolve) => (finish = resolve));
  const abort = await new k8s.Watch(kc).watch(
    path,
    query,
    (type, object) =>
      events.push({ type, name: object?.metadata?.name, rv: object?.metadata?.resourceVersion, object }),
    (err) => finish(err ?? 'closed'),
  );
  return { events, done, abort };
}

describe('watch', () => {
  it('starts with ADDED for what exists, then reports changes in order', async () => {
    const w = await watch('/api/v1/namespaces/apps/pods', {});
    await eventually(() => w.events.length === 1);
    api.store.put(pod('b'));
    api.store.put({ ...pod('b'), metadata: { ...pod('b').metadata, labels: { v: '2' } } });
    api.store.delete('pods', 'apps', 'b');
    await eventually(() => w.events.length === 4);
    expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED a', 'ADDED b', 'MODIFIED b', 'DELETED b']);
    const rvs = w.events.slice(1).map((e) => Number(e.rv));
    expect(rvs).toEqual([...rvs].sort((x, y) => x - y));
    w.abort.abort();
  });

  it('starts after a resourceVersion and replays what came since', async () => {
    const start = api.store.resourceVersion;
    api.store.put(pod('c'));
    api.store.delete('pods', 'apps', 'c');
    const w = await watch('/api/v1/namespaces/apps/pods', { resourceVersion: start });
    await eventually(() => w.events.length === 2);
    expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED c', 'DELETED c']);
    w.abort.abort();
  });

  it('follows the label selector: objects moving in and out are ADDED and DELETED', async () => {
    const w = await watch('/api/v1/namespaces/apps/pods', {
      labelSelector: 'app=web',
      resourceVersion: api.store.resourceVersion,
    });
    api.store.put(pod('d'));
    api.store.put(pod('d', { app: 'web' }));
    api.store.put(pod('d', { app: 'db' }));
    await eventually(() => w.events.length === 2);
    expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED d', 'DELETED d']);
    w.abort.abort();
    api.store.delete('pods', 'apps', 'd');
  });

  it('answers a too-old resourceVersion with an ERROR event carrying 410 Expired', async () => {
    const old = api.store.resourceVersion;
    api.store.put(pod('e'));
    api.store.compact();
    const w = await watch('/api/v1/namespaces/apps/pods', { resourceVersion: old });
    await w.done;
    expect(w.events).toHaveLength(1);
    expect(w.events[0].type).toBe('ERROR');
    expect(JSON.stringify(w.events[0].object)).toBe(
      failureStatus(410, 'Expired', `too old resource version: ${old} (${api.store.resourceVersion})`),
    );
  });

  it('sends BOOKMARKs when allowed, and ends at timeoutSeconds', async () => {
    const w = await watch('/api/v1/namespaces/apps/pods', {
      allowWatchBookmarks: true,
      resourceVersion: api.store.resourceVersion,
      timeoutSeconds: 1,
    });
    await eventually(() => w.events.some((e) => e.type === 'BOOKMARK'));
    const bookmark = w.events.find((e) => e.type === 'BOOKMARK')!;
    expect(bookmark.object).toEqual({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { resourceVersion: api.store.resourceVersion },
    });
    expect(await w.done).toBe('closed');
  });

  it('watches one object through the /watch/ path and a field selector', async () => {
    const legacy = await watch('/api/v1/watch/namespaces/apps/pods/a', {});
    const selected = await watch('/api/v1/pods', { fieldSelector: 'metadata.name=a' });
    api.store.put(pod('f'));
    api.store.put(pod('a', { app: 'web', n: '2' }));
    await eventually(() => legacy.events.length === 2 && selected.events.length === 2);
    for (const w of [legacy, selected]) {
      expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED a', 'MODIFIED a']);
      w.abort.abort();
    }
    expect(api.requests.some((r) => r.path === '/api/v1/watch/namespaces/apps/pods/a' && r.verb === 'watch')).toBe(
      true,
    );
  });

  it('serves SidecarSet watches at the version asked for', async () => {
    const w = await watch('/apis/apps.kruise.io/v1alpha1/sidecarsets', {});
    api.store.put({ apiVersion: 'apps.kruise.io/v1beta1', kind: 'SidecarSet', metadata: { name: 's' }, spec: {} });
    await eventually(() => w.events.length === 1);
    expect(w.events[0].object.apiVersion).toBe('apps.kruise.io/v1alpha1');
    w.abort.abort();
  });
});
