// One HTTP request to the API server, the way every module here sends it:
//
//   requestJson(cluster, req)    the decoded JSON answer of a 2xx, else an ApiError
//   openStream(cluster, req)     the open response of a 2xx (watch); --request-timeout covers only until headers
//
// client-node supplies the credentials and TLS for each request (KubeConfig.applyToHTTPSOptions: CA, client
// certificates, tokens, basic auth, auth providers, exec plugins); the request itself is node:http(s), so this
// module controls what client-node's generated API does not expose: the whole-call deadline, Retry-After,
// json-patch bodies, dryRun, and streaming.
//
// Retries: idempotent requests (GET: get, list, watch, discovery) are retried on 429 and 5xx and on a reset
// connection, at most MAX_ATTEMPTS times, waiting Retry-After when the server sends one, else an exponential
// backoff with jitter; all attempts together stay within --request-timeout. Writes are sent once unless the
// caller sets `retry`. A refused connection, DNS or TLS failure fails at once: retrying cannot fix it.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { ApiError, networkCause, redact, seconds, statusCause } from './api-error.js';
import type { Cluster } from './connect.js';

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** path below the server URL, e.g. /api/v1/namespaces/apps/pods */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Content-Type of `body` (default application/json) */
  contentType?: string;
  /** for messages: "get", "list", "watch", "patch", "create", "discover" */
  verb: string;
  /** for messages: the object or resource, e.g. `pods in namespace "apps"` */
  what: string;
  /** the request names one object: a 404 means it is not there */
  named?: boolean;
  /** retry 429/5xx/resets; default true for GET, false otherwise */
  retry?: boolean;
  signal?: AbortSignal;
}

export const MAX_ATTEMPTS = 5;
const BACKOFF_BASE_MS = 200;
const BACKOFF_CAP_MS = 5_000;
/** a Retry-After longer than this is not waited for (with no --request-timeout to bound it) */
const RETRY_AFTER_CAP_MS = 60_000;
/** kubectl's dialer gives up connecting after 30 s even with no --request-timeout */
const CONNECT_TIMEOUT_MS = 30_000;
const RETRIED_STATUS = new Set([429, 500, 502, 503, 504]);

export async function requestJson<T>(cluster: Cluster, req: ApiRequest): Promise<T> {
  const { body } = await send(cluster, req, false);
  const text = (body ?? Buffer.alloc(0)).toString('utf8');
  try {
    return (text === '' ? {} : JSON.parse(text)) as T;
  } catch {
    throw failure(
      cluster,
      req,
      0,
      'BadResponse',
      `the server answered with something other than JSON: ${text.slice(0, 80)}`,
    );
  }
}

export async function openStream(cluster: Cluster, req: ApiRequest): Promise<IncomingMessage> {
  return (await send(cluster, req, true)).res;
}

interface Answer {
  res: IncomingMessage;
  body?: Buffer;
}

async function send(cluster: Cluster, req: ApiRequest, stream: boolean): Promise<Answer> {
  const started = Date.now();
  const deadline = cluster.timeoutMs > 0 ? started + cluster.timeoutMs : undefined;
  const retry = req.retry ?? req.method === 'GET';
  for (let attempt = 1; ; attempt++) {
    let answer: Answer;
    try {
      answer = await once(cluster, req, deadline, stream);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      const { cause, reason } = networkCause(err, cluster.server, cluster.timeoutMs);
      const wait = backoff(attempt);
      if (retry && reason === 'ECONNRESET' && attempt < MAX_ATTEMPTS && fits(deadline, wait) && !req.signal?.aborted) {
        await sleep(wait, req.signal);
        continue;
      }
      throw failure(cluster, req, 0, reason, cause + tries(attempt, started));
    }
    const code = answer.res.statusCode ?? 0;
    if (code >= 200 && code < 300) return answer;
    const text = await bodyText(answer);
    const cause = statusCause(code, text, { named: req.named, user: cluster.user });
    if (retry && RETRIED_STATUS.has(code) && attempt < MAX_ATTEMPTS) {
      const after = retryAfterMs(answer.res.headers['retry-after']);
      const wait = after ?? backoff(attempt);
      if (after !== undefined && (after > RETRY_AFTER_CAP_MS || !fits(deadline, after))) {
        throw failure(
          cluster,
          req,
          code,
          reasonOf(text),
          `${cause} (the server asks to retry after ${seconds(after)}, beyond ${deadline ? '--request-timeout' : 'what is worth waiting'})`,
        );
      }
      if (fits(deadline, wait) && !req.signal?.aborted) {
        await sleep(wait, req.signal);
        continue;
      }
    }
    throw failure(
      cluster,
      req,
      code,
      reasonOf(text),
      cause + (RETRIED_STATUS.has(code) && retry ? tries(attempt, started) : ''),
    );
  }
}

