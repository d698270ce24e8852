// kubectl-style flags shared by commands, so every command spells and parses them the same way.
import type { Command } from 'commander';
import { SidecarsetError, UsageError } from '../errors.js';
import { parseGoDuration } from '../go/duration.js';

/** `-f a -f b,c` → [a, b, c], as kubectl's string-slice flags. */
export function collectPaths(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter((v) => v !== '')];
}

export function addFilenameFlags(cmd: Command, what: string): Command {
  return cmd
    .option('-f, --filename <path>', `${what}: a file, a directory, or - for stdin (repeatable)`, collectPaths, [])
    .option('-R, --recursive', 'process the directories given with -f recursively', false);
}

export function addNamespaceFlag(cmd: Command): Command {
  // no commander default: the kubeconfig's context supplies it (./cluster-flags.ts objectNamespace)
  return cmd.option(
    '-n, --namespace <name>',
    "namespace of objects that do not name one (default: the kubeconfig context's, else default)",
  );
}

export function checkOutput<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  const v = value ?? fallback;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new UsageError(
      `unable to match a printer suitable for the output format "${v}", allowed formats are: ${allowed.join(',')}`,
    );
  }
  return v as T;
}

/** -f is required: `forWhat` says what it gives (" for the SidecarSet and the Pods"). */
export function requireFilenames(filenames: string[], forWhat = ''): void {
  if (filenames.length === 0) throw new UsageError(`must specify -f${forWhat} (a file, a directory, or - for stdin)`);
}

/** `-f=path` as kubectl (pflag) reads it: the value after `=`; commander would keep the `=`. */
export function shorthandValues(argv: string[]): string[] {
  const end = argv.indexOf('--');
  return argv.map((a, i) => ((end < 0 || i < end) && /^-[A-Za-z]=/.test(a) ? [a.slice(0, 2), a.slice(3)] : [a])).flat();
}

/** A non-negative Go duration flag such as `--timeout 10m`, in ns; a bad value is a usage error naming the flag. */
export function durationFlag(flag: string, value: string): bigint {
  let ns: bigint;
  try {
    ns = parseGoDuration(value);
  } catch (err) {
    if (err instanceof SidecarsetError) throw new UsageError(`${flag}: ${err.message}`);
    throw err;
  }
  if (ns < 0n) throw new UsageError(`${flag} must not be negative`);
  return ns;
}
