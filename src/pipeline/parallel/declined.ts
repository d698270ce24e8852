// The one signal a fast path gives when it cannot take an input: the caller then takes the ordinary way, which
// reads everything itself and reports what it always reports. Anything else a fast path throws is an error and
// goes on up, bugs included.
export class Declined extends Error {
  constructor(reason: string) {
    super(`declined: ${reason}`);
    this.name = 'Declined';
  }
}

/** The fast path's result, or undefined when it declined. */
export async function unlessDeclined<T>(fast: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fast();
  } catch (err) {
    if (err instanceof Declined) return undefined;
    throw err;
  }
}
