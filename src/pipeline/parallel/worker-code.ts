// The code a worker thread starts with: the bundled CLI (through the launcher's loader and its code cache),
// then one of the bundle's worker entries. Undefined when not running from the bundle with its loader (the
// sources, in tests): then everything runs in one thread. A bundle without that entry starts a worker that
// does nothing, which callers treat as a worker that delivered nothing.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';

export function bundleWorkerCode(entry: string): string | undefined {
  // __filename exists in the CommonJS bundle only
  if (typeof __filename !== 'string' || !__filename.endsWith('.cjs')) return undefined;
  const loader = path.join(path.dirname(__filename), '..', 'bin', 'load-cli.cjs');
  if (!existsSync(loader)) return undefined;
  return `const cli = require(${JSON.stringify(loader)}).loadCli();\nif (typeof cli.${entry} === 'function') cli.${entry}();`;
}

/**
 * How many threads to use: all the CPUs there are, 4 at most; KUBECTL_SIDECARSET_THREADS overrides it
 * (1 keeps everything in one thread).
 */
export function threadCount(env: Record<string, string | undefined> = process.env): number {
  const asked = Number(env.KUBECTL_SIDECARSET_THREADS);
  if (Number.isInteger(asked) && asked >= 1) return asked;
  return Math.min(availableParallelism(), 4);
}
