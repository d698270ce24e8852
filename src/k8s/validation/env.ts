// Container env, envFrom and ports (ValidateEnv, ValidateEnvFrom, validateContainerPorts).
import type { EnvVar } from '../api.js';
import { child, duplicate, index, invalid, notSupported, required, type FieldError } from './field-errors.js';
import {
  configMapKeyErrors,
  dns1123SubdomainErrors,
  envVarNameErrors,
  portNameErrors,
  portNumErrors,
} from './names.js';
import { validateObjectFieldSelector, type ObjectFieldSelector } from './paths.js';
import { decodeQuantity, quantityText } from './resources.js';
import { asObj, num, str, type Obj } from './values.js';

const ENV_DOWNWARD_PATHS = new Set([
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
]);

const RESOURCE_FIELD_PATHS = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];
const HUGEPAGES_FIELD_PREFIXES = ['limits.hugepages-', 'requests.hugepages-'];

export function validateEnv(vars: readonly EnvVar[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const at = index(path, i);
    const name = ev.name ?? '';
    if (name.length === 0) errs.push(required(child(at, 'name')));
    else errs.push(...envVarNameErrors(name).map((msg) => invalid(child(at, 'name'), name, msg)));
    errs.push(...validateValueFrom(ev, child(at, 'valueFrom')));
  });
  return errs;
}

