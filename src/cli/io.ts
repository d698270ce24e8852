// The streams and environment a command runs with; passed in so tests drive commands without a process.
import { fstatSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { isatty } from 'node:tty'; // required on first use (scripts/build.mjs)
import { descriptorOutput, type Output } from '../manifests/output.js';

export interface CommandIO {
  stdin: Readable;
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
  /** stderr is a terminal: colour and progress allowed there (NO_COLOR still wins). */
  stderrIsTTY: boolean;
  /** stdout is a terminal: human output on it may be coloured (NO_COLOR still wins). */
  stdoutIsTTY?: boolean;
  cwd: string;
}

export function processIO(): CommandIO {
  return {
    // process.stdin opens a stream, which costs start-up: only commands that read `-` pay for it.
    get stdin() {
      return process.stdin;
    },
    stdout: descriptorOutput(1, () => process.stdout),
    stderr: descriptorOutput(2, () => process.stderr),
    env: process.env,
    get stderrIsTTY() {
      return isTerminal(2);
    },
    get stdoutIsTTY() {
      return isTerminal(1);
    },
    cwd: process.cwd(),
  };
}

/** isatty without loading node:tty (and node:net behind it) unless the descriptor is a character device. */
export function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return isatty(fd);
}

/** Colour on a terminal only, never with NO_COLOR or TERM=dumb. */
export function colourEnabled(io: CommandIO, stream: 'stdout' | 'stderr'): boolean {
  const tty = stream === 'stdout' ? io.stdoutIsTTY === true : io.stderrIsTTY;
  return tty && !('NO_COLOR' in io.env) && io.env.TERM !== 'dumb';
}
