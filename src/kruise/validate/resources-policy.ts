// A sidecar's resourcesPolicy (validateResourcesPolicy). targetContainersMode is left to the CRD schema,
// as in Kruise.
import type { ResourcesPolicy, SidecarContainer } from '../apis/types.js';
import { child, invalid, required, type FieldError } from '../../k8s/validation/field-errors.js';
import { validateResourceExpression } from '../resources/calculator.js';
import { tryCompileGoRegexp } from '../../go/regexp.js';

/** `path` is where Kruise reports it: spec[<i>].resourcesPolicy. */
export function validateResourcesPolicy(container: SidecarContainer, path: string): FieldError[] {
  const policy = container.resourcesPolicy as ResourcesPolicy;
  const limits = Object.keys(container.resources?.limits ?? {}).length;
  const requests = Object.keys(container.resources?.requests ?? {}).length;
  // a fundamental conflict: nothing else is worth reporting
  if (limits > 0 || requests > 0)
    return [invalid(path, policy, 'resourcesPolicy and resources cannot be configured together')];
  const errs: FieldError[] = [];
  const regex = policy.targetContainersNameRegex ?? '';
  if (regex.length === 0) errs.push(required(child(path, 'targetContainersNameRegex'), 'invalid empty regex'));
  else {
    const compiled = tryCompileGoRegexp(regex);
    if (compiled.error !== undefined) {
      errs.push(invalid(child(path, 'targetContainersNameRegex'), regex, `invalid regex pattern: ${compiled.error}`));
    }
  }
  const exprPath = child(path, 'resourcesExpr');
  const expr = policy.resourcesExpr ?? {};
  if (!expr.limits && !expr.requests)
    return [...errs, invalid(exprPath, expr, 'at least one of limits or requests must be configured')];
  for (const part of ['limits', 'requests'] as const) {
    const exprs = expr[part];
    if (!exprs) continue;
    for (const variable of ['cpu', 'memory'] as const) {
      const text = exprs[variable] ?? '';
      const err = validateResourceExpression(text, variable);
      if (err) errs.push(invalid(child(exprPath, part, variable), text, err));
    }
  }
  return errs;
}

// Kruise's validateResourceExpression (the calculator, with the variable bound to the number 1).
export { validateResourceExpression };
