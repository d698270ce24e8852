// inject's CI modes: the rendered documents are grouped per input file and each file is rewritten in place,
// mirrored under an output directory, checked for drift, or diffed. Every output is computed before the first
// write; each file is replaced atomically (temp file in the same directory, then rename), keeping its mode.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { SidecarsetError, UsageError } from '../errors.js';
import { listManifestFiles, readStream, STDIN_SOURCE } from '../manifests/sources.js';
import type { ManifestDocument } from '../manifests/types.js';
import { renderText, writerFor } from '../manifests/writers.js';
import { injectInputs, type InjectOptions, type InjectOutcome } from './inject.js';

export type FileMode =
  { kind: 'in-place' } | { kind: 'output-dir'; dir: string } | { kind: 'check' } | { kind: 'diff' };

export interface FileResult {
  /** the input as named in reports (path as given, or <stdin>) */
  source: string;
  /** where it is (or would be) written: the input itself, or its mirror under the output directory */
  target: string;
  /** rendering changes the input's content */
  changed: boolean;
  /** the target was written by this run */
  written: boolean;
}

export interface FilesOutcome extends InjectOutcome {
  files: FileResult[];
  /** unified diff of the inputs that change (check and diff modes; '' otherwise or when nothing changes) */
  diff: string;
}

/** One input file: its bytes as read, the text rendering gives, and where it goes. */
interface PlannedFile {
  source: string;
  /** absolute path of the input, undefined for stdin */
  file?: string;
  /** the -f directory it was found in (mirrors are relative to it), or undefined for a file given itself */
  givenDir?: string;
  original: Buffer;
  rendered: string | Buffer;
  changed: boolean;
  mode: number;
}

export async function injectFiles(options: InjectOptions, mode: FileMode, stdin: Readable): Promise<FilesOutcome> {
  if ((mode.kind === 'in-place' || mode.kind === 'output-dir') && options.filenames.includes('-')) {
    throw new UsageError(
      `--${mode.kind} writes files; standard input (-f -) has none: use the default mode to render it to stdout`,
    );
  }
  // stdin is read once, kept for the diff, and handed to the pipeline as a fresh stream
  const stdinText = [...options.filenames, ...options.sidecarSetPaths].includes('-')
    ? await readStream(stdin, STDIN_SOURCE)
    : Buffer.alloc(0);
  const { Readable } = await import('node:stream'); // on first use: start-up never needs it
  const rendered = await injectInputs(options, Readable.from([stdinText]));
  const planned = await planFiles(options, rendered.docs, stdinText);

  const files: FileResult[] = [];
  const targets = mode.kind === 'output-dir' ? mirrorTargets(planned, mode.dir) : planned.map((p) => p.source);
  const writes: { target: string; data: string | Buffer; mode: number; result: FileResult }[] = [];
  for (const [i, p] of planned.entries()) {
    const result: FileResult = { source: p.source, target: targets[i], changed: p.changed, written: false };
    files.push(result);
    if (mode.kind === 'in-place' && p.changed)
      writes.push({ target: await realpath(p.file!), data: p.rendered, mode: p.mode, result });
    if (mode.kind === 'output-dir' && !(await holds(targets[i], p.rendered)))
      writes.push({ target: targets[i], data: p.rendered, mode: p.mode, result });
  }
  for (const w of writes) {
    await writeAtomically(w.target, w.data, w.mode);
    w.result.written = true;
  }
  const diff =
    mode.kind === 'check' || mode.kind === 'diff'
      ? planned
          .filter((p) => p.changed)
          .map(unifiedDiff)
          .join('')
      : '';
  return { objects: rendered.objects, notes: rendered.notes, files, diff };
}

/** Each -f input file with its documents and what rendering makes of it. */
async function planFiles(options: InjectOptions, docs: ManifestDocument[], stdinText: Buffer): Promise<PlannedFile[]> {
  const bySource = new Map<string, ManifestDocument[]>();
  for (const md of docs) {
    const list = bySource.get(md.source) ?? [];
    list.push(md);
    bySource.set(md.source, list);
  }
  const planned: PlannedFile[] = [];
  const seen = new Map<string, string>();
  for (const given of options.filenames) {
    if (given === '-') {
      planned.push(plan({ source: STDIN_SOURCE, original: stdinText, mode: 0o644 }, bySource.get(STDIN_SOURCE) ?? []));
      continue;
    }
    const isDir = (await stat(given)).isDirectory();
    for (const source of await listManifestFiles(given, options.recursive)) {
      const real = await realpath(source);
      const twice = seen.get(real);
      if (twice !== undefined)
        throw new UsageError(`${source}: the same file is given twice (also as ${twice}); each input is written once`);
      seen.set(real, source);
      const input: InputFile = {
        source,
        file: path.resolve(source),
        givenDir: isDir ? path.resolve(given) : undefined,
        original: await readFile(source),
        mode: (await stat(source)).mode & 0o7777,
      };
      planned.push(plan(input, bySource.get(source) ?? []));
    }
  }
  return planned;
}

type InputFile = Omit<PlannedFile, 'rendered' | 'changed'>;

function plan(input: InputFile, docs: ManifestDocument[]): PlannedFile {
  // A file none of whose documents was patched is kept byte for byte (JSON included, which would re-indent).
  if (!docs.some((md) => md.origin.changed)) return { ...input, rendered: input.original, changed: false };
  // Each file keeps its own format: what `inject -o yaml|json` prints for this file alone.
  const rendered = renderText(docs, writerFor(docs[0].origin.format));
  return { ...input, rendered, changed: rendered !== decode(input.original) };
}

/**
 * The mirror of an input under the output directory: relative to the common base of the inputs, where a
 * directory given with -f counts as itself and a file given itself as its parent directory.
 */
function mirrorTargets(planned: PlannedFile[], dir: string): string[] {
  if (planned.length === 0) return [];
  const base = planned.map((p) => p.givenDir ?? path.dirname(p.file!)).reduce(commonAncestor);
  return planned.map((p) => path.join(dir, path.relative(base, p.file!)));
}

function commonAncestor(a: string, b: string): string {
  const pa = a.split(path.sep);
  const pb = b.split(path.sep);
  let n = 0;
  while (n < pa.length && n < pb.length && pa[n] === pb[n]) n++;
  return pa.slice(0, n).join(path.sep) || path.sep;
}

/** `--- a/path` / `+++ b/path`, three lines of context, as git prints it. */
function unifiedDiff(p: PlannedFile): string {
  const label = p.source.split(path.sep).join('/').replace(/^\/+/, '');
  return createTwoFilesPatch(`a/${label}`, `b/${label}`, decode(p.original), decode(p.rendered), undefined, undefined, {
    headerOptions: FILE_HEADERS_ONLY,
  });
}

/** The target already has exactly these bytes (so it is not rewritten). */
async function holds(target: string, data: string | Buffer): Promise<boolean> {
  const current = await readFile(target).catch(() => undefined);
  return current !== undefined && current.equals(typeof data === 'string' ? Buffer.from(data) : data);
}

async function writeAtomically(target: string, data: string | Buffer, mode: number): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(temp, data, { mode, flag: 'wx' });
    await chmod(temp, mode); // writeFile's mode is filtered by the umask
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw new SidecarsetError(`cannot write ${target}: ${(err as Error).message}`, { source: target });
  }
}

function decode(data: string | Buffer): string {
  return typeof data === 'string' ? data : new TextDecoder().decode(data);
}
