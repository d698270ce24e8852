// spec.patchPodMetadata: the cluster's whitelist (ValidateSidecarSetPatchMetadataWhitelist, read from
// kruise-system/kruise-configuration) and the SidecarSet's own patch rules.
import { SidecarsetError } from '../../errors.js';
import type { LabelSelector } from '../../k8s/api.js';
import type { SidecarSet } from '../apis/types.js';
import { compileLabelSelector } from '../../k8s/selector.js';
import { child, required, type FieldError } from '../../k8s/validation/field-errors.js';
import { tryCompileGoRegexp } from '../../go/regexp.js';
import { sidecarSetNameErrors, validateObjectMeta } from './metadata.js';

export const PATCH_METADATA_WHITELIST_KEY = 'SidecarSet_PatchPodMetadata_WhiteList';

export interface PatchWhitelistRule {
  /** Which SidecarSets (by their labels) the rule is for; absent means all. */
  selector?: LabelSelector;
  /** Go regexps (unanchored) an annotation key must match. */
  allowedAnnotationKeyExprs: string[];
}

export interface PatchWhitelist {
  rules: PatchWhitelistRule[];
}

/**
 * The whitelist from the kruise-configuration ConfigMap's data, or undefined when it has none.
 * Throws SidecarsetError when the value is not the JSON Kruise expects.
 */
export function parsePatchPodMetadataWhitelist(configMapData: Record<string, string>): PatchWhitelist | undefined {
  const raw = configMapData[PATCH_METADATA_WHITELIST_KEY];
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new SidecarsetError(
      `${PATCH_METADATA_WHITELIST_KEY} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const bad = (what: string) =>
    new SidecarsetError(
      `${PATCH_METADATA_WHITELIST_KEY}: ${what} (expected {"rules":[{"selector"?:{...},"allowedAnnotationKeyExprs":["regex",...]}]})`,
    );
  if (parsed === null) return { rules: [] };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw bad('not a JSON object');
  const rules = (parsed as Record<string, unknown>)['rules'] ?? [];
  if (!Array.isArray(rules)) throw bad('"rules" is not a list');
  return {
    rules: rules.map((r, i) => {
      if (r === null) return { allowedAnnotationKeyExprs: [] };
      if (typeof r !== 'object' || Array.isArray(r)) throw bad(`rules[${i}] is not an object`);
      const rule = r as Record<string, unknown>;
      const exprs = rule['allowedAnnotationKeyExprs'] ?? [];
      if (!Array.isArray(exprs) || exprs.some((x) => typeof x !== 'string')) {
        throw bad(`rules[${i}].allowedAnnotationKeyExprs is not a list of strings`);
      }
      const selector = rule['selector'];
      if (selector !== undefined && selector !== null && (typeof selector !== 'object' || Array.isArray(selector))) {
        throw bad(`rules[${i}].selector is not an object`);
      }
      const out: PatchWhitelistRule = { allowedAnnotationKeyExprs: exprs as string[] };
      if (selector) out.selector = selector as LabelSelector;
      return out;
    }),
  };
}

/**
 * ValidateSidecarSetPatchMetadataWhitelist: the error text when some patched key is not allowed.
 * `defaultsAllowed` is the SidecarSetPatchPodMetadataDefaultsAllowed feature gate (off by default).
 */
export function patchMetadataWhitelistError(
  ss: SidecarSet,
  whitelist: PatchWhitelist | undefined,
  defaultsAllowed = false,
): string | undefined {
  const patches = ss.spec.patchPodMetadata ?? [];
  if (patches.length === 0) return undefined;
  if (!whitelist) return defaultsAllowed ? undefined : 'SidecarSet patch metadata whitelist not found';
  const allowed: RegExp[] = [];
  for (const rule of whitelist.rules) {
    if (rule.selector) {
      const bad = (rule.selector.matchExpressions ?? []).find(
        (e) => !['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator),
      );
      if (bad) return `"${bad.operator}" is not a valid pod selector operator`;
      let matches: boolean;
      try {
        matches = compileLabelSelector(rule.selector, 'selector').matches(ss.metadata.labels ?? {});
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
      if (!matches) continue;
    }
    for (const expr of rule.allowedAnnotationKeyExprs) {
      const compiled = tryCompileGoRegexp(expr);
      if (compiled.error !== undefined) return compiled.error;
      allowed.push(compiled.regexp);
    }
  }
  if (allowed.length === 0) return defaultsAllowed ? undefined : 'sidecarSet patch metadata annotation is not allowed';
  for (const patch of patches) {
    for (const k of Object.keys(patch.annotations ?? {})) {
      if (!allowed.some((re) => re.test(k))) return `sidecarSet patch metadata annotation(${k}) is not allowed`;
    }
  }
  return undefined;
}

/** The SidecarSet's own rules: annotations present and valid, a policy, each key patched once. */
export function validatePatchPodMetadata(ss: SidecarSet, specPath: string): FieldError[] {
  const errs: FieldError[] = [];
  const at = child(specPath, 'patchPodMetadata');
  const keys = new Set<string>();
  for (const patch of ss.spec.patchPodMetadata ?? []) {
    const annotations = patch.annotations ?? {};
    if (Object.keys(annotations).length === 0) errs.push(required(at, 'no annotations defined for SidecarSet'));
    else errs.push(...validateObjectMeta({ name: 'fake-name', annotations }, sidecarSetNameErrors, 'patchPodMetadata'));
    if ((patch.patchPolicy ?? '') === '') errs.push(required(at, 'no patchPolicy defined for patchPodMetadata'));
    for (const k of Object.keys(annotations)) {
      if (keys.has(k)) errs.push(required(at, `patch annotation[${k}] already exist`));
      else keys.add(k);
    }
  }
  return errs;
}
