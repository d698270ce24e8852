// Label and field selectors in the query-string syntax of Kubernetes (labels.Parse, fields.ParseSelector).
import { errors } from './status.js';

export type Requirement =
  { key: string; op: 'in' | 'notin'; values: string[] } | { key: string; op: 'exists' | '!exists' };

export type Selector = (labels: Record<string, string>) => boolean;

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

// labels.Parse reads the selector as tokens: identifiers and the symbols below, with whitespace between.
type Token = { kind: 'id' | 'sym' | 'end'; text: string };

const SYMBOLS = ['!=', '==', '=', '!', '(', ')', ','];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i])) {
      i++;
      continue;
    }
    const symbol = SYMBOLS.find((sym) => text.startsWith(sym, i));
    if (symbol) {
      tokens.push({ kind: 'sym', text: symbol });
      i += symbol.length;
      continue;
    }
    let j = i;
    while (j < text.length && !/\s/.test(text[j]) && !SYMBOLS.some((sym) => text.startsWith(sym, j))) j++;
    tokens.push({ kind: 'id', text: text.slice(i, j) });
    i = j;
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

function checkKey(key: string): string {
  if (!LABEL_KEY.test(key)) throw errors.badRequest(`unable to parse requirement: invalid label key "${key}"`);
  return key;
}

function checkValue(value: string): string {
  if (value.length > 63 || !LABEL_VALUE.test(value))
    throw errors.badRequest(`unable to parse requirement: invalid label value: "${value}"`);
  return value;
}

export function parseLabelSelector(text: string): Requirement[] {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const next = () => tokens[at++];
  const unexpected = (t: Token, expected: string) =>
    errors.badRequest(`unable to parse requirement: found '${t.text}', expected: ${expected}`);
  const identifier = () => {
    const t = next();
    if (t.kind !== 'id') throw unexpected(t, 'identifier');
    return t.text;
  };
  const out: Requirement[] = [];
  if (peek().kind === 'end') return out;
  for (;;) {
    if (peek().text === '!') {
      next();
      out.push({ key: checkKey(identifier()), op: '!exists' });
    } else {
      const key = checkKey(identifier());
      const op = peek();
      if (op.kind === 'end' || op.text === ',') out.push({ key, op: 'exists' });
      else if (op.text === '=' || op.text === '==' || op.text === '!=') {
        next();
        const value = peek().kind === 'id' ? next().text : '';
        out.push({ key, op: op.text === '!=' ? 'notin' : 'in', values: [checkValue(value)] });
      } else if (op.kind === 'id' && (op.text === 'in' || op.text === 'notin')) {
        next();
        if (next().text !== '(') throw unexpected(tokens[at - 1], "'('");
        const values: string[] = [];
        for (;;) {
          values.push(checkValue(peek().kind === 'id' ? next().text : ''));
          const t = next();
          if (t.text === ')') break;
          if (t.text !== ',') throw unexpected(t, "',' or ')'");
        }
        out.push({ key, op: op.text, values });
      } else {
        throw unexpected(op, "'=', '!=', '==', 'in', notin'");
      }
    }
    const t = next();
    if (t.kind === 'end') return out;
    if (t.text !== ',') throw unexpected(t, "','");
  }
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
