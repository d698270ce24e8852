// A command as kubectl writes one: an options object filled once from the flags (complete), checked (validate),
// then run with the streams passed in, giving the exit code. Errors go up to the one place that maps them to
// messages and exit codes (./errors.ts, called by ./main.ts).
import type { CommandIO } from './io.js';

export interface CommandOptions {
  /** throws a UsageError for flags that do not go together or values that do not parse */
  validate(): void;
  run(io: CommandIO): Promise<number>;
}

/** The commander action of a command: complete → validate → run, the exit code handed to `setExit`. */
export function commandAction<A extends unknown[]>(
  io: CommandIO,
  setExit: (code: number) => void,
  complete: (io: CommandIO, ...args: A) => CommandOptions,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const options = complete(io, ...args);
    options.validate();
    setExit(await options.run(io));
  };
}
