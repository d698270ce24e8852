// Why a Pod cannot be upgraded in place, in words. Kruise decides by comparing hash-without-image
// annotations only (it never looks at containers); to help the reader, we also name the fields of the
// SidecarSet's containers that the Pod's sidecar containers do not carry. The field list is a best effort:
// the Pod's containers also hold what injection added (shared mounts, transferred env, IS_INJECTED), so only
// what the SidecarSet declares is looked for in the Pod.
import type { Container, Pod } from '../../k8s/api.js';
import type { SidecarContainer, SidecarSet } from '../apis/types.js';
import { canonicalQuantity, parseQuantity } from '../../k8s/quantity.js';
import { deepEqual } from '../../k8s/deep-equal.js';

/** The fields in which the Pod's sidecar containers differ from the SidecarSet's, e.g. "log-agent env LOG_LEVEL". */
export function nonImageDifferences(pod: Pod, sidecarSet: SidecarSet): string[] {
  const out: string[] = [];
  const working = workingContainers(pod);
  for (const want of sidecarSet.spec?.containers ?? []) {
    const podName =
      want.upgradeStrategy?.upgradeType === 'HotUpgrade'
        ? working[want.name] === `${want.name}-1`
          ? `${want.name}-1`
          : `${want.name}-2`
        : want.name;
    const have = (pod.spec?.containers ?? []).find((c) => c.name === podName);
    if (!have) continue;
    for (const d of containerDifferences(have, want)) out.push(`${want.name} ${d}`);
  }
  return out;
}

function workingContainers(pod: Pod): Record<string, string> {
  try {
    const v = JSON.parse(pod.metadata?.annotations?.['kruise.io/sidecarset-working-hotupgrade-container'] ?? '{}');
    return v && typeof v === 'object' ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

const WHOLE_FIELDS = ['command', 'args', 'workingDir'] as const;
const SUBSET_FIELDS = ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'securityContext'] as const;

function containerDifferences(have: Container, want: SidecarContainer): string[] {
  const out: string[] = [];
  for (const f of WHOLE_FIELDS) {
    if (!deepEqual(emptyAsUndefined(have[f]), emptyAsUndefined(want[f]))) out.push(f);
  }
  for (const env of want.env ?? []) {
    const mine = (have.env ?? []).find((e) => e.name === env.name);
    if (!mine) out.push(`env ${env.name} (not in the Pod)`);
    else if ((mine.value ?? '') !== (env.value ?? '') || !deepEqual(mine.valueFrom, env.valueFrom)) {
      out.push(
        env.valueFrom || mine.valueFrom
          ? `env ${env.name}`
          : `env ${env.name} (Pod: ${JSON.stringify(mine.value ?? '')}, SidecarSet: ${JSON.stringify(env.value ?? '')})`,
      );
    }
  }
  for (const m of want.volumeMounts ?? []) {
    const mine = (have.volumeMounts ?? []).find((x) => x.mountPath === m.mountPath);
    if (!mine) out.push(`volumeMount ${m.mountPath} (not in the Pod)`);
    else if (!isSubset(m, mine)) out.push(`volumeMount ${m.mountPath}`);
  }
  const ports = (want.ports as { containerPort?: number }[] | undefined) ?? [];
  for (const port of ports) {
    const mine = ((have.ports as { containerPort?: number }[] | undefined) ?? []).find(
      (x) => x.containerPort === port.containerPort,
    );
    if (!mine || !isSubset(port, mine)) out.push(`port ${port.containerPort}`);
  }
  if (!want.resourcesPolicy) {
    for (const kind of ['limits', 'requests'] as const) {
      const a = have.resources?.[kind] ?? {};
      const b = want.resources?.[kind] ?? {};
      for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (!sameQuantity(a[name], b[name]))
          out.push(`resources.${kind}.${name} (Pod: ${a[name] ?? 'none'}, SidecarSet: ${b[name] ?? 'none'})`);
      }
    }
  }
  for (const f of SUBSET_FIELDS) if (want[f] !== undefined && !isSubset(want[f], have[f])) out.push(f);
  return out;
}

function emptyAsUndefined(v: unknown): unknown {
  return v === '' || v === null || (Array.isArray(v) && v.length === 0) ? undefined : v;
}

/** Every value `want` sets is in `have` (what the API server defaulted in `have` is not a difference). */
function isSubset(want: unknown, have: unknown): boolean {
  if (want === undefined || want === null) return true;
  if (typeof want !== 'object') return deepEqual(want, have) || String(want) === String(have);
  if (Array.isArray(want))
    return Array.isArray(have) && want.length === have.length && want.every((w, i) => isSubset(w, have[i]));
  if (typeof have !== 'object' || have === null) return false;
  return Object.entries(want as Record<string, unknown>).every(([k, v]) =>
    isSubset(v, (have as Record<string, unknown>)[k]),
  );
}

function sameQuantity(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  try {
    return canonicalQuantity(parseQuantity(String(a))) === canonicalQuantity(parseQuantity(String(b)));
  } catch {
    return String(a) === String(b);
  }
}
