// Drives the CLI in-process as a user would run it: argv in, stdout / stderr / exit code out.
import { PassThrough, Readable } from 'node:stream';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Command } from 'commander';
import { buildProgram, run } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const ROOT = path.resolve(import.meta.dirname, '../..');

export async function cli(
  argv: string[],
  opts: { stdin?: string; env?: Record<string, string>; tty?: boolean; stdoutTty?: boolean } = {},
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

/** Compares with test/golden/NAME; UPDATE_GOLDEN=1 rewrites the file instead. */
export function expectGolden(name: string, actual: string): void {
  const file = path.join(ROOT, 'test/golden', name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

export function fixture(...parts: string[]): string {
  return path.join('fixtures', ...parts);
}

/** The CLI's commander program as `run` builds it, with streams that go nowhere: for tests that inspect commands. */
export function testProgram(): Command {
  const sink = new PassThrough();
  return buildProgram({ stdin: new PassThrough(), stdout: sink, stderr: sink, env: {}, stderrIsTTY: false, cwd: ROOT })
    .command;
}

/** The names of the commands `--help` lists. */
export function visibleCommands(): string[] {
  const program = testProgram();
  return program
    .createHelp()
    .visibleCommands(program)
    .map((c) => c.name());
}
