// resourcesPolicy: computes a sidecar's resources from the Pod's app containers when the Pod is
// created (Kruise pkg/webhook/pod/mutating/sidecarset_resources.go).
//
// Targets are the Pod's native sidecars (init containers with restartPolicy Always) then its
// containers, whose names match targetContainersNameRegex anywhere (unanchored), never a container
// named like any container or init container of a matched SidecarSet. Their limits and requests
// of cpu and memory are summed or maxed; a request a target lacks counts as 0, while a limit any
// target lacks leaves that limit unset on the sidecar, even for a constant expression. Each
// expression's variable is `memory` when the text contains that word, else `cpu`; a plain-number
// result means cores (milli-cpu precision) or bytes. The sidecar's `resources` is replaced whole.
import { SidecarsetError } from '../../errors.js';
import type { Container, Pod, ResourceList, ResourceRequirements } from '../../k8s/api.js';
import type { SidecarContainer, SidecarSet } from '../apis/types.js';
import type { Quantity } from '../../k8s/quantity.js';
import { evaluateResourceExpression } from './calculator.js';
import { compileGoRegexp } from '../../go/regexp.js';
import { goQuote } from '../../go/quote.js';
import {
  add,
  cmp,
  float64ToInt64,
  goZeroQuantity,
  isZero,
  newMilliQuantity,
  newQuantity,
  parseGoQuantity,
  quantityString,
  toQuantity,
  type GoQuantity,
} from '../../k8s/quantity-math.js';

type ResourceName = 'cpu' | 'memory';
const RESOURCES: ResourceName[] = ['cpu', 'memory'];

/** Aggregated cpu / memory; an absent entry is an unset limit (or a zero request). */
export type AggregatedResources = Partial<Record<ResourceName, Quantity>>;

/**
 * Replaces `sidecar.resources` as Kruise's applyResourcesPolicy does on Pod creation.
 * `matchedSidecarSets` are all SidecarSets injecting into this Pod: their containers are never targets.
 * Throws SidecarsetError (src/errors.ts) with Kruise's reason when no container matches or an expression fails.
 */
export function applyResourcesPolicy(pod: Pod, sidecar: SidecarContainer, matchedSidecarSets: SidecarSet[]): void {
  const policy = sidecar.resourcesPolicy;
  if (!policy) return;
  const regex = policy.targetContainersNameRegex ?? '';
  let targets: Container[];
  try {
    targets = getTargetContainers(pod, regex, matchedSidecarSets);
  } catch (e) {
    throw rethrow(e, 'failed to get target containers: ');
  }
  if (targets.length === 0) throw new SidecarsetError(`no containers match the regex pattern ${goQuote(regex)}`);

  const aggregated = aggregate(targets, policy.targetContainersMode);
  const resources: ResourceRequirements = {};
  const exprs = policy.resourcesExpr ?? {};
  if (exprs.limits != null) {
    const limits: ResourceList = {};
    for (const name of RESOURCES) {
      const expr = exprs.limits[name] ?? '';
      const value = aggregated.limits[name];
      // a limit missing on some target means no limit, whatever the expression
      if (expr === '' || !value) continue;
      const result = evaluateForPolicy(expr, value, true, `failed to evaluate ${label(name)} limits expression: `);
      if (result) limits[name] = quantityString(result);
    }
    if (Object.keys(limits).length > 0) resources.limits = limits;
  }
  if (exprs.requests != null) {
    const requests: ResourceList = {};
    for (const name of RESOURCES) {
      const expr = exprs.requests[name] ?? '';
      if (expr === '') continue;
      const value = aggregated.requests[name] ?? goZeroQuantity();
      const result = evaluateForPolicy(expr, value, false, `failed to evaluate ${label(name)} requests expression: `);
      if (result) requests[name] = quantityString(result);
    }
    if (Object.keys(requests).length > 0) resources.requests = requests;
  }
  sidecar.resources = resources;
}

const label = (name: ResourceName): string => (name === 'cpu' ? 'CPU' : 'memory');

function evaluateForPolicy(expr: string, value: GoQuantity, isLimit: boolean, context: string): Quantity | undefined {
  try {
    return evaluateResourcesPolicyExpression(expr, value, isLimit);
  } catch (e) {
    throw rethrow(e, context);
  }
}

function rethrow(e: unknown, prefix: string): unknown {
  return e instanceof SidecarsetError ? new SidecarsetError(prefix + e.message, e.place) : e;
}

/**
 * Kruise's evaluateResourceExpression: the expression with its variable bound to the aggregated
 * value. An empty expression is no limit (undefined) or a zero request. A number result is
 * int64(n*1000) milli-cpu, or int64(n) bytes for memory.
 */
