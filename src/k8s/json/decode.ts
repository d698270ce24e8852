// What Kruise's admission decoder (sigs.k8s.io/json: case-sensitive keys, unknown keys dropped)
// accepts and keeps, driven by the same GoType the encoder uses. A JSON type the Go field cannot
// hold makes Kruise reject the whole request, so it is a SidecarsetError naming the field.
//
// The result is the wire-shaped value again, reduced to what the Go struct holds: unknown keys
// dropped, nulls gone (a nil pointer, slice or map is an absent key), struct keys in Go field
// order; empty lists and objects stay, since Go tells them apart from nil.
import { SidecarsetError } from '../../errors.js';
import { parseQuantity } from '../quantity.js';
import { flatFields, type FlatField, type GoStruct, type GoType, goNumberText } from './schema.js';
import { isObject } from '../api.js';

const INT_RANGE = {
  32: [-2147483648, 2147483647],
  64: [-9223372036854775808, 9223372036854775807],
} as const;

/**
 * Type-checks `value` against `type` and returns what survives decoding into Go
 * (`undefined` for nil). `path` names the value in errors, e.g. `spec.containers[0]`.
 */
export function decodeGo(value: unknown, type: GoType, path: string): unknown {
  if (value === undefined) return undefined;
  switch (type.kind) {
    case 'string':
      if (value === null) return undefined;
      if (typeof value !== 'string') throw mismatch(path, value, 'a string');
      return value;
    case 'bool':
      if (value === null) return undefined;
      if (typeof value !== 'boolean') throw mismatch(path, value, 'a boolean');
      return value;
    case 'int':
      if (value === null) return undefined;
      return decodeInt(value, type.bits, path);
    case 'quantity':
      if (value === null) return undefined;
      return decodeQuantity(value, path);
    case 'intOrString':
      if (value === null) return undefined;
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'bigint') return decodeInt(value, 32, path);
      throw mismatch(path, value, 'an integer or a string');
    case 'ptr':
      if (value === null) return undefined;
      return decodeGo(value, type.elem, path);
    case 'slice': {
      if (value === null) return undefined;
      if (!Array.isArray(value)) throw mismatch(path, value, 'a list');
      return value.map((v, i) => decodeElement(v, type.elem, `${path}[${i}]`));
    }
    case 'map': {
      if (value === null) return undefined;
      if (!isObject(value)) throw mismatch(path, value, 'an object (map)');
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (v !== undefined) out[k] = decodeElement(v, type.elem, `${path}[${k}]`);
      }
      return out;
    }
    case 'struct':
      if (value === null) return undefined;
      return decodeStruct(value, type, path);
    case 'raw':
      return value === null ? undefined : structuredClone(value);
  }
}

/** A list or map element: JSON null leaves Go's zero value in place, which still occupies the slot. */
function decodeElement(value: unknown, type: GoType, path: string): unknown {
  const v = decodeGo(value, type, path);
  return v === undefined ? zeroWire(type) : v;
}

function decodeStruct(value: unknown, type: GoStruct, path: string): Record<string, unknown> {
  if (!isObject(value)) throw mismatch(path, value, `an object (${type.name})`);
  const fields = new Map<string, FlatField>(flatFields(type).map((f) => [f.key, f]));
  const out: Record<string, unknown> = {};
  const at = (key: string) => (path ? `${path}.${key}` : key);
  if (type.keepUnknown) {
    // carried objects keep their own key order
    for (const [k, v] of Object.entries(value)) {
      const f = fields.get(k);
      const d = f ? decodeGo(v, f.type, at(k)) : v === undefined ? undefined : structuredClone(v);
      if (d !== undefined) out[k] = d;
    }
    return out;
  }
  for (const f of fields.values()) {
    if (!Object.prototype.hasOwnProperty.call(value, f.key)) continue;
    const d = decodeGo(value[f.key], f.type, at(f.key));
    if (d !== undefined) out[f.key] = d;
  }
  return out;
}

function decodeInt(value: unknown, bits: 32 | 64, path: string): number | bigint {
  const [min, max] = INT_RANGE[bits];
  if (typeof value === 'bigint') {
    if (value < BigInt(min) || value > BigInt(max)) throw outOfRange(path, value, bits);
    return bits === 32 || Number.isSafeInteger(Number(value)) ? Number(value) : value;
  }
  if (typeof value !== 'number') throw mismatch(path, value, `an integer (int${bits})`);
  if (!Number.isInteger(value)) {
    throw new SidecarsetError(`${goNumberText(value)} is not an integer (int${bits} expected)`, {
      field: path,
    });
  }
  if (value < min || value > max) throw outOfRange(path, value, bits);
  return value;
}

/** Quantity.UnmarshalJSON: a JSON string or number; the text is kept as written. */
function decodeQuantity(value: unknown, path: string): string | number {
  if (typeof value !== 'string' && typeof value !== 'number')
    throw mismatch(path, value, 'a quantity (string or number)');
  try {
    parseQuantity(typeof value === 'number' ? goNumberText(value) : value);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new SidecarsetError(`invalid quantity ${JSON.stringify(value)}: ${reason}`, { field: path });
  }
  return value;
}

/** The wire form of a Go zero value, for list and map slots that held JSON null. */
function zeroWire(type: GoType): unknown {
  switch (type.kind) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'int':
    case 'intOrString':
      return 0;
    case 'quantity':
      return '0';
    case 'struct':
      return {};
    default:
      return null;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return `${typeof v} ${String(v)}`;
  return typeof v;
}

function mismatch(path: string, value: unknown, expected: string): SidecarsetError {
  return new SidecarsetError(
    `expected ${expected}, got ${describe(value)} (Kruise's webhook cannot decode this SidecarSet)`,
    { field: path },
  );
}

function outOfRange(path: string, value: number | bigint, bits: number): SidecarsetError {
  return new SidecarsetError(`${String(value)} does not fit in an int${bits}`, { field: path });
}
