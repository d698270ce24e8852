// Probes and lifecycle hooks (validateProbe, validateLifecycle, validateHandler): exactly one handler each.
import { child, forbidden, invalid, notSupported, required, type FieldError } from './field-errors.js';
import { httpHeaderNameErrors, portNameErrors, portNumErrors } from './names.js';
import { asObj, num, str, type Obj } from './values.js';

// Probes may use grpc, lifecycle hooks may sleep; the order is Kubernetes' commonHandler order.
const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;
const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'] as const;

export type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

export function validateProbe(probe: unknown, kind: ProbeKind, gracePeriod: number, path: string): FieldError[] {
  const p = asObj(probe);
  if (!p) return [];
  const errs = validateHandler(p, PROBE_HANDLERS, gracePeriod, path);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    const v = num(p[f]);
    if (v < 0) errs.push(invalid(child(path, f), v, 'must be greater than or equal to 0'));
  }
  const grace = p['terminationGracePeriodSeconds'];
  if (typeof grace === 'number' && grace <= 0) {
    errs.push(invalid(child(path, 'terminationGracePeriodSeconds'), grace, 'must be greater than 0'));
  }
  if (kind === 'readinessProbe') {
    if (grace !== undefined && grace !== null) {
      errs.push(invalid(child(path, 'terminationGracePeriodSeconds'), grace, 'must not be set for readinessProbes'));
    }
  } else if (num(p['successThreshold']) !== 1) {
    errs.push(invalid(child(path, 'successThreshold'), num(p['successThreshold']), 'must be 1'));
  }
  return errs;
}

export function validateLifecycle(lifecycle: unknown, gracePeriod: number, path: string): FieldError[] {
  const l = asObj(lifecycle) ?? {};
  const errs: FieldError[] = [];
  for (const hook of ['postStart', 'preStop']) {
    const h = asObj(l[hook]);
    if (h) errs.push(...validateHandler(h, LIFECYCLE_HANDLERS, gracePeriod, child(path, hook)));
  }
  return errs;
}

function validateHandler(h: Obj, kinds: readonly string[], gracePeriod: number, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of kinds) {
    const action = asObj(h[kind]);
    if (!action) continue;
    const at = child(path, kind);
    if (count > 0) {
      errs.push(forbidden(at, 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    errs.push(...validateAction(kind, action, gracePeriod, at));
  }
  if (count === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

function validateAction(kind: string, action: Obj, gracePeriod: number, path: string): FieldError[] {
  switch (kind) {
    case 'exec':
      return Array.isArray(action['command']) && action['command'].length > 0 ? [] : [required(child(path, 'command'))];
    case 'httpGet':
      return validateHttpGet(action, path);
    case 'tcpSocket':
      return validatePortNumOrName(action['port'], child(path, 'port'));
    case 'grpc':
      return validatePortNumOrName(num(action['port']), child(path, 'port'));
    case 'sleep': {
      const seconds = num(action['seconds']);
      if (seconds > 0 && seconds <= gracePeriod) return [];
      const msg = `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`;
      return [invalid(path, seconds, msg)];
    }
    default:
      return [];
  }
}

const HTTP_SCHEMES = ['HTTP', 'HTTPS'];

function validateHttpGet(action: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (str(action['path']).length === 0) errs.push(required(child(path, 'path')));
  errs.push(...validatePortNumOrName(action['port'], child(path, 'port')));
  const scheme = str(action['scheme']);
  if (!HTTP_SCHEMES.includes(scheme)) errs.push(notSupported(child(path, 'scheme'), scheme, HTTP_SCHEMES));
  const headers = Array.isArray(action['httpHeaders']) ? action['httpHeaders'] : [];
  for (const header of headers) {
    const name = str(asObj(header)?.['name']);
    errs.push(...httpHeaderNameErrors(name).map((msg) => invalid(child(path, 'httpHeaders'), name, msg)));
  }
  return errs;
}

/** ValidatePortNumOrName: an int is a port number, a string a port name. */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'string') return portNameErrors(port).map((msg) => invalid(path, port, msg));
  const n = typeof port === 'number' ? port : 0;
  return portNumErrors(n).map((msg) => invalid(path, n, msg));
}
