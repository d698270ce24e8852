// The one error type for problems a user can fix. The CLI prints its message on one line (no stack)
// and exits with `exitCode`; anything else that escapes is a bug and is reported as such.

export interface ErrorPlace {
  /** file path, or "<stdin>" */
  source?: string;
  /** 0-based document index within the source */
  document?: number;
  /** 1-based line within the source, when known */
  line?: number;
  /** Kruise-style field path, e.g. spec.containers[0].image; never repeated in the message */
  field?: string;
  /** the message goes on from the field as the subject of its sentence ("spec.x needs ..."), not after a colon */
  fieldIsSubject?: boolean;
  /** the SidecarSet the error is about, set once the message names it */
  sidecarSet?: string;
}

export class SidecarsetError extends Error {
  readonly place: ErrorPlace;
  readonly exitCode: 1 | 2;

  constructor(message: string, place: ErrorPlace = {}, exitCode: 1 | 2 = 1) {
    super(message);
    this.name = 'SidecarsetError';
    this.place = place;
    this.exitCode = exitCode;
  }

  /** The message led by its field: "spec.containers[0].image: Required value". */
  get fieldMessage(): string {
    const { field, fieldIsSubject } = this.place;
    return field ? `${field}${fieldIsSubject ? ' ' : ': '}${this.message}` : this.message;
  }

  /** The same error, with another exit code (`--check` keeps 1 for drift). */
  withExitCode(exitCode: 1 | 2): SidecarsetError {
    return new SidecarsetError(this.message, this.place, exitCode);
  }

  /** The same error, placed more precisely (outer layers know the file, inner ones the field). */
  at(place: ErrorPlace): SidecarsetError {
    return new SidecarsetError(this.message, { ...definedOnly(place), ...definedOnly(this.place) }, this.exitCode);
  }
}

function definedOnly(place: ErrorPlace): ErrorPlace {
  const out: ErrorPlace = {};
  for (const [k, v] of Object.entries(place)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

export class UsageError extends SidecarsetError {
  constructor(message: string) {
    super(message, {}, 2);
    this.name = 'UsageError';
  }
}

/**
 * The one signal a fast path gives when it cannot take an input: the caller then takes the ordinary way, which
 * reads everything itself and reports what it always reports. Anything else a fast path throws is an error and
 * goes on up, bugs included.
 */
export class Declined extends Error {
  constructor(reason: string) {
    super(`declined: ${reason}`);
    this.name = 'Declined';
  }
}
