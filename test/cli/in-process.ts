// Runs the CLI in-process, with no test framework loaded (the fuzz campaign script bundles it too).
import { PassThrough, Readable } from 'node:stream';
import path from 'node:path';
import { run } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const ROOT = path.resolve(import.meta.dirname, '../..');

export async function cli(
  argv: string[],
  opts: { stdin?: string | Buffer; env?: Record<string, string>; tty?: boolean; stdoutTty?: boolean } = {},
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await run(argv, {
    stdin: Readable.from(opts.stdin === undefined ? [] : [opts.stdin]),
    stdout,
    stderr,
    env: { SOURCE_DATE_EPOCH: '1700000000', ...(opts.env ?? {}) },
    stderrIsTTY: opts.tty ?? false,
    stdoutIsTTY: opts.stdoutTty ?? false,
    cwd: ROOT,
  });
  return { code, stdout: out, stderr: err };
}
