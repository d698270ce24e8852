// The upgrade's journal, for resume and --undo: per kubeconfig context and SidecarSet, what each Pod had before
// this tool first changed it (snapshotOf). It is written before the patches it covers go out (write-ahead) and
// replaced atomically (a new file renamed over the old), so a run killed at any moment leaves a journal that
// names every Pod it may have changed.
//
//   $XDG_STATE_HOME/kubectl-sidecarset/<context>/<sidecarset>.json   (XDG_STATE_HOME: ~/.local/state by default)
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { SidecarsetError } from '../errors.js';
import type { PodSnapshot } from './pod-patch.js';

export const JOURNAL_KIND = 'UpgradeJournal';

export interface JournalPod {
  namespace: string;
  name: string;
  uid: string;
  /** what the Pod had before this rollout's first write */
  snapshot: PodSnapshot;
  /** what this rollout wrote last (same keys): --undo restores only values that are still these */
  wrote: PodSnapshot;
}

export interface Journal {
  apiVersion: 'kubectl-sidecarset/v1';
  kind: typeof JOURNAL_KIND;
  context: string;
  sidecarSet: string;
  /** the target's kruise.io/sidecarset-hash: a rerun with the same target continues this journal */
  targetHash: string;
  /** running (or interrupted), complete, undone */
  state: 'running' | 'complete' | 'undone';
  /** namespace/name → what the Pod had before this rollout changed it */
  pods: Record<string, JournalPod>;
}

/** The journal's directory; documented in `upgrade --help`. */
export function stateDir(env: Record<string, string | undefined>): string {
  const base = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : undefined;
  return path.join(base ?? path.join(env.HOME || homedir(), '.local', 'state'), 'kubectl-sidecarset');
}

export function journalPath(env: Record<string, string | undefined>, context: string, sidecarSet: string): string {
  return path.join(stateDir(env), fileName(context || 'default'), `${fileName(sidecarSet)}.json`);
}

/** A context or object name as one path segment (context names may hold "/" and ":"). */
function fileName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function readJournal(file: string): Journal | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let j: Journal;
  try {
    j = JSON.parse(text) as Journal;
  } catch (err) {
    throw new SidecarsetError(`${file}: not an upgrade journal: ${(err as Error).message}`);
  }
  if (j?.kind !== JOURNAL_KIND || typeof j.pods !== 'object')
    throw new SidecarsetError(`${file}: not an upgrade journal`);
  return j;
}

export function writeJournal(file: string, journal: Journal): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(journal, null, 1) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** The journal a run continues (same target, not finished) or a new one. */
export function journalForRun(
  existing: Journal | undefined,
  context: string,
  sidecarSet: string,
  targetHash: string,
): Journal {
  if (existing && existing.state === 'running' && existing.targetHash === targetHash) return existing;
  return {
    apiVersion: 'kubectl-sidecarset/v1',
    kind: JOURNAL_KIND,
    context,
    sidecarSet,
    targetHash,
    state: 'running',
    pods: {},
  };
}
