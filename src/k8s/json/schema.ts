// A small description language for Go types as encoding/json sees them: declaration order,
// omitempty, pointer versus value, embedded (inline) structs, maps, and the two apimachinery
// value types with their own JSON forms. One generic encoder and one decoder walk it.

export type GoType =
  | { kind: 'string' }
  | { kind: 'bool' }
  | { kind: 'int'; bits: 32 | 64 }
  | { kind: 'quantity' }
  | { kind: 'intOrString' }
  | { kind: 'ptr'; elem: GoType }
  | { kind: 'slice'; elem: GoType }
  | { kind: 'map'; elem: GoType }
  | GoStruct
  /** any JSON, as Go's interface{} holds it (used where the schema stops, e.g. volumes' sources) */
  | { kind: 'raw' };

export interface GoStruct {
  kind: 'struct';
  name: string;
  fields: GoField[];
  /**
   * Keys the schema does not list are carried along in input order instead of dropped.
   * Only for objects whose full Go type is deliberately not transcribed (ObjectMeta, Volume).
   */
  keepUnknown?: boolean;
}

export type GoField =
  | { key: string; type: GoType; omitempty: boolean }
  /** an embedded struct whose fields are promoted into the parent at this position */
  | { inline: GoStruct };

/** A field as encoding/json finally sees it, after embedded structs are flattened. */
export interface FlatField {
  key: string;
  type: GoType;
  omitempty: boolean;
}

export const str: GoType = { kind: 'string' };
export const bool: GoType = { kind: 'bool' };
export const int32: GoType = { kind: 'int', bits: 32 };
export const int64: GoType = { kind: 'int', bits: 64 };
export const quantity: GoType = { kind: 'quantity' };
export const intOrString: GoType = { kind: 'intOrString' };
export const raw: GoType = { kind: 'raw' };
export const ptr = (elem: GoType): GoType => ({ kind: 'ptr', elem });
export const slice = (elem: GoType): GoType => ({ kind: 'slice', elem });
export const map = (elem: GoType): GoType => ({ kind: 'map', elem });

export function struct(name: string, fields: GoField[], keepUnknown = false): GoStruct {
  return keepUnknown ? { kind: 'struct', name, fields, keepUnknown } : { kind: 'struct', name, fields };
}
/** a field tagged `json:"key,omitempty"` */
export const opt = (key: string, type: GoType): GoField => ({ key, type, omitempty: true });
/** a field tagged `json:"key"` (always written) */
export const req = (key: string, type: GoType): GoField => ({ key, type, omitempty: false });
/** an embedded struct tagged `json:",inline"` */
export const inline = (embedded: GoStruct): GoField => ({ inline: embedded });

const flatCache = new WeakMap<GoStruct, FlatField[]>();

/** The struct's fields in encoding order, embedded structs promoted at their position. */
export function flatFields(s: GoStruct): FlatField[] {
  let out = flatCache.get(s);
  if (!out) {
    out = [];
    for (const f of s.fields) {
      if ('inline' in f) out.push(...flatFields(f.inline));
      else out.push({ key: f.key, type: f.type, omitempty: f.omitempty });
    }
    flatCache.set(s, out);
  }
  return out;
}

/** The JSON text kubectl (Go) sends for a JSON number held as a JS number. */
export function goNumberText(n: number): string {
  // JS and Go's encoding/json agree on the shortest form and on the 1e-6 / 1e21 exponent switch
  return Object.is(n, -0) ? '-0' : String(n);
}
