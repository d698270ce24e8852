// transferEnv: copy env vars of a Pod container into a sidecar (GetSidecarTransferEnvs and
// ExtractContainerNameFromFieldPath in pkg/control/sidecarcontrol/util.go).
import type { EnvVar, Pod } from '../../k8s/api.js';
import type { ObjectFieldSelector, SidecarContainer } from '../apis/types.js';
import { qualifiedNameErrors } from '../../k8s/selector.js';
import { sortedGoSet } from '../../go/sort.js';

/**
 * The env vars a sidecar's transferEnv entries take from the Pod's spec.containers (not init containers), in
 * entry order; within an entry envName and envNames together, de-duplicated and sorted. A source container or
 * variable that does not exist is skipped, as is an entry whose sourceContainerNameFrom cannot be resolved.
 */
export function getSidecarTransferEnvs(sidecar: SidecarContainer, pod: Pod): EnvVar[] {
  const envsInPod = new Map<string, EnvVar>();
  for (const c of pod.spec?.containers ?? []) {
    for (const env of c.env ?? []) envsInPod.set(`${c.name}/${env.name}`, env);
  }
  const out: EnvVar[] = [];
  for (const t of sidecar.transferEnv ?? []) {
    const names = sortedGoSet([...(t.envName ? [t.envName] : []), ...(t.envNames ?? [])]);
    let source = t.sourceContainerName ?? '';
    const fieldRef = t.sourceContainerNameFrom?.fieldRef;
    if (fieldRef !== undefined && fieldRef !== null) {
      const resolved = extractContainerNameFromFieldPath(fieldRef, pod);
      if (resolved === undefined) continue;
      source = resolved;
    }
    for (const name of names) {
      const env = envsInPod.get(`${source}/${name}`);
      if (env) out.push(env);
    }
  }
  return out;
}

/**
 * ExtractContainerNameFromFieldPath: only metadata.labels['k'] and metadata.annotations['k'] are supported
 * (a missing key gives ""). Undefined where Kruise returns an error: any other path (metadata.name included)
 * or an invalid key.
 */
export function extractContainerNameFromFieldPath(fieldRef: ObjectFieldSelector, pod: Pod): string | undefined {
  const split = splitMaybeSubscriptedPath(fieldRef.fieldPath ?? '');
  if (!split) return undefined;
  const [path, subscript] = split;
  if (path === 'metadata.annotations') {
    if (qualifiedNameErrors(subscript.toLowerCase()).length > 0) return undefined;
    return pod.metadata?.annotations?.[subscript] ?? '';
  }
  if (path === 'metadata.labels') {
    if (qualifiedNameErrors(subscript).length > 0) return undefined;
    return pod.metadata?.labels?.[subscript] ?? '';
  }
  return undefined;
}

// fieldpath.SplitMaybeSubscriptedPath: "metadata.labels['app']" -> ["metadata.labels", "app"].
function splitMaybeSubscriptedPath(fieldPath: string): [string, string] | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const s = fieldPath.slice(0, -2);
  const at = s.indexOf("['");
  if (at <= 0) return undefined;
  return [s.slice(0, at), s.slice(at + 2)];
}
