// The SidecarSetUpgradable Pod condition (Processor.updatePodSidecarSetUpgradableCondition). After upgrading a
// Pod, and for each Pod it finds not upgradable, Kruise records per SidecarSet whether the Pod can be upgraded
// in place: the condition's message is a JSON object SidecarSet name -> bool, its status True only while every
// SidecarSet listed is true. It is a write of its own, a strategic merge patch on the Pod's status subresource
// ({"status":{"conditions":[condition]}}), made only when the condition changes. Nothing in Kruise decides by
// it; it tells users why a Pod is left alone.
import { SidecarsetError } from '../../errors.js';
import type { Pod } from '../../k8s/api.js';
import { isObject } from '../../k8s/api.js';
import { goJsonString } from '../../go/json-string.js';
import { compareGoStrings } from '../../go/sort.js';
import { kruiseTimestamp } from '../../k8s/meta-time.js';

export const SidecarSetUpgradable = 'SidecarSetUpgradable';

/** corev1.PodCondition in wire shape, its keys in Go's field order. */
export interface PodCondition {
  type: string;
  status: 'True' | 'False';
  lastProbeTime: string | null;
  lastTransitionTime: string | null;
  reason: string;
  message: string;
}

/**
 * The condition Kruise patches into `pod`'s status for `sidecarSetName`, or undefined when it would not patch
 * (the condition is already so). `now` is metav1.Time text. Throws SidecarsetError when the Pod's condition
 * message is not a JSON object, as Kruise then gives up with an error.
 */
export function sidecarSetUpgradableCondition(
  sidecarSetName: string,
  pod: Pod,
  upgradable: boolean,
  now: string,
): PodCondition | undefined {
  const conditions = (pod.status?.conditions as unknown[] | undefined) ?? [];
  const old = conditions.find((c) => isObject(c) && c.type === SidecarSetUpgradable) as
    Record<string, unknown> | undefined;
  const text = typeof old?.message === 'string' ? old.message : '';
  const kv = readMessage(text);
  kv.set(sidecarSetName, upgradable);
  const all = [...kv.values()].every((v) => v !== false);
  const condition: PodCondition = {
    type: SidecarSetUpgradable,
    status: all ? 'True' : 'False',
    lastProbeTime: typeof old?.lastProbeTime === 'string' ? old.lastProbeTime : null,
    lastTransitionTime: typeof old?.lastTransitionTime === 'string' ? old.lastTransitionTime : null,
    reason: all ? 'AllSidecarsetUpgradable' : 'UpdateImmutableField',
    message: marshalMessage(kv),
  };
  // podutil.UpdatePodCondition: a new condition or a new status moves lastTransitionTime
  if (old === undefined || old.status !== condition.status) condition.lastTransitionTime = kruiseTimestamp(now);
  const same =
    old !== undefined &&
    old.status === condition.status &&
    old.reason === condition.reason &&
    old.message === condition.message &&
    (old.lastProbeTime ?? null) === condition.lastProbeTime &&
    (old.lastTransitionTime ?? null) === condition.lastTransitionTime;
  return same ? undefined : condition;
}

function readMessage(text: string): Map<string, unknown> {
  if (text === '') return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed !== null && !isObject(parsed)) {
    throw new SidecarsetError(`the Pod's ${SidecarSetUpgradable} condition message is not a JSON object: ${text}`, {
      field: `status.conditions[${SidecarSetUpgradable}].message`,
    });
  }
  return new Map(Object.entries(parsed ?? {}));
}

// json.Marshal(map[string]interface{}): keys sorted; values other than booleans are carried as they came
function marshalMessage(kv: Map<string, unknown>): string {
  const keys = [...kv.keys()].sort(compareGoStrings);
  return `{${keys.map((k) => `${goJsonString(k)}:${JSON.stringify(kv.get(k))}`).join(',')}}`;
}
