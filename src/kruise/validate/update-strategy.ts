// spec.updateStrategy (validateSidecarSetUpdateStrategy): checked only for RollingUpdate.
import type { IntOrString, LabelSelector } from '../../k8s/api.js';
import type { SidecarSetUpdateStrategy } from '../apis/types.js';
import { child, invalid, required, type FieldError } from '../../k8s/validation/field-errors.js';
import { percentErrors } from '../../k8s/validation/names.js';
import { labelSelectorAsSelectorError, validateSelector } from './selector-rules.js';
import { labelSelectorString } from '../../k8s/go-format.js';

/** `path` is spec.updateStrategy; the partition-with-selector error is reported on `updateStrategy`, as Kruise does. */
export function validateUpdateStrategy(strategy: SidecarSetUpdateStrategy | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!strategy || strategy.type !== 'RollingUpdate') return errs;
  if (intStrIsSet(strategy.partition) && strategy.selector) {
    errs.push(invalid('updateStrategy', strategyText(strategy), 'Partition and Selector cannot be used together'));
  }
  if (strategy.selector) errs.push(...validateSelector(strategy.selector, child(path, 'selector')));
  if (strategy.partition !== undefined && strategy.partition !== null) {
    errs.push(...validatePositiveIntOrPercent(strategy.partition, child(path, 'partition')));
  }
  if (strategy.maxUnavailable !== undefined && strategy.maxUnavailable !== null) {
    errs.push(...validatePositiveIntOrPercent(strategy.maxUnavailable, child(path, 'maxUnavailable')));
  }
  const priorityErr = priorityStrategyError(strategy.priorityStrategy);
  if (priorityErr) errs.push(required(child(path, 'priorityStrategy'), priorityErr));
  const scatterErr = scatterStrategyError(strategy.scatterStrategy);
  if (scatterErr) errs.push(required(child(path, 'scatterStrategy'), scatterErr));
  return errs;
}

/**
 * fmt.Sprintf("%++v", strategy) of the *SidecarSetUpdateStrategy: `&{Field:value ...}` in Go field order. The
 * selector and the IntOrStrings print through their String() methods; a set priorityStrategy (a pointer without
 * one) prints as an address in Go, which varies per run: shown here as 0xc000000000.
 */
function strategyText(s: SidecarSetUpdateStrategy): string {
  const intStr = (v: IntOrString | undefined | null) => (v === undefined || v === null ? '<nil>' : String(v));
  const scatter = (s.scatterStrategy ?? []).map((t) => `{Key:${t.key ?? ''} Value:${t.value ?? ''}}`).join(' ');
  return (
    `&{Type:${s.type ?? ''} Paused:${s.paused === true} Selector:${labelSelectorString(s.selector)} ` +
    `Partition:${intStr(s.partition)} MaxUnavailable:${intStr(s.maxUnavailable)} ` +
    `PriorityStrategy:${s.priorityStrategy ? '0xc000000000' : '<nil>'} ScatterStrategy:[${scatter}]}`
  );
}

// A string partition counts as set even when it says "0%".
function intStrIsSet(v: IntOrString | undefined | null): boolean {
  if (v === undefined || v === null) return false;
  return typeof v === 'string' || v !== 0;
}

/** apps validation.ValidatePositiveIntOrPercent. */
export function validatePositiveIntOrPercent(v: IntOrString, path: string): FieldError[] {
  if (typeof v === 'string') return percentErrors(v).map((msg) => invalid(path, v, msg));
  if (typeof v === 'number') return v < 0 ? [invalid(path, v, 'must be greater than or equal to 0')] : [];
  return [invalid(path, v, "must be an integer or percentage (e.g '5%')")];
}

interface WeightTerm {
  weight?: number;
  matchSelector?: LabelSelector;
}

/** UpdatePriorityStrategy.FieldsValidation: the first problem found. */
function priorityStrategyError(priority: Record<string, unknown> | undefined): string | undefined {
  if (!priority) return undefined;
  const weights = (Array.isArray(priority['weightPriority']) ? priority['weightPriority'] : []) as WeightTerm[];
  const orders = (Array.isArray(priority['orderPriority']) ? priority['orderPriority'] : []) as {
    orderedKey?: string;
  }[];
  if (weights.length > 0 && orders.length > 0) return 'only one of weightPriority and orderPriority can be used';
  for (const w of weights) {
    const weight = w?.weight ?? 0;
    if (weight < 0 || weight > 100) return 'weight must be valid number in the range 1-100';
    const selector = w?.matchSelector ?? {};
    if (Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0) {
      return 'selector can not be empty';
    }
    const err = labelSelectorAsSelectorError(selector);
    if (err !== undefined) return `invalid selector ${err}`;
  }
  for (const o of orders) if ((o?.orderedKey ?? '').length === 0) return 'order key can not be empty';
  return undefined;
}

/** UpdateScatterStrategy.FieldsValidation. */
function scatterStrategyError(scatter: { key: string; value: string }[] | undefined): string | undefined {
  const seen = new Set<string>();
  for (const term of scatter ?? []) {
    if ((term.key ?? '') === '') return 'key should not be empty';
    const id = `${term.key}:${term.value ?? ''}`;
    if (seen.has(id)) return `duplicated key=${term.key} value=${term.value ?? ''}`;
    seen.add(id);
  }
  return undefined;
}
