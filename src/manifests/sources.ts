// Where documents come from: -f values resolved the way kubectl resolves them (files, directories in lexical
// order, -R, `-` for standard input, which may be given once), and each source read whole.
import { readdirSync, readFileSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { SidecarsetError, UsageError } from '../errors.js';
import { decodeUtf8 } from './utf8.js';

export interface ReadOptions {
  recursive?: boolean;
  /** what `-` reads */
  stdin: NodeJS.ReadableStream;
}

// Synchronous underneath: a command reads its inputs before anything else happens, and the thread pool behind
// asynchronous file calls (a round trip per open, stat, read and close) costs more start-up than it saves.
// Failures still arrive as rejections.
function stat(file: string): Promise<Stats> {
  return new Promise((resolve) => resolve(statSync(file)));
}
function readdir(dir: string, options: { withFileTypes: true }): Promise<Dirent[]> {
  return new Promise((resolve) => resolve(readdirSync(dir, options)));
}
function readFile(file: string): Promise<Buffer> {
  return new Promise((resolve) => resolve(readFileSync(file)));
}

export const STDIN_SOURCE = '<stdin>';
/** The file extensions a directory's manifests have. */
export const MANIFEST_EXTENSIONS = ['yaml', 'yml', 'json'] as const;
const EXTENSIONS = new Set(MANIFEST_EXTENSIONS.map((e) => `.${e}`));

/** One input read whole, for callers that look at the text before parsing it. */
export interface SourceText {
  source: string;
  text: string;
}

/** The -f inputs as text, in order (same resolution as readManifests). */
export async function readSourceTexts(paths: string[], opts: ReadOptions): Promise<SourceText[]> {
  const out: SourceText[] = [];
  for (const file of await resolveSources(paths, opts.recursive ?? false)) {
    const source = file === '-' ? STDIN_SOURCE : file;
    // Decoded whole (a BOM dropped), not in `stream` mode: for a large input that gives a two-byte string, twice
    // the memory and slower to parse.
    out.push(
      file === '-'
        ? { source, text: decodeUtf8(await readStream(opts.stdin, source), source) }
        : await readSourceFile(file, source),
    );
  }
  return out;
}

/** A file read whole and decoded (a BOM dropped, bytes that are not UTF-8 refused); a failure names the source. */
export async function readSourceFile(file: string, source: string): Promise<SourceText> {
  const bytes = await readFile(file).catch((err: unknown) => Promise.reject(readFailure(err, source)));
  return { source, text: decodeUtf8(bytes, source) };
}

/** All the bytes of a stream (stdin); a failure to read names the source. */
export async function readStream(stream: NodeJS.ReadableStream, source: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  } catch (err) {
    throw readFailure(err, source);
  }
  return Buffer.concat(chunks);
}

/** Standard input (-) may be named once among all the paths a command reads. */
export function checkStdinOnce(paths: readonly string[]): void {
  if (paths.filter((p) => p === '-').length > 1) throw new UsageError('standard input (-) can be given only once');
}

// Like kubectl, every path is checked before anything is read, so a typo fails before any output.
/** The files the -f values name, in order ('-' for standard input, which may be given once). */
export async function resolveSources(paths: string[], recursive: boolean): Promise<string[]> {
  checkStdinOnce(paths);
  const sources: string[] = [];
  for (const p of paths) {
    if (p === '-') {
      sources.push('-');
    } else {
      sources.push(...(await listManifestFiles(p, recursive)));
    }
  }
  return sources;
}

/** The files a -f value stands for: the file itself, or a directory's .yaml/.yml/.json files. */
export async function listManifestFiles(p: string, recursive: boolean): Promise<string[]> {
  const info = await stat(p).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
      throw new SidecarsetError(`the path "${p}" does not exist`, { source: p });
    }
    throw new SidecarsetError(`cannot read: ${err.message}`, { source: p });
  });
  if (!info.isDirectory()) return [p];
  const out: string[] = [];
  await walkDirectory(p, recursive, out);
  return out;
}

async function walkDirectory(dir: string, recursive: boolean, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: unknown) =>
    Promise.reject(readFailure(err, dir)),
  );
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive) await walkDirectory(full, recursive, out);
    } else if (EXTENSIONS.has(path.extname(entry.name))) {
      out.push(full);
    }
  }
}

export function readFailure(err: unknown, source: string): unknown {
  if (err instanceof SidecarsetError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return new SidecarsetError(`the path "${source}" does not exist`, { source });
  if (e.code) return new SidecarsetError(`cannot read: ${e.message}`, { source });
  return err;
}

/**
 * Each source's bytes, read once however often they are asked for (standard input can only be read once): the
 * same bytes, or the same failure, naming the source, each time.
 */
export class SourceBytes {
  private readonly read = new Map<string, Promise<Uint8Array>>();

  constructor(private readonly stdin: NodeJS.ReadableStream) {}

  /** `file` as resolveSources gives it ('-' for standard input); `readFirst` reads a file the first time, if given. */
  bytes(file: string, readFirst: (file: string) => Promise<Uint8Array> = readFile): Promise<Uint8Array> {
    let bytes = this.read.get(file);
    if (bytes === undefined) {
      const source = file === '-' ? STDIN_SOURCE : file;
      bytes =
        file === '-'
          ? readStream(this.stdin, source)
          : readFirst(file).catch((err: unknown) => Promise.reject(readFailure(err, source)));
      bytes.catch(() => {}); // a failure is reported when the bytes are used
      this.read.set(file, bytes);
    }
    return bytes;
  }
}