function once(cluster: Cluster, req: ApiRequest, deadline: number | undefined, stream: boolean): Promise<Answer> {
  return (async () => {
    const conn = cluster.connection;
    const opts: https.RequestOptions = {};
    try {
      await conn.kubeConfig.applyToHTTPSOptions(opts);
    } catch (err) {
      throw failure(
        cluster,
        req,
        0,
        'Credentials',
        `cannot get credentials for user "${cluster.user}": ${(err as Error).message || String(err)}`,
      );
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    rememberSecrets(conn.secrets, headers, opts);
    headers.Accept = 'application/json';
    headers['User-Agent'] = 'kubectl-sidecarset';
    let payload: Buffer | undefined;
    if (req.body !== undefined) {
      payload = Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const url = new URL(cluster.server);
    const base = url.pathname.replace(/\/$/, '');
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined && v !== '') query.set(k, String(v));
    const qs = query.toString();
    return await new Promise<Answer>((resolve, reject) => {
      const lib = url.protocol === 'http:' ? http : https;
      const r = lib.request({
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        method: req.method,
        path: `${base}${req.path}${qs ? `?${qs}` : ''}`,
        headers,
        agent: opts.agent,
        auth: opts.auth,
      });
      let done = false;
      const timers: NodeJS.Timeout[] = [];
      const finish = (err?: unknown, answer?: Answer) => {
        if (done) return;
        done = true;
        for (const t of timers) clearTimeout(t);
        req.signal?.removeEventListener('abort', onAbort);
        if (err) {
          r.destroy();
          reject(err);
        } else resolve(answer as Answer);
      };
      const timeout = () => finish(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
      const onAbort = () => finish(Object.assign(new Error('cancelled'), { name: 'AbortError', code: 'AbortError' }));
      if (deadline !== undefined) timers.push(setTimeout(timeout, Math.max(0, deadline - Date.now())));
      else {
        const connecting = setTimeout(timeout, CONNECT_TIMEOUT_MS);
        timers.push(connecting);
        r.on('socket', (s) =>
          s.once(url.protocol === 'http:' ? 'connect' : 'secureConnect', () => clearTimeout(connecting)),
        );
      }
      if (req.signal?.aborted) return onAbort();
      req.signal?.addEventListener('abort', onAbort, { once: true });
      r.on('error', (err) => finish(err));
      r.on('response', (res) => {
        const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
        if (stream && ok) return finish(undefined, { res });
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish(undefined, { res, body: Buffer.concat(chunks) }));
        res.on('error', (err) => finish(err));
        res.on('aborted', () => finish(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
      });
      r.end(payload);
    });
  })();
}

// Whatever the library put into this request that authenticates it.
function rememberSecrets(secrets: Set<string>, headers: Record<string, string>, opts: https.RequestOptions): void {
  const auth = headers.Authorization ?? headers.authorization;
  if (auth) {
    secrets.add(auth);
    const token = auth.replace(/^\S+\s+/, '');
    if (token) secrets.add(token);
  }
  if (opts.auth) {
    const [, password] = opts.auth.split(/:(.*)/s);
    if (password) secrets.add(password);
  }
  if (opts.key) secrets.add(String(opts.key));
}

async function bodyText(answer: Answer): Promise<string> {
  if (answer.body) return answer.body.toString('utf8');
  const chunks: Buffer[] = [];
  for await (const c of answer.res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function reasonOf(body: string): string {
  try {
    return (JSON.parse(body) as { reason?: string }).reason ?? '';
  } catch {
    return '';
  }
}

/** The one place a request's failure message is made: verb, what, server, cause; credentials removed. */
export function failure(
  cluster: Cluster,
  req: Pick<ApiRequest, 'verb' | 'what'>,
  code: number,
  reason: string,
  cause: string,
): ApiError {
  // One line, whatever the server or an exec plugin's stderr put into the cause.
  const text = `cannot ${req.verb} ${req.what} on ${cluster.server}: ${cause.trim().replace(/\s*\n\s*/g, '; ')}`;
  return new ApiError(redact(text, cluster.connection.secrets), code, reason);
}

/** Retry-After as seconds or an HTTP date, in ms. */
export function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Exponential backoff with jitter: attempt n waits about BASE·2^(n-1), between half and the whole of it. */
export function backoff(attempt: number): number {
  const full = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.round(full / 2 + Math.random() * (full / 2));
}

function fits(deadline: number | undefined, waitMs: number): boolean {
  return deadline === undefined || Date.now() + waitMs < deadline;
}

function tries(attempt: number, started: number): string {
  return attempt > 1 ? ` (gave up after ${attempt} attempts in ${seconds(Date.now() - started)})` : '';
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
