// The bounds on what one input document may be, so that a hostile or broken input is refused in bounded time and
// memory with a clear error instead of exhausting the stack or the heap. Documented in README.md ("Limits").

/** A document's text, in characters: its parsed model takes many times that in memory. */
export const MAX_DOCUMENT_CHARS = 64 * 1024 * 1024;
/** How deep mappings and sequences may nest (Kubernetes objects nest a few dozen levels at most). */
export const MAX_NESTING_DEPTH = 500;
/** How many nodes aliases may stand for in one document, all expansions together (a "billion laughs" has 10^9). */
export const MAX_ALIAS_EXPANSION = 1_000_000;

export function tooLarge(): string {
  return `document larger than ${MAX_DOCUMENT_CHARS / (1024 * 1024)} MiB (the limit on one document); split it`;
}

export function tooDeep(): string {
  return `nesting deeper than ${MAX_NESTING_DEPTH} levels (the limit on one document)`;
}

export function tooManyAliases(): string {
  return `aliases expand to more than ${MAX_ALIAS_EXPANSION.toLocaleString('en-US')} nodes (the limit on one document)`;
}
