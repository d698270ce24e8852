// A revision hash or image digest shortened for a message: its first `keep` characters and "…" once it is longer
// than `limit` (`keep` unless said), `empty` for no hash at all.
export function shortHash(hash: string, keep: number, empty = '(none)', limit = keep): string {
  return hash === '' ? empty : hash.length > limit ? `${hash.slice(0, keep)}…` : hash;
}
