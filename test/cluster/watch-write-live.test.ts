// Watches (resync after a drop or a 410) and writes (JSON Patch, dry runs) against the faithful API server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type TestApiServer } from '../apiserver/index.js';
import { connect, type Cluster } from '../../src/cluster/connect.js';
import { getObject, names } from '../../src/cluster/read.js';
import { POD } from '../../src/cluster/rest-mapper.js';
import { watchObjects, type WatchEvent } from '../../src/cluster/watch.js';
import { createObject, patchObject } from '../../src/cluster/write.js';
import { failureOf, pod, tempDir } from './live.js';

let api: TestApiServer;
let tmp: ReturnType<typeof tempDir>;
let cluster: Cluster;

beforeAll(async () => {
  api = await startApiServer({
    objects: [pod('web-0', 'apps', { app: 'web' }), pod('db-0', 'apps', { app: 'db' })],
    kubelet: false,
    bookmarkIntervalMs: 100,
  });
  tmp = tempDir('watch');
  cluster = await connect({ kubeconfig: api.writeKubeconfig(tmp.dir, { namespace: 'apps' }) }, {});
}, 60_000);

afterAll(async () => {
  await api?.close();
  tmp?.remove();
});

/** Reads events until `until` says stop; then aborts the watch. */
async function collect(
  events: AsyncGenerator<WatchEvent>,
  until: (seen: WatchEvent[]) => boolean,
  act: (seen: WatchEvent[]) => void,
): Promise<WatchEvent[]> {
  const seen: WatchEvent[] = [];
  for await (const e of events) {
    seen.push(e);
    act(seen);
    if (until(seen)) break;
  }
  return seen;
}

const summary = (e: WatchEvent) =>
  e.type === 'RESYNC'
    ? `RESYNC ${e.reason} ${names(e.objects).sort().join(',')}`
    : `${e.type} ${e.object.metadata?.name}`;

describe('watch', () => {
  it('starts with the state, then changes; a dropped connection resyncs; stops on abort', async () => {
    const stop = new AbortController();
    const events = watchObjects(cluster, POD, { labelSelector: 'app', signal: stop.signal });
    const seen = await collect(
      events,
      (s) => s.length === 5,
      (s) => {
        if (s.length === 1) api.store.put(pod('web-1', 'apps', { app: 'web' }));
        if (s.length === 2) setTimeout(() => api.faults.dropWatches({ resource: 'pods' }), 50);
        if (s.length === 3) api.store.delete('pods', 'apps', 'db-0');
        if (s.length === 4) api.store.put(pod('no-label', 'apps'));
        if (s.length === 4) api.store.put(pod('web-2', 'apps', { app: 'web' }));
      },
    );
    expect(seen.map(summary)).toEqual([
      'RESYNC initial db-0,web-0',
      'ADDED web-1',
      'RESYNC disconnected db-0,web-0,web-1',
      'DELETED db-0',
      'ADDED web-2',
    ]);
    stop.abort();
    expect((await events.next()).done).toBe(true);
  });

  it('a resourceVersion the server no longer has (410 Expired) resyncs; watches ask for bookmarks', async () => {
    const old = api.store.resourceVersion;
    api.store.put(pod('web-3', 'apps', { app: 'web' }));
    api.store.compact();
    const stop = new AbortController();
    const before = api.requests.length;
    const seen = await collect(
      watchObjects(cluster, POD, { resourceVersion: old, signal: stop.signal }),
      (s) => s.length === 2,
      (s) => {
        if (s.length === 1) setTimeout(() => api.store.put(pod('web-4', 'apps')), 300);
      },
    );
    stop.abort();
    expect(seen.map(summary)).toEqual(['RESYNC expired no-label,web-0,web-1,web-2,web-3', 'ADDED web-4']);
    const watches = api.requests.slice(before).filter((r) => r.verb === 'watch');
    expect(watches[0].query).toMatchObject({ resourceVersion: old, allowWatchBookmarks: 'true' });
  });

  it('an abort while waiting ends the iteration at once', async () => {
    const stop = new AbortController();
    const events = watchObjects(cluster, POD, { signal: stop.signal });
    expect((await events.next()).value?.type).toBe('RESYNC');
    setTimeout(() => stop.abort(), 100);
    expect((await events.next()).done).toBe(true);
  });
});

describe('writes', () => {
  it('JSON Patch, with dryRun=All leaving the object as it was', async () => {
    const patch = [{ op: 'add' as const, path: '/metadata/annotations', value: { 'kruise.io/x': '1' } }];
    const dry = await patchObject(cluster, POD, 'web-0', patch, { dryRun: true });
    expect(dry.metadata?.annotations).toEqual({ 'kruise.io/x': '1' });
    expect((await getObject(cluster, POD, 'web-0')).metadata?.annotations).toBeUndefined();
    const done = await patchObject(cluster, POD, 'web-0', patch);
    expect(done.metadata?.annotations).toEqual({ 'kruise.io/x': '1' });
    const sent = api.requests.filter((r) => r.method === 'PATCH');
    expect(sent.map((r) => [r.contentType, r.query.dryRun])).toEqual([
      ['application/json-patch+json', 'All'],
      ['application/json-patch+json', undefined],
    ]);
  });

  it('a failed test operation, a conflict or a 5xx on a write is reported, never retried', async () => {
    expect(
      await failureOf(patchObject(cluster, POD, 'web-0', [{ op: 'test', path: '/metadata/name', value: 'other' }])),
    ).toMatch(/^cannot patch pods "web-0" in namespace "apps" on .*: /);
    api.faults.conflict({ resource: 'pods' });
    expect(
      await failureOf(
        patchObject(cluster, POD, 'web-0', [{ op: 'replace', path: '/metadata/labels/app', value: 'web' }]),
      ),
    ).toMatch(/: conflict: /);
    const before = api.requests.length;
    api.faults.serverError({ resource: 'pods', verb: 'patch' }, { code: 503, times: 3 });
    expect(
      await failureOf(
        patchObject(cluster, POD, 'web-0', [{ op: 'replace', path: '/metadata/labels/app', value: 'web' }]),
      ),
    ).toMatch(/: server error \(HTTP 503\): injected fault$/);
    expect(api.requests.slice(before).filter((r) => r.method === 'PATCH')).toHaveLength(1);
    api.faults.clear();
  });

  it('a server-side dry-run create returns what the server would store, and stores nothing', async () => {
    const out = await createObject(cluster, POD, pod('preview', 'apps'), { dryRun: true });
    expect(out.metadata?.name).toBe('preview');
    expect(out.metadata?.uid).toBeTruthy();
    expect(
      (out.spec as { containers: Array<{ imagePullPolicy?: string }> }).containers[0].imagePullPolicy,
    ).toBeTruthy();
    expect(await failureOf(getObject(cluster, POD, 'preview'))).toMatch(/not found/);
  });

  it('422 names the invalid fields', async () => {
    const bad = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bad', namespace: 'apps' },
      spec: { containers: [{ name: 'app' }] },
    };
    expect(await failureOf(createObject(cluster, POD, bad, { dryRun: true }))).toMatch(
      /^cannot create \(dry run\) pods "bad" in namespace "apps" on .*: invalid: .*spec\.containers\[0\]\.image/,
    );
  });
});
