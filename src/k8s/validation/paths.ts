// Path and downward-API field checks shared by core volume and container validation
// (k8s.io/kubernetes pkg/apis/core/validation).
import { child, invalid, notSupported, required, type FieldError } from './field-errors.js';
import { qualifiedNameErrors } from './names.js';

/** validatePathNoBacksteps: no `..` element. */
export function validatePathNoBacksteps(target: string, path: string): FieldError[] {
  return target.split('/').includes('..') ? [invalid(path, target, "must not contain '..'")] : [];
}

/** validateLocalDescendingPath: relative and without backsteps. */
export function validateLocalDescendingPath(target: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(invalid(path, target, 'must be a relative path'));
  return [...errs, ...validatePathNoBacksteps(target, path)];
}

/** ValidateLocalNonReservedPath: as above, and not starting with `..`. */
export function validateLocalNonReservedPath(target: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith('..') && !target.startsWith('../'))
    errs.push(invalid(path, target, "must not start with '..'"));
  return errs;
}

/** fieldpath.SplitMaybeSubscriptedPath: `metadata.labels['x']` -> ['metadata.labels', 'x']. */
export function splitSubscriptedPath(fieldPath: string): { path: string; subscript?: string } {
  if (!fieldPath.endsWith("']")) return { path: fieldPath };
  const trimmed = fieldPath.slice(0, -2);
  const at = trimmed.indexOf("['");
  if (at <= 0) return { path: fieldPath };
  return { path: trimmed.slice(0, at), subscript: trimmed.slice(at + 2) };
}

// Labels the core (pods helper) ConvertDownwardAPIFieldLabel accepts without a subscript.
const CONVERTIBLE_LABELS = new Set([
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.serviceAccountName',
  'spec.schedulerName',
  'status.phase',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
]);

/** The core ConvertDownwardAPIFieldLabel: the internal field path, or an error text. */
export function convertCoreFieldLabel(apiVersion: string, label: string): { path?: string; error?: string } {
  if (apiVersion !== 'v1') return { error: `unsupported pod version: ${apiVersion}` };
  const split = splitSubscriptedPath(label);
  if (split.subscript !== undefined) {
    if (split.path === 'metadata.annotations' || split.path === 'metadata.labels') return { path: label };
    return { error: `field label does not support subscript: ${label}` };
  }
  if (label === 'spec.host') return { path: 'spec.nodeName' };
  if (CONVERTIBLE_LABELS.has(label)) return { path: label };
  return { error: `field label not supported: ${label}` };
}

export interface ObjectFieldSelector {
  apiVersion?: string;
  fieldPath?: string;
}

/**
 * validateObjectFieldSelector, parameterised by the label conversion (core for Pods, Kruise's own for
 * transferEnv) and the set of plain paths accepted.
 */
export function validateObjectFieldSelector(
  fs: ObjectFieldSelector,
  expressions: ReadonlySet<string>,
  path: string,
  convert: (apiVersion: string, label: string) => { path?: string; error?: string } = convertCoreFieldLabel,
): FieldError[] {
  const apiVersion = fs.apiVersion ?? '';
  const fieldPath = fs.fieldPath ?? '';
  if (apiVersion.length === 0) return [required(child(path, 'apiVersion'))];
  if (fieldPath.length === 0) return [required(child(path, 'fieldPath'))];
  const converted = convert(apiVersion, fieldPath);
  if (converted.error !== undefined || converted.path === undefined) {
    return [invalid(child(path, 'fieldPath'), fieldPath, `error converting fieldPath: ${converted.error ?? ''}`)];
  }
  const split = splitSubscriptedPath(converted.path);
  if (split.subscript !== undefined) {
    switch (split.path) {
      case 'metadata.annotations':
        return qualifiedNameErrors(split.subscript.toLowerCase()).map((msg) => invalid(path, split.subscript, msg));
      case 'metadata.labels':
        return qualifiedNameErrors(split.subscript).map((msg) => invalid(path, split.subscript, msg));
      default:
        return [invalid(path, split.path, 'does not support subscript')];
    }
  }
  if (!expressions.has(split.path))
    return [notSupported(child(path, 'fieldPath'), split.path, [...expressions].sort())];
  return [];
}
