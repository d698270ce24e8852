// The items of a typed List as the API server returns one (`GET /api/v1/pods`, `kubectl get --raw`): they carry
// no apiVersion or kind, which the List's own give (a PodList of v1 holds v1 Pods). A v1 List's items name their
// own.

export interface ItemType {
  apiVersion: string;
  kind: string;
}

/** The type of a typed List's items (PodList → Pod, same apiVersion); undefined for anything else. */
export function listItemType(list: Record<string, unknown>): ItemType | undefined {
  const { apiVersion, kind } = list;
  if (typeof apiVersion !== 'string' || apiVersion === '' || typeof kind !== 'string') return undefined;
  if (kind === 'List' || !kind.endsWith('List')) return undefined;
  return { apiVersion, kind: kind.slice(0, -'List'.length) };
}

/** The item with the List's apiVersion and kind where it names none (the item itself when it names both). */
export function typedItem(item: unknown, type: ItemType | undefined): unknown {
  if (type === undefined || typeof item !== 'object' || item === null || Array.isArray(item)) return item;
  const o = item as Record<string, unknown>;
  if (o.apiVersion !== undefined && o.kind !== undefined) return item;
  return { apiVersion: o.apiVersion ?? type.apiVersion, kind: o.kind ?? type.kind, ...withoutType(o) };
}

function withoutType(o: Record<string, unknown>): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}
