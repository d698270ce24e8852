// One request, start to end: log it, authenticate, route, apply faults, authorize, dispatch.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, authorize, type Tokens } from './auth.js';
import { mediaType, sendError, sendJson, type Call, type ServerState } from './context.js';
import { discoveryDocument, SERVER_VERSION } from './discovery.js';
import { openApiDocument } from './openapi.js';
import { handleGet, handleList, handleWatch } from './read.js';
import type { RequestRecord } from './requests.js';
import { route } from './router.js';
import { ApiError, errors } from './status.js';
import { handleCreate, handleDelete, handleDeleteCollection, handlePatch, handleUpdate } from './write.js';

export interface HttpContext {
  state: ServerState;
  tokens: Tokens;
  requests: RequestRecord[];
  /** requests held by a hang fault, destroyed on close */
  hanging: Set<ServerResponse>;
}

const HANDLERS: Record<string, (call: Call) => void | Promise<void>> = {
  get: handleGet,
  list: handleList,
  watch: handleWatch,
  create: handleCreate,
  update: handleUpdate,
  patch: handlePatch,
  delete: handleDelete,
  deletecollection: handleDeleteCollection,
};

const PUBLIC = new Set(['/version', '/healthz', '/livez', '/readyz']);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function serve(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://127.0.0.1');
  const record: RequestRecord = {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    contentType: mediaType(req.headers['content-type']),
    user: '',
  };
  ctx.requests.push(record);
  res.on('finish', () => (record.status ??= res.statusCode));
  try {
    const body = await readBody(req);
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (PUBLIC.has(path)) {
      if (path === '/version') return sendJson(res, 200, SERVER_VERSION);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      return void res.end('ok');
    }
    const grant = authenticate(req, ctx.tokens);
    record.user = grant.user;
    const routed = route(ctx.state.registry, record.method, url);
    if (routed.kind === 'unknown') {
      if (record.method === 'GET') {
        const doc =
          discoveryDocument(ctx.state.registry, url.pathname) ?? openApiDocument(ctx.state.registry, url.pathname);
        if (doc) return sendJson(res, 200, doc);
      }
      throw errors.noResource();
    }
    const target = routed.request;
    Object.assign(record, {
      verb: target.verb,
      resource: target.resource.resource,
      namespace: target.namespace,
      name: target.name,
    });
    let forceConflict = false;
    for (const action of ctx.state.faults.take(record)) {
      if (action.kind === 'delay') await sleep(action.ms);
      else if (action.kind === 'hang') {
        ctx.hanging.add(res);
        return;
      } else if (action.kind === 'error') throw action.error();
      else forceConflict = true;
    }
    const handler = HANDLERS[target.verb];
    if (!handler) throw errors.methodNotAllowed();
    authorize(grant, { ...target, group: target.resource.group, resource: target.resource.resource });
    const call: Call = { state: ctx.state, req, res, url, record, grant, target, forceConflict, body };
    return await handler(call);
  } catch (e) {
    const error = e instanceof ApiError ? e : errors.internal((e as Error).message ?? String(e));
    if (res.headersSent) return void res.end();
    sendError(res, error);
  }
}
