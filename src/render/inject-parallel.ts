// Large YAML inputs are rendered by several threads: the text is cut at `---` lines into consecutive pieces,
// each thread parses, injects and renders its share, and the shares are written in input order, as one thread would
// have written them. Any failure (an error in the input, a thread that cannot start) falls back to the one-thread
// render, which then reports exactly what it always reports (and writes only what had not gone out). Loaded only for inputs this large.
import { availableParallelism } from 'node:os';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import type { ManifestDocument, SourceText } from '../manifests/read.js';
import { parseSourceText } from '../manifests/read.js';
import { YamlWriter, yamlSeparator, type YamlStreamEnd, type YamlStreamStart } from '../manifests/write.js';
import type { InjectionConfiguration } from './configuration.js';
import { renderDocument, type InjectOptions, type ObjectReport } from './inject.js';
import type { StreamedOutput } from './streamed-output.js';

/** Below this much input text, starting threads costs more than it saves. */
export const PARALLEL_MIN_BYTES = 1 << 20;

/** Consecutive text of one source, starting at a document; `indexBase` documents of the source come before it. */
export interface Piece {
  source: string;
  text: string;
  indexBase: number;
}

/** What the injection needs of the configuration, as it crosses to a thread (structured clone). */
type ThreadConfiguration = Pick<InjectionConfiguration, 'sidecarSets' | 'namespaces' | 'revisions'>;

interface ThreadJob {
  pieces: Piece[];
  config: ThreadConfiguration;
  options: InjectOptions;
}

