// The project's one label selector matcher, with metav1.LabelSelector semantics.
//
// Kruise turns selectors into matchers with util.ValidatedLabelSelectorAsSelector: a nil selector matches
// nothing, an empty one ({}) matches everything. What each caller makes of that differs (a SidecarSet's
// spec.selector must also be non-empty to match a Pod, see match.ts), so both cases are visible on the
// compiled form. Compiling validates the selector the way the API server and Kruise's SidecarSet webhook do
// (ValidateLabelSelector): a selector that compiles here is one a cluster would have accepted.
import { SidecarsetError } from '../errors.js';
import type { LabelSelector } from './api.js';

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface SelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: ReadonlySet<string>;
}

export type Labels = Readonly<Record<string, string>>;

export interface CompiledSelector {
  /** 'nothing' for a nil selector, 'everything' for {}, else 'requirements'. */
  readonly kind: 'nothing' | 'everything' | 'requirements';
  /** matchLabels first (as In with one value), then matchExpressions, in input order. */
  readonly requirements: readonly SelectorRequirement[];
  /** Every label key the selector constrains. */
  readonly keys: ReadonlySet<string>;
  matches(labels: Labels | undefined | null): boolean;
}

/** One validation problem, placed by field path (e.g. spec.selector.matchExpressions[0].operator). */
export interface SelectorProblem {
  field: string;
  message: string;
}

const NOTHING: CompiledSelector = Object.freeze({
  kind: 'nothing' as const,
  requirements: [],
  keys: new Set<string>(),
  matches: () => false,
});

const EVERYTHING: CompiledSelector = Object.freeze({
  kind: 'everything' as const,
  requirements: [],
  keys: new Set<string>(),
  matches: () => true,
});

/** The problems ValidateLabelSelector reports for this selector (none for nil). */
export function labelSelectorProblems(selector: LabelSelector | null | undefined, field: string): SelectorProblem[] {
  const problems: SelectorProblem[] = [];
  if (selector === null || selector === undefined) return problems;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    for (const msg of qualifiedNameErrors(key))
      problems.push({ field: `${field}.matchLabels`, message: invalid(key, msg) });
    for (const msg of labelValueErrors(value ?? '')) {
      problems.push({ field: `${field}.matchLabels`, message: invalid(value ?? '', msg) });
    }
  }
  (selector.matchExpressions ?? []).forEach((req, i) => {
    const at = `${field}.matchExpressions[${i}]`;
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          problems.push({
            field: `${at}.values`,
            message: "Required value: must be specified when `operator` is 'In' or 'NotIn'",
          });
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          problems.push({
            field: `${at}.values`,
            message: "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          });
        }
        break;
      default:
        problems.push({
          field: `${at}.operator`,
          message: invalid(String(req.operator), 'not a valid selector operator'),
        });
    }
    for (const msg of qualifiedNameErrors(req.key ?? ''))
      problems.push({ field: `${at}.key`, message: invalid(req.key ?? '', msg) });
    values.forEach((v, j) => {
      for (const msg of labelValueErrors(v ?? ''))
        problems.push({ field: `${at}.values[${j}]`, message: invalid(v ?? '', msg) });
    });
  });
  return problems;
}

/**
 * Compiles a selector for repeated matching. Throws SidecarsetError (placed at the first bad field) when the
 * selector is invalid. `field` names where the selector sits, e.g. "spec.selector".
 */
// The same few selectors (one per SidecarSet) are compiled for every Pod: remember them by their content,
// so that a selector mutated after compiling is simply compiled again.
const COMPILED = new Map<string, CompiledSelector>();
const COMPILED_MAX = 1024;

export function compileLabelSelector(selector: LabelSelector | null | undefined, field = 'selector'): CompiledSelector {
  if (selector === null || selector === undefined) return NOTHING;
  const key = `${field}\u0000${JSON.stringify(selector)}`;
  let compiled = COMPILED.get(key);
  if (compiled === undefined) {
    compiled = compileUncached(selector, field);
    if (COMPILED.size >= COMPILED_MAX) COMPILED.clear();
    COMPILED.set(key, compiled);
  }
  return compiled;
}

function compileUncached(selector: LabelSelector, field: string): CompiledSelector {
  const problems = labelSelectorProblems(selector, field);
  if (problems.length > 0) {
    const first = problems[0];
    throw new SidecarsetError(`invalid label selector: ${first.message}`, { field: first.field });
  }
  const requirements: SelectorRequirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push({ key, operator: 'In', values: new Set([value ?? '']) });
  }
  for (const req of selector.matchExpressions ?? []) {
    requirements.push({ key: req.key, operator: req.operator as SelectorOperator, values: new Set(req.values ?? []) });
  }
  if (requirements.length === 0) return EVERYTHING;
  const keys = new Set(requirements.map((r) => r.key));
  return Object.freeze({
    kind: 'requirements' as const,
    requirements,
    keys,
    matches: (labels: Labels | undefined | null) => requirements.every((r) => requirementMatches(r, labels ?? {})),
  });
}

/** One-shot form of compileLabelSelector(...).matches(labels). */
export function labelSelectorMatches(
  selector: LabelSelector | null | undefined,
  labels: Labels | undefined | null,
  field?: string,
): boolean {
  return compileLabelSelector(selector, field).matches(labels);
}

function requirementMatches(req: SelectorRequirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  switch (req.operator) {
    case 'In':
      return has && req.values.has(labels[req.key]);
    case 'NotIn':
      return !has || !req.values.has(labels[req.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

// ---- apimachinery's IsQualifiedName / IsValidLabelValue, same messages ----

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const QUALIFIED_NAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FMT}$`);

// Go's validation.RegexError, double space before "or" included.
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Error strings of validation.IsQualifiedName. */
export function qualifiedNameErrors(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else {
      if (byteLength(prefix) > 253) errs.push('prefix part must be no more than 253 characters');
      if (!DNS1123_SUBDOMAIN.test(prefix)) {
        errs.push(
          'prefix part ' +
            regexError(
              'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, ' +
                "'-' or '.', and must start and end with an alphanumeric character",
              DNS1123_SUBDOMAIN_FMT,
              'example.com',
            ),
        );
      }
    }
  } else {
    return [
      'a qualified name ' +
        regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc') +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (byteLength(name) > 63) errs.push('name part must be no more than 63 characters');
  if (!QUALIFIED_NAME.test(name)) {
    errs.push('name part ' + regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc'));
  }
  return errs;
}

/** Error strings of validation.IsValidLabelValue. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(value)) {
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', " +
          'and must start and end with an alphanumeric character',
        LABEL_VALUE_FMT,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  }
  return errs;
}

function invalid(value: string, msg: string): string {
  return `Invalid value: ${JSON.stringify(value)}: ${msg}`;
}
