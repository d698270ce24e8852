// Every failed request becomes one line: "cannot <verb> <what> on <server>: <cause>". The cause is read from the
// API server's Status body (403 keeps the missing permission, 422 the field causes) or from the network error
// (refused, DNS, TLS, timeout). Credentials never reach a message: each text passes through `redact`.
//
//   ApiError                 a SidecarsetError that also carries the HTTP status and Status reason
//   statusCause(code, body)  the cause of an HTTP failure, from its Status body
//   networkCause(err, ...)   the cause of a request that got no HTTP answer
//   redact(text, secrets)    text with every secret (and any bearer token) replaced
import { SidecarsetError } from '../errors.js';

export class ApiError extends SidecarsetError {
  /** HTTP status, 0 when there was no answer */
  readonly code: number;
  /** the Status reason ("NotFound", "Expired", ...), or the network error's code */
  readonly reason: string;

  constructor(message: string, code: number, reason: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
  }
}

/** The parts of a metav1.Status the messages use. */
export interface Status {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
  details?: {
    name?: string;
    kind?: string;
    causes?: Array<{ field?: string; message?: string; reason?: string }>;
    retryAfterSeconds?: number;
  };
}

export function parseStatus(body: string): Status | undefined {
  try {
    const s = JSON.parse(body) as Status;
    return s && typeof s === 'object' && !Array.isArray(s) ? s : undefined;
  } catch {
    return undefined;
  }
}

export interface CauseContext {
  /** the request named one object: a 404 means that object, not the resource type */
  named?: boolean;
  /** who the credentials belong to, for 401 */
  user?: string;
}

/** The cause of an HTTP failure, from the Status body the API server sent (or its first line of text). */
export function statusCause(code: number, body: string, ctx: CauseContext = {}): string {
  const status = parseStatus(body);
  const text = status?.message || firstLine(body);
  switch (code) {
    case 401:
      return `unauthorized: the server rejected the credentials${ctx.user ? ` of user "${ctx.user}"` : ''} (log in again, or check the kubeconfig's user)`;
    case 403:
      return `forbidden: ${text || 'the credentials lack a permission this needs'}`;
    case 404:
      return ctx.named ? `not found${text ? `: ${text}` : ''}` : 'the server does not serve this resource (404)';
    case 409:
      return `conflict: ${text || 'the object changed or already exists'}`;
    case 410:
      return `expired: ${text || 'the resource version is too old'}`;
    case 422:
      return `invalid: ${withCauses(text, status)}`;
    case 429:
      return `too many requests${text ? `: ${text}` : ''}`;
    default:
      if (code >= 500) return `server error (HTTP ${code})${text ? `: ${text}` : ''}`;
      return `HTTP ${code}${text ? `: ${text}` : ''}`;
  }
}

// The apiserver's 422 message usually lists the causes already; add those it does not.
function withCauses(text: string, status: Status | undefined): string {
  const causes = (status?.details?.causes ?? [])
    .map((c) => [c.field, c.message].filter(Boolean).join(': '))
    .filter((c) => c !== '' && !text.includes(c));
  const base = text || 'the server rejected the object';
  return causes.length ? `${base} [${causes.join(', ')}]` : base;
}

function firstLine(body: string): string {
  const line = body.trim().split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The cause of a request that got no HTTP answer. `timeoutMs` is the --request-timeout it ran under. */
export function networkCause(err: unknown, host: string, timeoutMs: number): { cause: string; reason: string } {
  const e = err as NodeJS.ErrnoException & { reason?: string };
  const code = e?.code ?? e?.name ?? '';
  if (code === 'ETIMEDOUT' || code === 'TimeoutError') {
    const limit = timeoutMs > 0 ? `${seconds(timeoutMs)} (--request-timeout)` : 'the connect timeout';
    return { cause: `timed out: no answer from ${host} within ${limit}`, reason: 'Timeout' };
  }
  if (code === 'ECONNREFUSED')
    return {
      cause: `connection refused by ${host}: is the API server running, and is this the right host and port?`,
      reason: code,
    };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { cause: `cannot resolve the host of ${host} (DNS lookup failed)`, reason: code };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return { cause: `${host} is unreachable from this machine`, reason: code };
  if (code === 'ECONNRESET' || e?.message === 'socket hang up')
    return { cause: `the connection to ${host} was closed before an answer`, reason: 'ECONNRESET' };
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) {
    return {
      cause: `TLS verification of ${host} failed: ${e.message} (check the cluster's certificate-authority in the kubeconfig)`,
      reason: code,
    };
  }
  if (code === 'AbortError') return { cause: 'cancelled', reason: code };
  return { cause: e?.message || String(err), reason: code || 'Unknown' };
}

export function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(3).replace(/0+$/, '')}s`;
}

const BEARER = /(bearer\s+)[A-Za-z0-9._~+/=-]+/gi;

/** `text` with every known secret, and any "Bearer <token>", replaced by "[redacted]". */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  for (const s of [...secrets].filter((x) => x.length >= 4).sort((a, b) => b.length - a.length))
    out = out.split(s).join('[redacted]');
  return out.replace(BEARER, '$1[redacted]');
}
