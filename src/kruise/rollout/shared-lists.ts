// Interning of small lists of records that many Pods share (the images each sidecar runs, a batch's image changes).
/**
 * One frozen copy of each list of equal entries, which the plan holds instead of a list per Pod: 100,000 Pods
 * show a handful of image lists. Entries are compared (and copied) field by field, in the order given.
 */
export class SharedLists<T extends object> {
  private readonly root = new Map<unknown, unknown>();

  constructor(private readonly fields: readonly (keyof T)[]) {}

  of(entries: readonly T[]): T[] {
    let node = this.root;
    for (const e of entries) {
      for (const f of this.fields) {
        let next = node.get(e[f]) as Map<unknown, unknown> | undefined;
        if (!next) node.set(e[f], (next = new Map()));
        node = next;
      }
    }
    let list = node.get(SharedLists.END) as T[] | undefined;
    if (!list) {
      list = Object.freeze(
        entries.map((e) => Object.freeze(Object.fromEntries(this.fields.map((f) => [f, e[f]])) as T)),
      ) as T[];
      node.set(SharedLists.END, list);
    }
    return list;
  }

  private static readonly END = Symbol('end of list');
}
