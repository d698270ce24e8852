// The process's own stdout/stderr writer (descriptorOutput): synchronous writes, a stream once the descriptor
// would block, nothing lost, nothing thrown when the reader has gone. Exercised on real FIFOs.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTerminal } from '../../src/cli/io.js';
import { descriptorOutput, outputSettled, write } from '../../src/manifests/output.js';
import { ROOT } from './harness.js';

let dir: string;
let fifo: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sidecarset-io-'));
  fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Both ends of the FIFO, non-blocking: writing more than the pipe holds fails with EAGAIN. */
function openFifo(): { reader: number; writer: number } {
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  return { reader, writer };
}

function drain(fd: number, expectedBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = new Socket({ fd, readable: true, writable: false });
    const chunks: Buffer[] = [];
    let n = 0;
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      n += c.length;
      if (n >= expectedBytes) {
        socket.destroy();
        resolve(Buffer.concat(chunks));
      }
    });
    socket.on('error', reject);
  });
}

describe('descriptorOutput', () => {
  it('says all output is settled while every write went straight to its descriptor', async () => {
    const { reader, writer } = openFifo();
    await write(
      descriptorOutput(writer, () => new Socket()),
      'x',
    );
    expect(outputSettled()).toBe(true);
    closeSync(reader);
    closeSync(writer);
  });

  it('writes everything, in order, when the descriptor would block and the reader is slow', async () => {
    const { reader, writer } = openFifo();
    let stream: Socket | undefined;
    const out = descriptorOutput(writer, () => (stream = new Socket({ fd: writer, readable: false, writable: true })));
    const pieces = Array.from({ length: 40 }, (_, i) => `${String(i).padStart(3, '0')}:${'x'.repeat(9_996)}\n`);
    const expected = pieces.join('');
    const received = drain(reader, Buffer.byteLength(expected)); // reads only once the writes below have queued
    for (const piece of pieces) await write(out, piece);
    expect(stream).toBeDefined(); // 400 KB does not fit a pipe: the stream took over
    expect(outputSettled()).toBe(false); // so the launcher lets Node.js finish writing before it exits
    expect((await received).toString()).toBe(expected);
    stream!.destroy();
  });

  it('keeps what a blocked descriptor still has to write while another output writes', async () => {
    const { reader, writer } = openFifo();
    let stream: Socket | undefined;
    const out = descriptorOutput(writer, () => (stream = new Socket({ fd: writer, readable: false, writable: true })));
    const expected = `${'a'.repeat(200_000)}\n`;
    const received = drain(reader, expected.length);
    const pending = write(out, expected); // more than the pipe holds: the rest waits in the stream
    expect(stream).toBeDefined();
    // another output (stderr, here a file) writes text of the same size meanwhile
    const other = openSync(path.join(dir, 'other'), 'w');
    await write(
      descriptorOutput(other, () => new Socket()),
      'b'.repeat(200_001),
    );
    closeSync(other);
    await pending;
    expect((await received).toString()).toBe(expected);
    stream!.destroy();
  });

  it('writes synchronously while the descriptor takes the data, and never asks for a stream', async () => {
    const { reader, writer } = openFifo();
    const out = descriptorOutput(writer, () => {
      throw new Error('no stream expected');
    });
    await write(out, 'héllo ');
    await write(out, Buffer.from('world\n'));
    const buf = Buffer.alloc(64);
    const n = readSync(reader, buf);
    expect(buf.toString('utf8', 0, n)).toBe('héllo world\n');
    closeSync(reader);
    closeSync(writer);
  });

  it('drops output quietly once the reader has gone (EPIPE)', async () => {
    const { reader, writer } = openFifo();
    closeSync(reader);
    const out = descriptorOutput(writer, () => {
      throw new Error('no stream expected');
    });
    await expect(write(out, 'nobody reads this\n')).resolves.toBeUndefined();
    await expect(write(out, 'nor this\n')).resolves.toBeUndefined();
    closeSync(writer);
  });

  it('reports any other failure to the writer', async () => {
    const closed = openSync(path.join(dir, 'file'), 'w');
    closeSync(closed); // EBADF from now on
    const out = descriptorOutput(closed, () => {
      throw new Error('no stream expected');
    });
    await expect(write(out, 'x')).rejects.toThrow(/EBADF/);
  });
});

describe('isTerminal', () => {
  it('is false for a pipe, a file and /dev/null (a character device that is not a terminal)', () => {
    const { reader, writer } = openFifo();
    const file = openSync(path.join(dir, 'file'), 'w');
    const devNull = openSync('/dev/null', 'w');
    try {
      expect([isTerminal(reader), isTerminal(writer), isTerminal(file), isTerminal(devNull)]).toEqual([
        false,
        false,
        false,
        false,
      ]);
    } finally {
      for (const fd of [reader, writer, file, devNull]) closeSync(fd);
    }
  });

  it('is true on a real terminal: the report is coloured there, and plain through a pipe', () => {
    const args =
      'bin/kubectl-sidecarset inject -f fixtures/efk/filebeat-sidecarset.yaml -f fixtures/efk/nginx-deployment.yaml';
    // script(1) gives the command a pseudo-terminal for stdin, stdout and stderr
    const tty = spawnSync('script', ['-qec', `node ${args} >/dev/null`, '/dev/null'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: undefined, TERM: 'xterm' },
    });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toContain('\u001b[32minjected\u001b[39m');
    const piped = spawnSync('node', args.split(' '), {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: undefined },
    });
    expect(piped.status).toBe(0);
    expect(piped.stderr).toContain('injected filebeat-sidecarset');
    expect(piped.stderr).not.toContain('\u001b[');
  });
});
