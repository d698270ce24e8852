// Deep copies of the JSON-shaped objects the webhook works on (a SidecarSet per matched Pod). structuredClone
// gives the same result but costs several times more: it serialises the value first.

/** A deep copy: plain objects (own enumerable keys, in order, undefined values kept) and arrays are copied,
 * primitives returned; anything else (Date, Map, typed arrays...) is copied by structuredClone. */
export function cloneJson<T>(value: T): T {
  return copy(value) as T;
}

function copy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i]);
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = copy((value as Record<string, unknown>)[key]);
    // `__proto__` as a key must stay an own property, as structuredClone keeps it
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
    else out[key] = v;
  }
  return out;
}
