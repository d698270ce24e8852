// Rendered documents on their way to stdout: gathered into writes of about FLUSH_BYTES, so that documents go out
// as they are done without a write call each. After a failed multi-thread render, the one-thread render that
// takes over writes only what had not gone out yet (both render byte-identical text).
import { write, type Output } from '../manifests/output.js';

/** Output is written once this much is waiting (or the command ends). */
export const FLUSH_BYTES = 1 << 16;

export class StreamedOutput {
  /** bytes handed to the output so far */
  written = 0;
  private pending: string[] = [];
  private pendingLength = 0;
  private skip = 0;

  constructor(private readonly out: Output) {}

  /** Queues text (the YAML or JSON writers' chunks). */
  readonly add = (chunk: string): void => {
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
  };

  /** Writes what is queued once there is enough of it. */
  async flushIfFull(): Promise<void> {
    if (this.pendingLength >= FLUSH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    await this.writeBytes(text);
  }

  /** Writes a text rendered elsewhere (a worker thread's UTF-8), after what is queued. */
  async writeNow(text: string | Uint8Array): Promise<void> {
    await this.flush();
    await this.writeBytes(text);
  }

  /** From now on the text is rendered again from the start: what has gone out already is not written twice. */
  restart(): void {
    this.pending = [];
    this.pendingLength = 0;
    this.skip = this.written;
    this.written = 0;
  }

  private async writeBytes(text: string | Uint8Array): Promise<void> {
    if (text.length === 0) return;
    let data = text;
    if (this.skip > 0) {
      const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
      const skipped = Math.min(this.skip, bytes.length);
      this.skip -= skipped;
      this.written += skipped;
      data = bytes.subarray(skipped);
      if (data.length === 0) return;
    }
    this.written += typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.length;
    await write(this.out, data);
  }
}
