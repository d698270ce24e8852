// Watching a collection, the way client-go's reflector keeps a cache true:
//
//   watchObjects(cluster, type, opts)   an async iterator of WatchEvents; stops when opts.signal aborts (or the
//                                       caller leaves the loop)
//
// Without opts.resourceVersion it first lists and yields a RESYNC with the whole state. It then watches from the
// last resourceVersion seen (bookmarks are asked for and only move that version on). When the watch cannot go
// on — the connection drops or ends, or the server says 410 Gone/Expired — it lists again and yields a RESYNC:
// the caller replaces its state with `objects` and carries on, so no change is ever missed. Reconnecting waits
// with backoff; MAX_FAILURES failures in a row end the watch with the last error.
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';
import type { Cluster } from './connect.js';
import { describeCollection, listObjects, namespaceOf, type KubeObject, type ListOptions } from './read.js';
import { resourcePath, type ResourceType } from './rest-mapper.js';
import { backoff, failure, openStream, sleep } from './transport.js';

export type WatchEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject }
  /** the whole current state; `reason` says why it was read again */
  | { type: 'RESYNC'; objects: KubeObject[]; resourceVersion: string; reason: 'initial' | 'expired' | 'disconnected' };

export interface WatchOptions extends ListOptions {
  /** start after this version (from an earlier list); without it, the watch starts with a list */
  resourceVersion?: string;
}

const MAX_FAILURES = 5;
const STABLE_MS = 30_000;

interface RawEvent {
  type?: string;
  object?: KubeObject & { code?: number; reason?: string; message?: string };
}

export async function* watchObjects(
  cluster: Cluster,
  type: ResourceType,
  opts: WatchOptions = {},
): AsyncGenerator<WatchEvent> {
  const signal = opts.signal;
  const all = opts.allNamespaces || (opts.namespace === undefined && cluster.allNamespaces);
  const namespace = all ? undefined : namespaceOf(cluster, type, opts);
  const scope: ListOptions = { ...opts, namespace, allNamespaces: all };
  const what = describeCollection(type, namespace, opts);
  let rv = opts.resourceVersion;
  let failures = 0;
  let resync: 'initial' | 'expired' | 'disconnected' | undefined = rv === undefined ? 'initial' : undefined;

  while (!signal?.aborted) {
    if (resync) {
      let state;
      try {
        state = await listObjects(cluster, type, scope);
      } catch (err) {
        if (signal?.aborted) return;
        if (++failures >= MAX_FAILURES || !(err instanceof ApiError) || !retryable(err)) throw err;
        await sleep(backoff(failures), signal);
        continue;
      }
      rv = state.resourceVersion;
      yield { type: 'RESYNC', objects: state.items, resourceVersion: rv, reason: resync };
      resync = undefined;
    }
    let res: IncomingMessage;
    try {
      res = await openStream(cluster, {
        method: 'GET',
        path: resourcePath(type, namespace),
        query: {
          watch: 1,
          allowWatchBookmarks: true,
          resourceVersion: rv,
          labelSelector: opts.labelSelector,
          fieldSelector: opts.fieldSelector,
        },
        verb: 'watch',
        what,
        signal,
      });
    } catch (err) {
      if (signal?.aborted) return;
      if (err instanceof ApiError && err.code === 410) {
        resync = 'expired';
        continue;
      }
      if (++failures >= MAX_FAILURES || !(err instanceof ApiError) || !retryable(err)) throw err;
      await sleep(backoff(failures), signal);
      resync = 'disconnected';
      continue;
    }
    resync = 'disconnected';
    const opened = Date.now();
    try {
      for await (const ev of events(res, signal)) {
        failures = 0;
        const obj = ev.object;
        if (ev.type === 'BOOKMARK') {
          rv = obj?.metadata?.resourceVersion ?? rv;
        } else if (ev.type === 'ERROR') {
          if (obj?.code === 410) {
            resync = 'expired';
            break;
          }
          throw failure(
            cluster,
            { verb: 'watch', what },
            obj?.code ?? 0,
            obj?.reason ?? 'Error',
            obj?.message ?? 'the server ended the watch with an error',
          );
        } else if (obj && (ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED')) {
          rv = obj.metadata?.resourceVersion ?? rv;
          yield { type: ev.type, object: obj };
        }
      }
    } catch (err) {
      if (err instanceof ApiError) throw err;
      // A dropped connection: read the state again below.
    } finally {
      res.destroy();
    }
    if (resync === 'disconnected' && !signal?.aborted) {
      // A watch that lasted ended normally (servers close watches every so often): not a failure in a row.
      if (Date.now() - opened > STABLE_MS) failures = 0;
      if (++failures >= MAX_FAILURES)
        throw failure(
          cluster,
          { verb: 'watch', what },
          0,
          'Disconnected',
          `the watch kept dropping (${failures} times in a row)`,
        );
      await sleep(backoff(failures), signal);
    }
  }
}

// A 401/403/404 will not go away by asking again; a reset, a timeout, 429 or 5xx may.
function retryable(err: ApiError): boolean {
  return err.code === 0 ? err.reason !== 'AbortError' : err.code === 429 || err.code >= 500;
}

/** The newline-delimited JSON events of a watch response. */
async function* events(res: IncomingMessage, signal?: AbortSignal): AsyncGenerator<RawEvent> {
  const onAbort = () => res.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let rest = '';
    res.setEncoding('utf8');
    for await (const chunk of res as AsyncIterable<string>) {
      rest += chunk;
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        const line = rest.slice(0, nl).trim();
        rest = rest.slice(nl + 1);
        if (line !== '') yield JSON.parse(line) as RawEvent;
      }
    }
    if (rest.trim() !== '') yield JSON.parse(rest) as RawEvent;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