/** One thread's share, rendered: a worker sends its text as UTF-8 (moved, not copied, to this thread). */
interface RenderedShare {
  text: string | Uint8Array;
  objects: ObjectReport[];
  end: YamlStreamEnd;
  start?: YamlStreamStart;
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

/**
 * The YAML sources cut into `threads` shares of about equal size, or undefined when one thread is all there is
 * to use. A source is cut only at lines that start a document (`---` at the start of a line, which ends any
 * scalar or collection before it), and not when it holds %directives or `...` markers: then the number of
 * documents before each cut is simply the `---` lines before it, plus one when text precedes the first of them.
 */
export function shareSources(sources: SourceText[], threads: number): Piece[][] | undefined {
  if (threads < 2) return undefined;
  const total = sources.reduce((n, s) => n + s.text.length, 0);
  const pieces = sources.flatMap((src) => cutSource(src, Math.max(1, Math.round((threads * src.text.length) / total))));
  if (pieces.length < 2) return undefined;
  // consecutive pieces, `threads` groups of about total/threads characters
  const shares: Piece[][] = [];
  let size = 0;
  for (const piece of pieces) {
    const share = Math.min(threads - 1, Math.floor((size + piece.text.length / 2) / (total / threads)));
    (shares[share] ??= []).push(piece);
    size += piece.text.length;
  }
  const used = shares.filter((s) => s !== undefined);
  return used.length < 2 ? undefined : used;
}

const DOCUMENT_START = /^---(?=[ \t\r\n]|$)/gm;
const NOT_CUT = /^(?:%|\.\.\.(?:[ \t\r\n]|$))/m;

function cutSource(src: SourceText, parts: number): Piece[] {
  const whole = [{ source: src.source, text: src.text, indexBase: 0 }];
  const { text } = src;
  if (parts < 2 || /^[\s\uFEFF]*\{/.test(text) || NOT_CUT.test(text)) return whole; // JSON, directives, `...`
  const starts = [...text.matchAll(DOCUMENT_START)].map((m) => m.index);
  if (starts.length === 0) return whole;
  const implicitFirst = hasContent(text.slice(0, starts[0])) ? 1 : 0;
  const pieces: Piece[] = [];
  let from = 0;
  let indexBase = 0;
  let k = 0;
  for (let p = 1; p < parts; p++) {
    const target = (text.length * p) / parts;
    while (k < starts.length && starts[k] < target) k++;
    if (k === starts.length) break;
    if (starts[k] <= from) continue;
    pieces.push({ source: src.source, text: text.slice(from, starts[k]), indexBase });
    from = starts[k];
    indexBase = k + implicitFirst;
  }
  pieces.push({ source: src.source, text: text.slice(from), indexBase });
  return pieces;
}

/** Text with a line that is neither blank nor a comment: a document before the first `---`. */
function hasContent(text: string): boolean {
  return text.split('\n').some((line) => !/^[\s\uFEFF]*(#.*)?$/.test(line));
}

/**
 * Renders the shares, the first in this thread and the others in worker threads, writing each to `out` in input
 * order as soon as it and those before it are done; the reports, or undefined when anything failed (the caller
 * then renders everything in one thread, writing only what has not gone out). `workerCode` starts a worker
 * thread running runInjectWorker().
 */
export async function renderShares(
  shares: Piece[][],
  config: InjectionConfiguration,
  options: InjectOptions,
  workerCode: string,
  out: StreamedOutput,
): Promise<ObjectReport[] | undefined> {
  const threadConfig: ThreadConfiguration = { sidecarSets: config.sidecarSets, namespaces: config.namespaces, revisions: config.revisions };
  const workers = shares.slice(1).map((pieces) => inWorker(workerCode, { pieces, config: threadConfig, options }));
  let first: RenderedShare | undefined;
  try {
    first = await renderPieces(shares[0], config, options, out);
  } catch {
    first = undefined;
  }
  if (first === undefined) {
    await Promise.all(workers); // let them finish: nothing of theirs is used
    return undefined;
  }
  let end = first.end;
  const objects = [...first.objects];
  for (const worker of workers) {
    const share = await worker;
    if (share === undefined) {
      await Promise.all(workers);
      return undefined;
    }
    if (share.start) await out.writeNow(yamlSeparator(end, share.start));
    await out.writeNow(share.text);
    if (share.end.count > 0) end = { ...share.end, count: end.count + share.end.count };
    objects.push(...share.objects);
  }
  return objects;
}

function inWorker(code: string, job: ThreadJob): Promise<RenderedShare | undefined> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(code, { eval: true, workerData: job, stdout: true, stderr: true });
    } catch {
      resolve(undefined);
      return;
    }
    let result: RenderedShare | undefined;
    worker.on('message', (m: RenderedShare | undefined) => (result = m));
    worker.on('error', () => resolve(undefined));
    worker.on('exit', () => resolve(result));
  });
}

/** The worker thread's side: renders its pieces and posts the result (undefined on any error). */
export async function runInjectWorker(): Promise<void> {
  const job = workerData as ThreadJob;
  let result: RenderedShare | undefined;
  try {
    result = await renderPieces(job.pieces, { ...job.config, whitelist: undefined, notes: [] }, job.options);
    result.text = new TextEncoder().encode(result.text as string);
  } catch {
    result = undefined;
  }
  parentPort?.postMessage(result, result ? [(result.text as Uint8Array).buffer as ArrayBuffer] : []);
}

/** Renders pieces into `out` (this thread, streamed) or into one text (a worker thread, posted whole). */
async function renderPieces(pieces: Piece[], config: InjectionConfiguration, options: InjectOptions, out?: StreamedOutput): Promise<RenderedShare> {
  const chunks: string[] = [];
  const writer = new YamlWriter(out ? out.add : (chunk) => chunks.push(chunk));
  const objects: ObjectReport[] = [];
  for (const piece of pieces) {
    for await (const md of parseSourceText({ source: piece.source, text: piece.text })) {
      const placed: ManifestDocument = md;
      placed.index += piece.indexBase;
      const report = renderDocument(placed, config, options);
      if (report) objects.push(report);
      writer.write(placed);
      await out?.flushIfFull();
    }
  }
  writer.end();
  await out?.flush();
  return { text: chunks.join(''), objects, end: writer.state, start: writer.first };
}
