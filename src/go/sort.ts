// Go orders strings by their UTF-8 bytes (sort.Strings, sets.String.List, map keys in json.Marshal).
// That is code point order, which differs from JavaScript's UTF-16 order only for characters above U+FFFF
// against U+E000..U+FFFF.

export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      const pa = a.codePointAt(i) ?? ca;
      const pb = b.codePointAt(i) ?? cb;
      // A surrogate half alone (lone surrogate) is compared as its code unit, which Go would have replaced anyway.
      return pa < pb ? -1 : pa > pb ? 1 : ca - cb;
    }
  }
  return a.length - b.length;
}

/** sets.NewString(values...).List(): distinct values in Go order. */
export function sortedGoSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareGoStrings);
}

/** sort.SliceStable over positions: 0..n-1 sorted by `compare`, ties kept in position order. */
export function sortPositions(n: number, compare: (a: number, b: number) => number): number[] {
  const positions = Array.from({ length: n }, (_, k) => k);
  return positions.sort((a, b) => compare(a, b) || a - b);
}
