// Label selectors as Kruise's SidecarSet webhook checks them (validateSelector): metav1 ValidateLabelSelector
// with label values validated, non-empty, and convertible by LabelSelectorAsSelector.
import type { LabelSelector } from '../../k8s/api.js';
import {
  child,
  forbidden,
  formatFieldError,
  GoValue,
  index,
  invalid,
  key,
  required,
  type FieldError,
} from '../../k8s/validation/field-errors.js';
import { labelValueErrors, qualifiedNameErrors } from '../../k8s/validation/names.js';
import { validateLabels } from './metadata.js';
import { labelSelectorGoSyntax } from '../../k8s/go-format.js';

/** metav1validation.ValidateLabelSelector with AllowInvalidLabelValueInSelector off. */
export function validateLabelSelector(selector: LabelSelector | undefined | null, path: string): FieldError[] {
  if (!selector) return [];
  const errs: FieldError[] = [...validateLabels(selector.matchLabels, child(path, 'matchLabels'))];
  (selector.matchExpressions ?? []).forEach((req, i) => {
    const at = index(child(path, 'matchExpressions'), i);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          errs.push(required(child(at, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          errs.push(
            forbidden(child(at, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
          );
        }
        break;
      default:
        errs.push(invalid(child(at, 'operator'), req.operator, 'not a valid selector operator'));
    }
    for (const msg of qualifiedNameErrors(req.key ?? '')) errs.push(invalid(child(at, 'key'), req.key ?? '', msg));
    values.forEach((v, j) => {
      for (const msg of labelValueErrors(v)) errs.push(invalid(index(child(at, 'values'), j), v, msg));
    });
  });
  return errs;
}

/**
 * The error text metav1.LabelSelectorAsSelector returns, or undefined when the selector converts.
 * (labels.NewRequirement fails on a bad key, a bad value, or a value count that does not fit the operator.)
 */
export function labelSelectorAsSelectorError(selector: LabelSelector | undefined | null): string | undefined {
  if (!selector) return undefined;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    const err = requirementError(k, 'Equals', [v]);
    if (err) return err;
  }
  for (const req of selector.matchExpressions ?? []) {
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(req.operator)) {
      return `"${req.operator}" is not a valid label selector operator`;
    }
    const err = requirementError(req.key ?? '', req.operator, req.values ?? []);
    if (err) return err;
  }
  return undefined;
}

function requirementError(k: string, op: string, values: string[]): string | undefined {
  const errs: FieldError[] = [];
  const keyErrs = qualifiedNameErrors(k);
  if (keyErrs.length > 0) errs.push(invalid('key', k, keyErrs.join('; ')));
  if ((op === 'In' || op === 'NotIn') && values.length === 0) {
    errs.push(invalid('values', values, "for 'in', 'notin' operators, values set can't be empty"));
  } else if (op === 'Equals' && values.length !== 1) {
    errs.push(invalid('values', values, 'exact-match compatibility requires one single value'));
  } else if ((op === 'Exists' || op === 'DoesNotExist') && values.length !== 0) {
    errs.push(invalid('values', values, 'values set must be empty for exists and does not exist'));
  }
  values.forEach((v, i) => {
    const valueErrs = labelValueErrors(v);
    if (valueErrs.length > 0) errs.push(invalid(key(index('values', i), k), v, valueErrs.join('; ')));
  });
  return aggregateMessage(errs.map(formatFieldError));
}

/** utilerrors.NewAggregate(...).Error(): one message alone, several de-duplicated in brackets. */
export function aggregateMessage(messages: string[]): string | undefined {
  const unique = [...new Set(messages)];
  if (unique.length === 0) return undefined;
  if (unique.length === 1) return unique[0];
  return `[${unique.join(', ')}]`;
}

/** Kruise's validateSelector, used for spec.selector, spec.namespaceSelector and updateStrategy.selector. */
export function validateSelector(selector: LabelSelector, path: string): FieldError[] {
  const errs = validateLabelSelector(selector, path);
  const size = Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length;
  // the value is a *metav1.LabelSelector, which field.Error prints with %#v (its String() is on the pointer)
  const value = new GoValue(labelSelectorGoSyntax(selector), selector);
  if (size === 0) errs.push(invalid(path, value, 'empty selector is not valid for sidecarset.'));
  if (labelSelectorAsSelectorError(selector) !== undefined) errs.push(invalid(child(path, 'selector'), value, ''));
  return errs;
}
