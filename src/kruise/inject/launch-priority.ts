// The Pod webhook's step after the SidecarSets (containerLaunchPriorityInitialization,
// pkg/webhook/pod/mutating/container_launch_priority_initialization.go): when containers are to start in order,
// every container gets a KRUISE_CONTAINER_BARRIER env read from the key p_<priority> of the ConfigMap
// <pod name>-barrier, which Kruise's daemon fills as the containers before it become ready.
//
// The order comes from the annotation apps.kruise.io/container-launch-priority: Ordered (the containers' own
// order), else from each container's KRUISE_CONTAINER_PRIORITY env (an integer; 0 when absent); equal priorities
// everywhere mean no order. A Pod with one container is left alone.
//
// Deliberate differences: a pod template is left alone (the ConfigMap is named after each Pod, which a template
// does not have; Kruise would generate a name from generateName for a Pod that has none), and a container that
// already carries the barrier keeps it alone, so that injecting twice equals injecting once.
import { SidecarsetError } from '../../errors.js';
import { goQuote } from '../../go/quote.js';
import type { Container, EnvVar, Pod } from '../../k8s/api.js';

export const ContainerLaunchPriorityEnvName = 'KRUISE_CONTAINER_PRIORITY';
export const ContainerLaunchBarrierEnvName = 'KRUISE_CONTAINER_BARRIER';
export const ContainerLaunchPriorityKey = 'apps.kruise.io/container-launch-priority';
export const ContainerLaunchOrdered = 'Ordered';

export type LaunchPriorityOutcome =
  | { applied: true; by: 'annotation' | 'env'; configMap: string }
  | { applied: false; reason: 'PodTemplate' | 'BarrierPresent'; detail: string };

/** utilcontainerlaunchpriority.GeneratePriorityEnv */
export function priorityBarrierEnv(priority: bigint, podName: string): EnvVar {
  return {
    name: ContainerLaunchBarrierEnvName,
    valueFrom: { configMapKeyRef: { name: `${podName}-barrier`, key: `p_${priority}` } },
  };
}

// strconv.Atoi on a 64-bit platform, its errors in Go's words.
function atoi(s: string): bigint | Error {
  if (!/^[+-]?\d+$/.test(s)) return new Error(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`);
  const v = BigInt(s);
  if (v > 2n ** 63n - 1n || v < -(2n ** 63n))
    return new Error(`strconv.Atoi: parsing ${goQuote(s)}: value out of range`);
  return v;
}

/** getPriority: each container's priority, and whether they differ (undefined: no order needed). */
function envPriorities(containers: readonly Container[]): bigint[] | undefined {
  let any = false;
  const priority = containers.map((c, i) => {
    let p = 0n;
    for (const e of c.env ?? []) {
      if (e.name !== ContainerLaunchPriorityEnvName) continue;
      const parsed = atoi(e.value ?? '');
      if (parsed instanceof Error)
        throw new SidecarsetError(`Kruise's Pod webhook would refuse the Pod: ${parsed.message}`, {
          field: `spec.containers[${i}].env`,
        });
      p = parsed;
      if (p !== 0n) any = true;
    }
    return p;
  });
  return any && priority.some((p) => p !== priority[0]) ? priority : undefined;
}

/**
 * Applies the launch-priority step to `pod` (edited in place: its containers' env lists are replaced); undefined
 * when the step does not apply. `template` says the Pod stands for a workload's pod template.
 */
export function initializeContainerLaunchPriority(pod: Pod, template: boolean): LaunchPriorityOutcome | undefined {
  const containers = pod.spec.containers ?? [];
  if (containers.length === 1) return undefined;
  const ordered = pod.metadata.annotations?.[ContainerLaunchPriorityKey] === ContainerLaunchOrdered;
  const priority = ordered ? containers.map((_, i) => BigInt(-i)) : envPriorities(containers);
  if (priority === undefined) return undefined;
  const by = ordered ? 'annotation' : 'env';
  const name = pod.metadata.name ?? '';
  if (template || name === '')
    return {
      applied: false,
      reason: 'PodTemplate',
      detail:
        `containers start in order (${by === 'annotation' ? `${ContainerLaunchPriorityKey}: Ordered` : ContainerLaunchPriorityEnvName}); ` +
        `Kruise adds ${ContainerLaunchBarrierEnvName} when each Pod is created (its ConfigMap is named after the Pod), so the template is left without it`,
    };
  const hasBarrier = (c: Container) => (c.env ?? []).some((e) => e.name === ContainerLaunchBarrierEnvName);
  if (containers.every(hasBarrier))
    return {
      applied: false,
      reason: 'BarrierPresent',
      detail: `the containers already carry ${ContainerLaunchBarrierEnvName}`,
    };
  pod.spec.containers = containers.map((c, i) =>
    hasBarrier(c) ? c : { ...c, env: [...(c.env ?? []), priorityBarrierEnv(priority[i], name)] },
  );
  return { applied: true, by, configMap: `${name}-barrier` };
}
