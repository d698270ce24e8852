// Label and field selectors in the query-string syntax of Kubernetes (labels.Parse, fields.ParseSelector).
import { errors } from './status.js';

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

export type Selector = (labels: Record<string, string>) => boolean;

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

// Splits on commas that are not inside parentheses: "a in (x,y),b" -> ["a in (x,y)", "b"].
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms.map((t) => t.trim());
}

function checkKey(key: string, term: string): string {
  if (!LABEL_KEY.test(key)) throw errors.badRequest(`unable to parse requirement: invalid label key "${key}" in "${term}"`);
  return key;
}

function checkValue(value: string, term: string): string {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    throw errors.badRequest(`unable to parse requirement: invalid label value "${value}" in "${term}"`);
  }
  return value;
}

export function parseLabelSelector(text: string): Requirement[] {
  if (text.trim() === '') return [];
  return splitTerms(text).map((term): Requirement => {
    let m = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/.exec(term);
    if (m) {
      const values = m[3].split(',').map((v) => checkValue(v.trim(), term));
      return { key: checkKey(m[1], term), op: m[2] as 'in' | 'notin', values };
    }
    m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (m) {
      const op = m[2] === '!=' ? 'notin' : 'in';
      return { key: checkKey(m[1], term), op, values: [checkValue(m[3], term)] };
    }
    m = /^(!?)\s*([^=!\s()]+)$/.exec(term);
    if (m) return { key: checkKey(m[2], term), op: m[1] ? '!exists' : 'exists' };
    throw errors.badRequest(`unable to parse requirement: found '${term}', expected: identifier`);
  });
}

export function matchesRequirements(requirements: Requirement[], labels: Record<string, string>): boolean {
  return requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case 'in':
        return has && r.values.includes(labels[r.key]);
      case 'notin':
        return !has || !r.values.includes(labels[r.key]);
    }
  });
}

export function labelSelector(text: string | null | undefined): Selector {
  const requirements = parseLabelSelector(text ?? '');
  return (labels) => matchesRequirements(requirements, labels);
}

export interface FieldTerm {
  field: string;
  equal: boolean;
  value: string;
}

/** Fields each kind can be selected on; every kind has metadata.name and metadata.namespace. */
const FIELDS: Record<string, Record<string, (o: any) => unknown>> = {
  Pod: {
    'spec.nodeName': (o) => o.spec?.nodeName,
    'spec.restartPolicy': (o) => o.spec?.restartPolicy,
    'spec.schedulerName': (o) => o.spec?.schedulerName,
    'spec.serviceAccountName': (o) => o.spec?.serviceAccountName,
    'status.phase': (o) => o.status?.phase,
    'status.podIP': (o) => o.status?.podIP,
  },
  Namespace: { 'status.phase': (o) => o.status?.phase },
};

export type FieldSelector = (object: any) => boolean;

export function fieldSelector(text: string | null | undefined, kind: string): FieldSelector {
  if (!text || text.trim() === '') return () => true;
  const terms: FieldTerm[] = text.split(',').map((term) => {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(term.trim());
    if (!m) throw errors.badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    return { field: m[1].trim(), equal: m[2] !== '!=', value: m[3].trim() };
  });
  const getters = terms.map((t) => {
    if (t.field === 'metadata.name') return (o: any) => o.metadata?.name;
    if (t.field === 'metadata.namespace') return (o: any) => o.metadata?.namespace;
    const getter = FIELDS[kind]?.[t.field];
    if (!getter) throw errors.badRequest(`field label not supported: ${t.field}`);
    return getter;
  });
  return (o) => terms.every((t, i) => (String(getters[i](o) ?? '') === t.value) === t.equal);
}
