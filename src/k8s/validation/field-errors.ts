// apimachinery's field.Error: a typed problem at a field path, printed the way the API server
// (and so Kruise's webhook) prints it: `<path>: <Type string>[: <value>][: <detail>]`.

import { goQuote } from '../../go/quote.js';

export type FieldErrorType =
  'Required' | 'Invalid' | 'Forbidden' | 'NotSupported' | 'Duplicate' | 'NotFound' | 'TooLong' | 'TypeInvalid';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  message: string;
  /** The offending value; undefined means "not shown" (Go's omitValue). */
  value?: unknown;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  Required: 'Required value',
  Invalid: 'Invalid value',
  Forbidden: 'Forbidden',
  NotSupported: 'Unsupported value',
  Duplicate: 'Duplicate value',
  NotFound: 'Not found',
  TooLong: 'Too long',
  TypeInvalid: 'Invalid value',
};

// Go never prints the value for these types.
const VALUELESS: ReadonlySet<FieldErrorType> = new Set(['Required', 'Forbidden', 'TooLong']);

/** As field.Error.Error() prints it. */
export function formatFieldError(e: FieldError): string {
  let body = TYPE_TEXT[e.type];
  if (!VALUELESS.has(e.type) && e.value !== undefined) body += `: ${formatValue(e.value)}`;
  if (e.message.length > 0) body += `: ${e.message}`;
  return `${e.field}: ${body}`;
}

export function required(field: string, message = ''): FieldError {
  return { type: 'Required', field, message };
}

export function invalid(field: string, value: unknown, message: string): FieldError {
  return { type: 'Invalid', field, message, value };
}

export function forbidden(field: string, message: string): FieldError {
  return { type: 'Forbidden', field, message };
}

export function notFound(field: string, value: unknown): FieldError {
  return { type: 'NotFound', field, message: '', value };
}

export function duplicate(field: string, value: unknown): FieldError {
  return { type: 'Duplicate', field, message: '', value };
}

export function tooLong(field: string, maxLength: number): FieldError {
  const unit = maxLength === 1 ? 'byte' : 'bytes';
  return { type: 'TooLong', field, message: `may not be more than ${maxLength} ${unit}` };
}

/** field.NotSupported: the detail lists the valid values, each Go-quoted. */
export function notSupported(field: string, value: unknown, validValues: readonly string[]): FieldError {
  const message = validValues.length > 0 ? `supported values: ${validValues.map(goQuote).join(', ')}` : '';
  return { type: 'NotSupported', field, message, value };
}

// ---- Kubernetes field paths, as field.Path prints them ----

export function child(path: string, ...names: string[]): string {
  return [path, ...names].filter((p) => p.length > 0).join('.');
}

export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}

// ---- value printing (Go's %v / %q / %#v for the shapes we meet) ----

/** A value whose Go text is known (a struct printed with %#v): printed as is, `value` is what JSON carries. */
export class GoValue {
  constructor(
    readonly text: string,
    readonly value: unknown,
  ) {}
}

function formatValue(v: unknown): string {
  if (v instanceof GoValue) return v.text;
  if (v === null) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
    return `[]string{${v.map(goQuote).join(', ')}}`;
  }
  if (isStringMap(v)) {
    const keys = Object.keys(v).sort();
    return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(v[k])}`).join(', ')}}`;
  }
  // Go would print its own struct syntax here; JSON says the same thing legibly.
  return JSON.stringify(v);
}

function isStringMap(v: unknown): v is Record<string, string> {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string')
  );
}
