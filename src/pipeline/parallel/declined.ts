// Fast paths and the ordinary way: the signal itself (Declined) lives in ../../errors.ts, so that every layer can
// give it.
import { Declined } from '../../errors.js';

export { Declined };

/** The fast path's result, or undefined when it declined. */
export async function unlessDeclined<T>(fast: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fast();
  } catch (err) {
    if (err instanceof Declined) return undefined;
    throw err;
  }
}
