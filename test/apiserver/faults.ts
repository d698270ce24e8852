// Faults a test turns on while the server runs. Each rule matches requests and fires a number of times
// (Infinity by default for delays and hangs, once for errors), then retires.
import type { RequestRecord } from './requests.js';
import { errors, type ApiError } from './status.js';

export interface RequestMatch {
  method?: string;
  /** an exact path or a pattern tested against the path */
  path?: string | RegExp;
  /** the Kubernetes verb: get, list, watch, create, update, patch, delete */
  verb?: string;
  /** plural resource name, e.g. 'pods' */
  resource?: string;
  user?: string;
  predicate?: (request: RequestRecord) => boolean;
}

export type FaultAction =
  { kind: 'delay'; ms: number } | { kind: 'error'; error: () => ApiError } | { kind: 'conflict' } | { kind: 'hang' };

interface Rule {
  match: RequestMatch;
  action: FaultAction;
  remaining: number;
}

const WRITES = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

function matches(match: RequestMatch, r: RequestRecord): boolean {
  if (match.method && match.method.toUpperCase() !== r.method) return false;
  if (match.path !== undefined && !(typeof match.path === 'string' ? match.path === r.path : match.path.test(r.path)))
    return false;
  if (match.verb && match.verb !== r.verb) return false;
  if (match.resource && match.resource !== r.resource) return false;
  if (match.user && match.user !== r.user) return false;
  return !match.predicate || match.predicate(r);
}

export class Faults {
  private rules: Rule[] = [];
  private readonly watchClosers = new Set<{ record: RequestRecord; drop: () => void }>();

  /** Holds matching requests for `ms` before serving them. */
  delay(match: RequestMatch, ms: number, times = Infinity): void {
    this.rules.push({ match, action: { kind: 'delay', ms }, remaining: times });
  }

  /** Answers the next `times` matching requests with a 500 InternalError (or 503 ServiceUnavailable). */
  serverError(match: RequestMatch, options: { times?: number; code?: 500 | 503; message?: string } = {}): void {
    const message = options.message ?? 'injected fault';
    const error = options.code === 503 ? () => errors.unavailable(message) : () => errors.internal(message);
    this.rules.push({ match, action: { kind: 'error', error }, remaining: options.times ?? 1 });
  }

  /** Answers the next `times` matching requests with 429 TooManyRequests and a Retry-After header. */
  throttle(match: RequestMatch, options: { times?: number; retryAfterSeconds?: number } = {}): void {
    const seconds = options.retryAfterSeconds ?? 1;
    this.rules.push({
      match,
      action: { kind: 'error', error: () => errors.tooManyRequests(seconds) },
      remaining: options.times ?? 1,
    });
  }

  /** The next `times` matching writes fail with 409 Conflict, as if someone else had written first. */
  conflict(match: RequestMatch, times = 1): void {
    this.rules.push({ match, action: { kind: 'conflict' }, remaining: times });
  }

  /** Matching requests are read and never answered (until the server closes). */
  hang(match: RequestMatch, times = Infinity): void {
    this.rules.push({ match, action: { kind: 'hang' }, remaining: times });
  }

  /** Destroys the connections of the open watches that match (all when no match is given). */
  dropWatches(match: RequestMatch = {}): number {
    let dropped = 0;
    for (const w of [...this.watchClosers]) {
      if (matches(match, w.record)) {
        w.drop();
        dropped++;
      }
    }
    return dropped;
  }

  clear(): void {
    this.rules = [];
  }

  /** @internal the actions that apply to a request, consuming one use of each rule */
  take(record: RequestRecord): FaultAction[] {
    const out: FaultAction[] = [];
    for (const rule of this.rules) {
      if (rule.remaining <= 0 || !matches(rule.match, record)) continue;
      // A conflict rule only counts writes, which is what "the next N writes" means.
      if (rule.action.kind === 'conflict' && !WRITES.has(record.verb ?? '')) continue;
      rule.remaining--;
      out.push(rule.action);
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return out;
  }

  /** @internal registers an open watch so dropWatches can reach it */
  trackWatch(record: RequestRecord, drop: () => void): () => void {
    const entry = { record, drop };
    this.watchClosers.add(entry);
    return () => this.watchClosers.delete(entry);
  }
}
