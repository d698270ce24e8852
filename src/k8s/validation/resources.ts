// Container resources (validateResourceRequirements with validateContainerResourceName) and the quantity
// helpers core validation needs: parse as the API server decodes, compare, print.
import { marshalQuantity, parseQuantity, type Quantity } from '../quantity.js';
import { asGoQuantity, cmp, milliValue } from '../quantity-math.js';
import type { ResourceList, ResourceRequirements } from '../api.js';
import { child, forbidden, invalid, key, required, duplicate, notFound, type FieldError } from './field-errors.js';
import { dns1123LabelErrors, qualifiedNameErrors } from './names.js';

export type QuantityResult = { quantity: Quantity; error?: undefined } | { quantity?: undefined; error: FieldError };

/** A quantity as the API server decodes it; a bad one would fail decoding, reported here at its field. */
export function decodeQuantity(raw: unknown, path: string): QuantityResult {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : '';
  try {
    return { quantity: parseQuantity(text) };
  } catch (e) {
    return { error: invalid(path, raw, e instanceof Error ? e.message : String(e)) };
  }
}

export function quantityText(q: Quantity): string {
  return marshalQuantity(q);
}

// Quantity.MilliValue() is a whole number of units.
function isWholeUnits(q: Quantity): boolean {
  return milliValue(asGoQuantity(q)) % 1000n === 0n;
}

// ---- resource names (pkg/apis/core/helper) ----

const STANDARD_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);
const INTEGER_RESOURCES = new Set([
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

const isHugePages = (name: string) => name.startsWith('hugepages-');
const isNative = (name: string) => !name.includes('/') || name.includes('kubernetes.io/');
const isStandardContainerResource = (name: string) =>
  name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || isHugePages(name);
const isStandardResource = (name: string) =>
  STANDARD_RESOURCES.has(name) || isHugePages(name) || name.startsWith('requests.hugepages-');
const isExtended = (name: string) =>
  !isNative(name) && !name.startsWith('requests.') && qualifiedNameErrors(`requests.${name}`).length === 0;
const isOvercommitAllowed = (name: string) => isNative(name) && !isHugePages(name);
const isInteger = (name: string) => INTEGER_RESOURCES.has(name) || isExtended(name);

function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = qualifiedNameErrors(name).map((msg) => invalid(path, name, msg));
  if (errs.length === 0 && !name.includes('/') && !isStandardResource(name)) {
    errs.push(invalid(path, name, 'must be a standard resource type or fully qualified'));
  }
  if (!name.includes('/')) {
    if (!isStandardContainerResource(name))
      errs.push(invalid(path, name, 'must be a standard resource for containers'));
  } else if (!isNative(name) && !isExtended(name)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

function validateQuantityValue(name: string, q: Quantity, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (q.value < 0n) errs.push(invalid(path, quantityText(q), 'must be greater than or equal to 0'));
  if (isInteger(name) && !isWholeUnits(q)) errs.push(invalid(path, quantityText(q), 'must be an integer'));
  return errs;
}

function decodeList(
  list: ResourceList | undefined,
  path: string,
  errs: FieldError[],
): Map<string, Quantity | undefined> {
  const out = new Map<string, Quantity | undefined>();
  for (const [name, raw] of Object.entries(list ?? {})) {
    const decoded = decodeQuantity(raw, key(path, name));
    if (decoded.error) errs.push(decoded.error);
    out.set(name, decoded.quantity);
  }
  return out;
}

/** ValidateContainerResourceRequirements (in the pod there are no resource claims to refer to). */
export function validateResourceRequirements(resources: ResourceRequirements | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = decodeList(resources?.limits, limPath, errs);
  const requests = decodeList(resources?.requests, reqPath, errs);
  let cpuOrMemory = false;
  let hugePages = false;
  for (const [name, q] of limits) {
    const at = key(limPath, name);
    errs.push(...validateContainerResourceName(name, at));
    if (q) errs.push(...validateQuantityValue(name, q, at));
    if (isHugePages(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  for (const [name, q] of requests) {
    const at = key(reqPath, name);
    errs.push(...validateContainerResourceName(name, at));
    if (q) errs.push(...validateQuantityValue(name, q, at));
    const limit = limits.get(name);
    if (limits.has(name)) {
      if (q && limit) {
        const order = cmp(q, limit);
        if (order !== 0 && !isOvercommitAllowed(name)) {
          errs.push(invalid(reqPath, quantityText(q), `must be equal to ${name} limit of ${quantityText(limit)}`));
        } else if (order > 0) {
          errs.push(
            invalid(reqPath, quantityText(q), `must be less than or equal to ${name} limit of ${quantityText(limit)}`),
          );
        }
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePages(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  if (!cpuOrMemory && hugePages) errs.push(forbidden(path, 'HugePages require cpu or memory'));
  errs.push(...validateClaims(resources?.['claims'], child(path, 'claims')));
  return errs;
}

// The fake Pod declares no resourceClaims, so every named claim is unknown to it.
function validateClaims(claims: unknown, path: string): FieldError[] {
  if (!Array.isArray(claims)) return [];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  claims.forEach((raw, i) => {
    const claim = (raw ?? {}) as { name?: string; request?: string };
    const name = claim.name ?? '';
    const at = `${path}[${i}]`;
    if (name === '') {
      errs.push(required(at));
      return;
    }
    const request = claim.request ?? '';
    if (request !== '')
      errs.push(...dns1123LabelErrors(request).map((msg) => invalid(child(at, 'request'), request, msg)));
    const id = request === '' ? name : `${name}/${request}`;
    if (seen.has(name) || seen.has(id)) errs.push(duplicate(at, seen.has(name) ? name : id));
    seen.add(id);
    const missing = notFound(at, name);
    missing.message = 'must be one of the names in pod.spec.resourceClaims which is empty';
    errs.push(missing);
  });
  return errs;
}
