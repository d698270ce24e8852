// The streams and environment a command runs with; passed in so tests drive commands without a process.
import type { Readable, Writable } from 'node:stream';

export interface CommandIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
  /** stderr is a terminal: colour and progress allowed there (NO_COLOR still wins). */
  stderrIsTTY: boolean;
  /** stdout is a terminal: human output on it may be coloured (NO_COLOR still wins). */
  stdoutIsTTY?: boolean;
  cwd: string;
}

export function processIO(): CommandIO {
  // A reader that goes away early (`| head`) is not an error: stop caring about the rest of the output.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  return {
    // process.stdin opens a stream (~2 ms): only commands that read `-` pay for it.
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    cwd: process.cwd(),
  };
}

/** Writes to a stream and resolves once the data is handed off (respects back-pressure). */
export function write(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(text, (err) => (err ? reject(err) : undefined));
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}

/** Colour on a terminal only, never with NO_COLOR or TERM=dumb. */
export function colourEnabled(io: CommandIO, stream: 'stdout' | 'stderr'): boolean {
  const tty = stream === 'stdout' ? io.stdoutIsTTY === true : io.stderrIsTTY;
  return tty && !('NO_COLOR' in io.env) && io.env.TERM !== 'dumb';
}
