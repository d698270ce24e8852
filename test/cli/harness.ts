// Drives the CLI in-process as a user would run it: argv in, stdout / stderr / exit code out.
import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';

import { ROOT } from './in-process.js';

export { cli, ROOT, type CliResult } from './in-process.js';

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

/** Whether an external tool is on PATH; tests that need one skip visibly (`it.skipIf(!onPath(x))`) without it. */
export function onPath(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

export interface CountedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** worker threads the process started */
  workers: number;
}

/** The built binary with KUBECTL_SIDECARSET_THREADS=threads; count-workers.cjs notes each worker thread in a log
 * file under logDir. */
export function runCountingWorkers(args: string[], threads: string, logDir: string): CountedRun {
  const log = path.join(logDir, `workers-${threads}.log`);
  writeFileSync(log, '');
  const r = spawnSync(
    process.execPath,
    ['--require', path.join(ROOT, 'test/cli/count-workers.cjs'), path.join(ROOT, 'bin/kubectl-sidecarset'), ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      env: {
        PATH: process.env.PATH ?? '',
        SOURCE_DATE_EPOCH: '1700000000',
        KUBECTL_SIDECARSET_THREADS: threads,
        WORKER_LOG: log,
      },
    },
  );
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    workers: readFileSync(log, 'utf8').split('\n').length - 1,
  };
}

/** The built binary's `inject` of the EFK fixtures with offline-guard.cjs preloaded: any network call or load of
 * the client library ends the process with "OFFLINE GUARD". `env` adds to PATH and SOURCE_DATE_EPOCH. */
export function injectEfkOffline(extra: string[], env: Record<string, string>) {
  return spawnSync(
    process.execPath,
    [
      '--require',
      path.join(ROOT, 'test/cli/offline-guard.cjs'),
      path.join(ROOT, 'bin/kubectl-sidecarset'),
      'inject',
      '-f',
      'fixtures/efk/filebeat-sidecarset.yaml',
      '-f',
      'fixtures/efk/nginx-deployment.yaml',
      ...extra,
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      input: '',
      env: { PATH: process.env.PATH ?? '', SOURCE_DATE_EPOCH: '1700000000', ...env },
    },
  );
}
