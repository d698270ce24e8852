// Go encoding/json.Marshal, driven by a GoType: the bytes Kruise hashes.
// Input is the wire-shaped JS value (as decodeGo returns it); absent and null mean Go's nil/zero.
import { marshalQuantity, parseQuantity } from '../quantity.js';
import { compareGoStrings } from '../../go/sort.js';
import { flatFields, type GoStruct, type GoType, goNumberText } from './schema.js';
import { goJsonString } from '../../go/json-string.js';

/** The exact bytes (as a string) json.Marshal writes for `value` held in a Go value of type `type`. */
export function encodeGo(value: unknown, type: GoType): string {
  switch (type.kind) {
    case 'string':
      return goJsonString(value == null ? '' : asString(value));
    case 'bool':
      return value === true ? 'true' : 'false';
    case 'int':
      return value == null ? '0' : String(value as number | bigint);
    case 'quantity':
      return goJsonString(value == null ? '0' : quantityText(value));
    case 'intOrString':
      if (value == null) return '0';
      return typeof value === 'string' ? goJsonString(value) : String(value as number);
    case 'ptr':
      return value == null ? 'null' : encodeGo(value, type.elem);
    case 'slice':
      if (value == null) return 'null';
      return '[' + (value as unknown[]).map((v) => encodeGo(v, type.elem)).join(',') + ']';
    case 'map': {
      if (value == null) return 'null';
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
      entries.sort(([a], [b]) => compareGoStrings(a, b));
      return '{' + entries.map(([k, v]) => goJsonString(k) + ':' + encodeGo(v, type.elem)).join(',') + '}';
    }
    case 'struct':
      return encodeStruct((value ?? {}) as Record<string, unknown>, type);
    case 'raw':
      return encodeInterface(value);
  }
}

function encodeStruct(obj: Record<string, unknown>, type: GoStruct): string {
  const parts: string[] = [];
  for (const f of flatFields(type)) {
    const v = obj[f.key];
    if (f.omitempty && isEmptyValue(v, f.type)) continue;
    parts.push(goJsonString(f.key) + ':' + encodeGo(v, f.type));
  }
  return '{' + parts.join(',') + '}';
}

/** encoding/json's isEmptyValue: struct values (and Quantity, IntOrString) are never empty. */
function isEmptyValue(v: unknown, type: GoType): boolean {
  switch (type.kind) {
    case 'string':
      return v == null || v === '';
    case 'bool':
      return v !== true;
    case 'int':
      return v == null || v === 0 || v === 0n;
    case 'ptr':
    case 'raw':
      return v == null;
    case 'slice':
      return v == null || (v as unknown[]).length === 0;
    case 'map':
      return v == null || Object.values(v as object).every((x) => x === undefined);
    default:
      return false;
  }
}

/** What Go's interface{} (decoded JSON) encodes to: object keys sorted, numbers as float64. */
function encodeInterface(v: unknown): string {
  if (v == null) return 'null';
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return goNumberText(v);
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return '[' + v.map(encodeInterface).join(',') + ']';
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  entries.sort(([a], [b]) => compareGoStrings(a, b));
  return '{' + entries.map(([k, x]) => goJsonString(k) + ':' + encodeInterface(x)).join(',') + '}';
}

/** Quantity.MarshalJSON of the Quantity UnmarshalJSON makes from this wire value. */
export function quantityText(value: unknown): string {
  if (value == null) return '0';
  return marshalQuantity(parseQuantity(typeof value === 'number' ? goNumberText(value) : asString(value)));
}

function asString(v: unknown): string {
  if (typeof v !== 'string') throw new TypeError(`encodeGo: expected a string, got ${typeof v}`);
  return v;
}
