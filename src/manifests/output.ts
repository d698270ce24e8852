// Where output goes: an Output is a Node.js stream (tests) or one of the process's descriptors, written straight
// to; `write` respects back-pressure. The terminal concerns (colour, TTY) are the CLI's (src/cli/io.ts).
import { writeSync } from 'node:fs';
import type { Writable } from 'node:stream';

/** Where a command writes: a Node.js stream (tests), or one of the process's descriptors (./io.ts). */
export interface Output {
  write(chunk: string | Uint8Array, callback?: (err?: Error | null) => void): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/**
 * An Output that writes straight to a descriptor; `nodeStream` gives a stream on the same descriptor for when it
 * would block.
 */
export function descriptorOutput(fd: number, nodeStream: () => Writable): Output {
  return new DescriptorOutput(fd, nodeStream);
}

/**
 * Writes straight to a descriptor, as Node.js itself writes to files and (on POSIX) pipes and terminals:
 * synchronously. Skipping process.stdout/stderr saves loading the stream and socket machinery at
 * start-up. A descriptor that would block (non-blocking, handed to us so) gets the rest through Node.js's
 * own stream, in order. A reader that goes away early (`| head`) is not an error: the rest is dropped.
 */
class DescriptorOutput implements Output {
  private stream: Writable | undefined;
  private readerGone = false;

  constructor(
    private readonly fd: number,
    private readonly nodeStream: () => Writable,
  ) {}

  write(chunk: string | Uint8Array, callback?: (err?: Error | null) => void): boolean {
    if (this.stream) return this.stream.write(chunk, callback);
    const bytes = typeof chunk === 'string' ? utf8(chunk) : chunk;
    let done = 0;
    try {
      while (done < bytes.length && !this.readerGone) done += writeSync(this.fd, bytes, done);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        this.stream = this.nodeStream();
        handedOver = true;
        this.stream.on('error', ignoreEpipe);
        // the rest is the stream's to write later: a copy, when it lies in the memory every write reuses
        return this.stream.write(
          typeof chunk === 'string' ? Buffer.from(bytes.subarray(done)) : bytes.subarray(done),
          callback,
        );
      }
      if (code === 'EPIPE') this.readerGone = true;
      else {
        callback?.(err as Error);
        return true;
      }
    }
    callback?.(null);
    return true;
  }

  once(event: 'drain', listener: () => void): this {
    this.stream?.once(event, listener); // only a stream ever asks to wait
    return this;
  }
}

/** Some output went through a Node.js stream (a descriptor that would block): it may still be on its way. */
let handedOver = false;

/** Whether all output has reached the descriptors, so that exiting at once loses nothing. */
export function outputSettled(): boolean {
  return !handedOver;
}

/**
 * A string's UTF-8 in one pass over it (Buffer.from measures it first, then encodes), in memory reused by the
 * next write: fresh memory for each of a large output's pieces costs more than encoding them.
 */
let scratch = Buffer.allocUnsafe(0);
const SCRATCH_KEPT = 16 << 20;
function utf8(text: string): Uint8Array {
  const room = text.length * 3;
  const bytes = room <= scratch.length ? scratch : Buffer.allocUnsafe(room);
  if (room <= SCRATCH_KEPT) scratch = bytes; // one very large write does not hold its memory to the end
  return bytes.subarray(0, bytes.write(text, 'utf8'));
}

function ignoreEpipe(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE') throw err;
}

/** Writes and resolves once the data is handed off (respects back-pressure). */
export function write(stream: Output, text: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(text, (err) => (err ? reject(err) : undefined));
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}
