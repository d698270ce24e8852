// What every handler is given: the server's state and the request being answered.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenGrant } from './auth.js';
import type { Faults } from './faults.js';
import type { RequestRecord } from './requests.js';
import type { ResourceRegistry } from './resources.js';
import type { ResourceRequest } from './router.js';
import type { KubeObject, ObjectStore } from './store.js';
import { ApiError, errors } from './status.js';
import YAML from 'yaml';

export type PodCreateHook = (pod: KubeObject) => KubeObject | void | Promise<KubeObject | void>;

export interface ServerState {
  store: ObjectStore;
  registry: ResourceRegistry;
  faults: Faults;
  onPodCreate?: PodCreateHook;
  /** a kubelet finishes graceful Pod deletion; without one, deletes are immediate */
  kubeletRunning: boolean;
  bookmarkIntervalMs: number;
  /** open watch responses, ended when the server closes */
  watches: Set<ServerResponse>;
}

export interface Call {
  state: ServerState;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  record: RequestRecord;
  grant: TokenGrant;
  target: ResourceRequest;
  /** a fault rule asks this write to fail with 409 Conflict */
  forceConflict: boolean;
  body?: Buffer;
}

export function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.code, error.status, error.headers);
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** What create and update bodies may be (protobuf and CBOR are not spoken here). */
const OBJECT_MEDIA_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/** The request body as JSON (YAML is accepted too, as the API server does for create and update). */
export function parseBody(call: Call): any {
  const text = (call.body ?? Buffer.alloc(0)).toString('utf8');
  const type = mediaType(call.req.headers['content-type']);
  if (call.target.verb !== 'patch' && type !== '' && type !== 'application/json' && type !== 'application/yaml') {
    throw errors.unsupportedMediaType(OBJECT_MEDIA_TYPES);
  }
  try {
    if (type === 'application/yaml' || type === 'application/apply-patch+yaml') return YAML.parse(text);
    return JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`error decoding request body: ${(e as Error).message}`);
  }
}

/** `dryRun=All` (the only value Kubernetes accepts); anything else is a 400. */
export function isDryRun(url: URL): boolean {
  const values = url.searchParams.getAll('dryRun');
  for (const v of values)
    if (v !== 'All') throw errors.badRequest(`Invalid dryRun value "${v}": supported values: "All"`);
  return values.length > 0;
}
