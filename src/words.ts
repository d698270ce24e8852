// English in messages, for every layer: counts such as "1 file", "3 files", "2 batches".
export function countOf(n: number, word: string, plural = `${word}s`): string {
  return `${n} ${n === 1 ? word : plural}`;
}