export function evaluateResourcesPolicyExpression(
  expr: string,
  aggregated: Quantity,
  isLimit: boolean,
): Quantity | undefined {
  if (expr === '') return isLimit ? undefined : toQuantity(newQuantity(0n, 'DecimalSI'));
  const name = /\bmemory\b/.test(expr) ? 'memory' : 'cpu';
  let result;
  try {
    result = evaluateResourceExpression(expr, { name, value: aggregated });
  } catch (e) {
    throw rethrow(e, `failed to parse expression ${goQuote(expr)}: `);
  }
  if (result.isQuantity) return result.quantity;
  const converted =
    name === 'cpu'
      ? newMilliQuantity(float64ToInt64(result.number * 1000), 'DecimalSI')
      : newQuantity(float64ToInt64(result.number), 'DecimalSI');
  return toQuantity(converted);
}

/**
 * The Pod's native sidecars (restartPolicy Always) then its containers whose names the Go regexp
 * matches anywhere, leaving out every name a matched SidecarSet declares.
 */
export function getTargetContainers(pod: Pod, nameRegex: string, matchedSidecarSets: SidecarSet[]): Container[] {
  let pattern: RegExp;
  try {
    pattern = compileGoRegexp(nameRegex);
  } catch (e) {
    throw rethrow(e, `invalid regex pattern ${goQuote(nameRegex)}: `);
  }
  const sidecarNames = new Set<string>();
  for (const set of matchedSidecarSets) {
    for (const c of set.spec.initContainers ?? []) sidecarNames.add(c.name);
    for (const c of set.spec.containers ?? []) sidecarNames.add(c.name);
  }
  const nativeSidecars = (pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  return [...nativeSidecars, ...pod.spec.containers].filter(
    (c) => !sidecarNames.has(c.name) && pattern.test(c.name ?? ''),
  );
}

/** aggregateResources: sum or max of the targets' cpu and memory limits and requests. */
export function aggregateResources(
  containers: Container[],
  mode: string,
): { limits: AggregatedResources; requests: AggregatedResources } {
  const { limits, requests } = aggregate(containers, mode);
  const publish = (list: Partial<Record<ResourceName, GoQuantity>>): AggregatedResources => {
    const out: AggregatedResources = {};
    for (const name of RESOURCES) if (list[name]) out[name] = toQuantity(list[name]);
    return out;
  };
  return { limits: publish(limits), requests: publish(requests) };
}

type GoResources = Partial<Record<ResourceName, GoQuantity>>;

function aggregate(containers: Container[], mode: string): { limits: GoResources; requests: GoResources } {
  if (mode === 'sum') return aggregateBySum(containers);
  if (mode === 'max') return aggregateByMax(containers);
  return { limits: {}, requests: {} };
}

function aggregateBySum(containers: Container[]): { limits: GoResources; requests: GoResources } {
  const limits: GoResources = {};
  const requests: GoResources = {};
  for (const name of RESOURCES) {
    let limit = newQuantity(0n, 'DecimalSI');
    let request = newQuantity(0n, 'DecimalSI');
    let allLimited = true;
    containers.forEach((c, i) => {
      const l = resourceOf(c, i, 'limits', name);
      if (l) limit = add(limit, l);
      else allLimited = false;
      const r = resourceOf(c, i, 'requests', name);
      if (r) request = add(request, r);
    });
    if (allLimited) limits[name] = limit;
    if (!isZero(request)) requests[name] = request;
  }
  return { limits, requests };
}

function aggregateByMax(containers: Container[]): { limits: GoResources; requests: GoResources } {
  const limits: GoResources = {};
  const requests: GoResources = {};
  for (const name of RESOURCES) {
    let allLimited = true;
    containers.forEach((c, i) => {
      const l = resourceOf(c, i, 'limits', name);
      if (!l) allLimited = false;
      else if (!limits[name] || cmp(l, limits[name]) > 0) limits[name] = l;
      const r = resourceOf(c, i, 'requests', name);
      if (r && (!requests[name] || cmp(r, requests[name]) > 0)) requests[name] = r;
    });
    if (!allLimited) delete limits[name];
  }
  return { limits, requests };
}

/** A container's limit or request as Go decodes it; undefined when the key is absent. */
function resourceOf(
  c: Container,
  index: number,
  kind: 'limits' | 'requests',
  name: ResourceName,
): GoQuantity | undefined {
  const list = c.resources?.[kind];
  if (!list || !Object.prototype.hasOwnProperty.call(list, name)) return undefined;
  const raw: unknown = list[name];
  // JSON null decodes to the zero Quantity; a number is read from its JSON text
  if (raw === null) return goZeroQuantity();
  try {
    return parseGoQuantity(String(raw));
  } catch (e) {
    throw rethrow(e, `container ${goQuote(c.name)} resources.${kind}.${name}: `);
  }
}