function validateValueFrom(ev: EnvVar, path: string): FieldError[] {
  const from = ev.valueFrom;
  if (!from) return [];
  const errs: FieldError[] = [];
  let sources = 0;
  const fieldRef = asObj(from['fieldRef']);
  if (fieldRef) {
    sources++;
    errs.push(
      ...validateObjectFieldSelector(fieldRef as ObjectFieldSelector, ENV_DOWNWARD_PATHS, child(path, 'fieldRef')),
    );
  }
  const resourceFieldRef = asObj(from['resourceFieldRef']);
  if (resourceFieldRef) {
    sources++;
    errs.push(...validateResourceFieldSelector(resourceFieldRef, child(path, 'resourceFieldRef'), false));
  }
  for (const kind of ['configMapKeyRef', 'secretKeyRef'] as const) {
    const ref = asObj(from[kind]);
    if (!ref) continue;
    sources++;
    errs.push(...validateKeySelector(ref, child(path, kind)));
  }
  if (sources === 0) {
    errs.push(
      invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'),
    );
  } else if ((ev.value ?? '').length !== 0) {
    errs.push(invalid(path, '', 'may not be specified when `value` is not empty'));
  } else if (sources > 1) {
    errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}

function validateKeySelector(ref: Obj, path: string): FieldError[] {
  const name = str(ref['name']);
  const errs = dns1123SubdomainErrors(name).map((msg) => invalid(child(path, 'name'), name, msg));
  const keyName = str(ref['key']);
  if (keyName.length === 0) errs.push(required(child(path, 'key')));
  else errs.push(...configMapKeyErrors(keyName).map((msg) => invalid(child(path, 'key'), keyName, msg)));
  return errs;
}

const DIVISORS: Record<string, readonly string[]> = {
  cpu: ['1m', '1'],
  memory: ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'],
};

/** validateContainerResourceFieldSelector (`volume`: a downwardAPI volume file, which must name its container). */
export function validateResourceFieldSelector(ref: Obj, path: string, volume: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const resource = str(ref['resource']);
  if (volume && str(ref['containerName']).length === 0) errs.push(required(child(path, 'containerName')));
  else if (resource.length === 0) errs.push(required(child(path, 'resource')));
  else if (!RESOURCE_FIELD_PATHS.includes(resource) && !HUGEPAGES_FIELD_PREFIXES.some((p) => resource.startsWith(p))) {
    errs.push(notSupported(child(path, 'resource'), resource, RESOURCE_FIELD_PATHS));
  }
  if (ref['divisor'] === undefined || ref['divisor'] === null) return errs;
  const decoded = decodeQuantity(ref['divisor'], child(path, 'divisor'));
  if (decoded.error) return [...errs, decoded.error];
  if (decoded.quantity.value === 0n) return errs;
  const divisor = quantityText(decoded.quantity);
  const divisorPath = child(path, 'divisor');
  const kind = /^(?:limits|requests)\.(cpu|memory|ephemeral-storage)$/.exec(resource)?.[1];
  if (kind === 'cpu' && !DIVISORS.cpu.includes(divisor)) {
    errs.push(invalid(divisorPath, resource, "only divisor's values 1m and 1 are supported with the cpu resource"));
  } else if ((kind === 'memory' || kind === 'ephemeral-storage') && !DIVISORS.memory.includes(divisor)) {
    const what = kind === 'memory' ? 'memory' : 'local ephemeral storage';
    errs.push(
      invalid(
        divisorPath,
        resource,
        `only divisor's values ${DIVISORS.memory.join(', ')} are supported with the ${what} resource`,
      ),
    );
  }
  if (HUGEPAGES_FIELD_PREFIXES.some((p) => resource.startsWith(p)) && !DIVISORS.memory.includes(divisor)) {
    errs.push(
      invalid(
        divisorPath,
        resource,
        `only divisor's values ${DIVISORS.memory.join(', ')} are supported with the hugepages resource`,
      ),
    );
  }
  return errs;
}

export function validateEnvFrom(sources: unknown, path: string): FieldError[] {
  if (!Array.isArray(sources)) return [];
  const errs: FieldError[] = [];
  sources.forEach((raw, i) => {
    const ev = asObj(raw) ?? {};
    const at = index(path, i);
    const prefix = str(ev['prefix']);
    if (prefix.length > 0)
      errs.push(...envVarNameErrors(prefix).map((msg) => invalid(child(at, 'prefix'), prefix, msg)));
    let count = 0;
    for (const kind of ['configMapRef', 'secretRef'] as const) {
      const ref = asObj(ev[kind]);
      if (!ref) continue;
      count++;
      const name = str(ref['name']);
      if (name.length === 0) errs.push(required(child(at, kind, 'name')));
      else
        errs.push(
          ...dns1123SubdomainErrors(maskTrailingDash(name)).map((msg) => invalid(child(at, kind, 'name'), name, msg)),
        );
    }
    // reported on the list itself, as Kubernetes does
    if (count === 0) errs.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (count > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

// NameIsDNSSubdomain with prefix=true: a trailing dash is allowed.
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? name.slice(0, -2) + 'a' : name;
}

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function validateContainerPorts(ports: unknown, path: string): FieldError[] {
  if (!Array.isArray(ports)) return [];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((raw, i) => {
    const port = asObj(raw) ?? {};
    const at = index(path, i);
    const name = str(port['name']);
    if (name.length > 0) {
      const msgs = portNameErrors(name);
      if (msgs.length > 0) errs.push(...msgs.map((msg) => invalid(child(at, 'name'), name, msg)));
      else if (names.has(name)) errs.push(duplicate(child(at, 'name'), name));
      else names.add(name);
    }
    const containerPort = num(port['containerPort']);
    if (containerPort === 0) errs.push(required(child(at, 'containerPort')));
    else
      errs.push(...portNumErrors(containerPort).map((msg) => invalid(child(at, 'containerPort'), containerPort, msg)));
    const hostPort = num(port['hostPort']);
    if (hostPort !== 0)
      errs.push(...portNumErrors(hostPort).map((msg) => invalid(child(at, 'hostPort'), hostPort, msg)));
    const protocol = str(port['protocol']);
    if (protocol.length === 0) errs.push(required(child(at, 'protocol')));
    else if (!PROTOCOLS.includes(protocol)) errs.push(notSupported(child(at, 'protocol'), protocol, PROTOCOLS));
  });
  return errs;
}
