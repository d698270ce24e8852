// get, list (selectors, limit/continue over a consistent snapshot) and watch.
import { fieldSelector, labelSelector } from './selectors.js';
import { errors } from './status.js';
import { listItem, present } from './objects.js';
import { sendJson, type Call } from './context.js';
import type { KubeObject, StoreEvent } from './store.js';
import { toTable, wantsTable, type IncludeObject } from './table.js';

const EXPIRED_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(text: string): ContinueToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as ContinueToken;
    if (token.v !== 'meta.k8s.io/v1' || typeof token.rv !== 'number' || typeof token.start !== 'string')
      throw new Error('bad');
    return token;
  } catch {
    throw errors.badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
}

function includeObject(call: Call): IncludeObject {
  const v = call.url.searchParams.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** A matcher for the label and field selectors of the request (and the name of a single-object watch). */
export function filterOf(call: Call): (o: KubeObject) => boolean {
  const labels = labelSelector(call.url.searchParams.get('labelSelector'));
  const fields = fieldSelector(call.url.searchParams.get('fieldSelector'), call.target.resource.kind);
  const { namespace, name } = call.target;
  const scoped = call.target.resource.namespaced && namespace !== '';
  return (o) =>
    (!scoped || o.metadata.namespace === namespace) &&
    (!name || o.metadata.name === name) &&
    labels(o.metadata.labels ?? {}) &&
    fields(o);
}

export function handleGet(call: Call): void {
  const { resource, version, namespace, name } = call.target;
  const object = call.state.store.get(resource, namespace, name);
  if (!object) throw errors.notFound(resource, name);
  const out = present(resource, version, object);
  if (wantsTable(call.req.headers.accept)) {
    sendJson(
      call.res,
      200,
      toTable(resource, [out], { resourceVersion: out.metadata.resourceVersion }, includeObject(call)),
    );
  } else {
    sendJson(call.res, 200, out);
  }
}

export function handleList(call: Call): void {
  const { resource, version, namespace } = call.target;
  const { store } = call.state;
  const params = call.url.searchParams;
  const filter = filterOf(call);
  const limit = Number(params.get('limit') ?? 0);
  const cont = params.get('continue');
  let rv = store.resourceVersion;
  let start = '';
  if (cont) {
    const token = decodeContinue(cont);
    if (token.rv < store.oldestResourceVersion) throw errors.expired(EXPIRED_CONTINUE);
    rv = token.rv;
    start = token.start;
  } else if (params.get('resourceVersionMatch') === 'Exact' && params.get('resourceVersion')) {
    rv = Number(params.get('resourceVersion'));
  }
  const scope = resource.namespaced && namespace ? namespace : undefined;
  const all = rv === store.resourceVersion ? store.list(resource, scope) : store.listAt(resource, scope, rv);
  const matching = all.filter(filter).filter((o) => keyOf(o) > start);
  const page = limit > 0 ? matching.slice(0, limit) : matching;
  const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
  if (page.length < matching.length) {
    metadata.continue = encodeContinue({ v: 'meta.k8s.io/v1', rv, start: keyOf(page[page.length - 1]) });
    // Kubernetes counts the rest only when no selector makes the count expensive.
    if (!params.get('labelSelector') && !params.get('fieldSelector'))
      metadata.remainingItemCount = matching.length - page.length;
  }
  if (wantsTable(call.req.headers.accept)) {
    const objects = page.map((o) => present(resource, version, o));
    sendJson(call.res, 200, toTable(resource, objects, metadata, includeObject(call)));
    return;
  }
  sendJson(call.res, 200, {
    kind: `${resource.kind}List`,
    apiVersion: resource.group ? `${resource.group}/${version}` : version,
    metadata,
    items: page.map((o) => listItem(resource, version, o)),
  });
}

type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export function handleWatch(call: Call): void {
  const { resource, version } = call.target;
  const { store, faults } = call.state;
  const params = call.url.searchParams;
  const filter = filterOf(call);
  const table = wantsTable(call.req.headers.accept);
  const include = includeObject(call);
  const bookmarks = params.get('allowWatchBookmarks') === 'true';
  const rvParam = params.get('resourceVersion') ?? '';
  const initialEvents = params.get('sendInitialEvents') === 'true';
  const timeoutSeconds = Number(params.get('timeoutSeconds') ?? 0);
  // Validate before the 200 goes out: a bad selector is a plain 400.
  filter({ metadata: {} } as KubeObject);
  const { res } = call;
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache, private',
  });
  res.flushHeaders();
  call.record.status = 200;
  const send = (type: WatchType, object: unknown) => {
    if (res.writableEnded || res.destroyed) return;
    let body = object;
    if (table && (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')) {
      const o = object as KubeObject;
      body = toTable(resource, [o], { resourceVersion: o.metadata.resourceVersion }, include);
    }
    res.write(`${JSON.stringify({ type, object: body })}\n`);
  };
  const out = (o: KubeObject) => present(resource, version, o);
  const bookmark = (annotations?: Record<string, string>) =>
    send('BOOKMARK', {
      kind: resource.kind,
      apiVersion: resource.group ? `${resource.group}/${version}` : version,
      metadata: { resourceVersion: String(store.resourceVersion), ...(annotations ? { annotations } : {}) },
    });

  // What a change means to this watcher: an object that starts or stops matching the selector is ADDED or
  // DELETED for it, as the API server's watch cache reports it.
  const deliver = (e: StoreEvent) => {
    if (e.resource !== resource) return;
    const now = filter(e.object);
    const before = e.previous ? filter(e.previous) : false;
    if (e.type === 'ADDED' && now) send('ADDED', out(e.object));
    else if (e.type === 'DELETED' && (before || now)) send('DELETED', out(e.object));
    else if (e.type === 'MODIFIED') {
      if (before && now) send('MODIFIED', out(e.object));
      else if (now) send('ADDED', out(e.object));
      else if (before) send('DELETED', out(e.object));
    }
  };

  let backlog: StoreEvent[] = [];
  let expired: unknown;
  const fromNow = rvParam === '' || rvParam === '0';
  if (!fromNow) {
    try {
      backlog = store.eventsSince(Number(rvParam));
    } catch (e) {
      expired = e;
    }
  }
  if (expired) {
    send('ERROR', (expired as { status: unknown }).status);
    res.end();
    return;
  }
  const unsubscribe = store.subscribe(deliver);
  if (fromNow || initialEvents) {
    const scope = resource.namespaced && call.target.namespace ? call.target.namespace : undefined;
    for (const o of store.list(resource, scope)) if (filter(o)) send('ADDED', out(o));
    if (initialEvents && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    for (const e of backlog) deliver(e);
  }

  const timers: NodeJS.Timeout[] = [];
  if (bookmarks) timers.push(setInterval(() => bookmark(), call.state.bookmarkIntervalMs));
  if (timeoutSeconds > 0) timers.push(setTimeout(() => res.end(), timeoutSeconds * 1000));
  call.state.watches.add(res);
  const untrack = faults.trackWatch(call.record, () => {
    res.destroy();
    call.req.socket.destroy();
  });
  res.on('close', () => {
    unsubscribe();
    untrack();
    for (const t of timers) clearTimeout(t);
    call.state.watches.delete(res);
  });
}
