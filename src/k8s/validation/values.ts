// Reading untyped wire values in validators: Go's decoder gives zero values where the JSON has none.
import { isObject } from '../api.js';

export type Obj = Record<string, unknown>;

export function asObj(v: unknown): Obj | undefined {
  return isObject(v) ? v : undefined;
}

export function list(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map((x) => asObj(x) ?? {}) : [];
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}
