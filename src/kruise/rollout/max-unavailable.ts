// spec.updateStrategy.maxUnavailable as the controller reads it: intstr.GetValueFromIntOrPercent (the
// deprecated parser: every "%" is removed, the rest must be an integer and is a percentage even without "%"),
// rounded up, over the matched Pods; errors ignored (0). Absent means 1.
import { goAtoi, goFloatToInt } from '../../go/numbers.js';
import type { IntOrString } from '../../k8s/api.js';
import type { ResolvedNumber } from './types.js';

export function resolveMaxUnavailable(maxUnavailable: IntOrString | undefined | null, matched: number): ResolvedNumber {
  if (maxUnavailable === undefined || maxUnavailable === null) {
    return withZeroNote({ value: 1, rule: 'maxUnavailable not set → 1' });
  }
  if (typeof maxUnavailable === 'number') {
    return withZeroNote({ value: maxUnavailable, rule: `maxUnavailable ${maxUnavailable} → ${maxUnavailable}` });
  }
  const percent = goAtoi(maxUnavailable.replaceAll('%', ''));
  if (percent === undefined) {
    return withZeroNote({
      value: 0,
      rule: `maxUnavailable ${JSON.stringify(maxUnavailable)} is not an integer percentage → 0 (Kruise's parser fails)`,
    });
  }
  const value = goFloatToInt(Math.ceil((percent * matched) / 100));
  const shown = maxUnavailable.includes('%')
    ? maxUnavailable
    : `${JSON.stringify(maxUnavailable)} (a string, read as ${percent}%)`;
  return withZeroNote({ value, rule: `maxUnavailable ${shown} of ${matched} → ${value}, rounded up` });
}

function withZeroNote(r: ResolvedNumber): ResolvedNumber {
  return r.value <= 0 ? { value: r.value, rule: `${r.rule}: only Pods that are not ready move` } : r;
}
