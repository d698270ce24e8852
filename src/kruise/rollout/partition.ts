// spec.updateStrategy.partition as the controller reads it: util.CalculatePartitionReplicas over the matched
// Pods (pkg/util/tools.go), errors ignored (an unparsable value counts as 0).
import { goFloatToInt, goParseFloat } from '../../go/numbers.js';
import type { IntOrString } from '../../k8s/api.js';
import type { ResolvedNumber } from './types.js';

export function resolvePartition(partition: IntOrString | undefined | null, matched: number): ResolvedNumber {
  if (partition === undefined || partition === null) return { value: 0, rule: 'partition not set → 0' };
  if (typeof partition === 'number') {
    const value = clamp(partition, matched);
    return { value, rule: `partition ${partition}${clampNote(partition, value, matched)}` };
  }
  // GetScaledValueFromIntOrPercent: a string must end in %, the rest is a float (decimals allowed), rounded up.
  if (!partition.endsWith('%')) {
    return { value: 0, rule: `partition ${JSON.stringify(partition)} is not a percentage → 0 (Kruise ignores it)` };
  }
  const percent = goParseFloat(partition.slice(0, -1));
  if (percent === undefined) {
    return { value: 0, rule: `partition ${JSON.stringify(partition)} is not a number → 0 (Kruise ignores it)` };
  }
  const scaled = goFloatToInt(Math.ceil((percent * matched) / 100));
  let rule = `partition ${partition} of ${matched} → ${scaled}, rounded up`;
  let value = scaled;
  // Below 100%, at least one Pod must be able to move (only for the literal "100%" may all be held).
  if (matched > 1 && value === matched && partition !== '100%') {
    value = matched - 1;
    rule += `, then ${value}: a percentage below 100% always lets one Pod move`;
  }
  const clamped = clamp(value, matched);
  return { value: clamped, rule: rule + clampNote(value, clamped, matched, true) };
}

function clamp(v: number, matched: number): number {
  return Math.max(Math.min(v, matched), 0);
}

function clampNote(v: number, clamped: number, matched: number, more = false): string {
  const lead = more ? ', then' : ' →';
  if (v === clamped) return more ? '' : ` → ${v}`;
  return clamped === 0 ? `${lead} 0 (never below 0)` : `${lead} ${clamped} (at most the ${matched} matched Pods)`;
}
