// Large YAML inputs are injected by several threads: the text is cut at `---` lines into consecutive pieces,
// each thread parses, injects and renders its share, and the shares are written in input order, as one thread would
// have written them. An error in the input, or a thread that cannot start, declines (./declined.ts): the
// one-thread pipeline then reports exactly what it always reports (and writes only what had not gone out).
// Loaded only when the bundled CLI injects into a YAML stream.
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { SidecarsetError } from '../../errors.js';
import { parseSourceText } from '../../manifests/documents.js';
import type { SourceText } from '../../manifests/sources.js';
import type { ManifestDocument } from '../../manifests/types.js';
import { YamlWriter, yamlSeparator, type YamlStreamEnd, type YamlStreamStart } from '../../manifests/writers.js';
import {
  injectDocument,
  type DocumentConfiguration,
  type DocumentOptions,
  type ObjectReport,
} from '../inject-document.js';
import type { StreamedOutput } from '../streamed-output.js';
import { Declined } from './declined.js';
import { threadCount } from './worker-code.js';

/** Below this much input text, starting threads costs more than it saves. */
export const PARALLEL_MIN_BYTES = 1 << 20;

/** Consecutive text of one source, starting at a document; `indexBase` documents of the source come before it. */
export interface Piece {
  source: string;
  text: string;
  indexBase: number;
}

interface ThreadJob {
  pieces: Piece[];
  /** crosses to the thread by structured clone */
  config: DocumentConfiguration;
  options: DocumentOptions;
}

/** One thread's share, rendered: a worker sends its text as UTF-8 (moved, not copied, to this thread). */
interface RenderedShare {
  text: string | Uint8Array;
  objects: ObjectReport[];
  end: YamlStreamEnd;
  start?: YamlStreamStart;
}

/** What a worker posts: its share rendered, or why it declined, or the error it met (a bug: it goes on up). */
type WorkerResult = { share: RenderedShare } | { declined: string } | { error: string };

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
 * Injects into the sources in threads and writes them to `out` in input order, each share as soon as it and those
 * before it are done; the reports. Declines for an input too small to pay for the threads, when one thread is all
 * there is, or when anything in the input is wrong. `workerCode` starts a worker thread running runInjectWorker().
 */
export async function injectInThreads(
  sources: SourceText[],
  config: DocumentConfiguration,
  options: DocumentOptions,
  workerCode: string,
  out: StreamedOutput,
): Promise<ObjectReport[]> {
  if (sources.reduce((n, s) => n + s.text.length, 0) < PARALLEL_MIN_BYTES) throw new Declined('a small input');
  const shares = shareSources(sources, threadCount());
  if (!shares) throw new Declined('one thread');
  const threadConfig: DocumentConfiguration = {
    sidecarSets: config.sidecarSets,
    namespaces: config.namespaces,
    revisions: config.revisions,
  };
  const workers = shares.slice(1).map((pieces) => inWorker(workerCode, { pieces, config: threadConfig, options }));
  try {
    const first = await renderPieces(shares[0], config, options, out);
    let end = first.end;
    const objects = [...first.objects];
    for (const worker of workers) {
      const share = await worker;
      if (share.start) await out.writeNow(yamlSeparator(end, share.start));
      await out.writeNow(share.text);
      if (share.end.count > 0) end = { ...share.end, count: end.count + share.end.count };
      objects.push(...share.objects);
    }
    return objects;
  } catch (err) {
    await Promise.allSettled(workers); // let them finish: nothing of theirs is used
    throw declinedOnInputError(err);
  }
}

/** An error in the input is the one-thread pipeline's to report, in input order. */
function declinedOnInputError(err: unknown): unknown {
  return err instanceof SidecarsetError ? new Declined(`an input error: ${err.message}`) : err;
}

function inWorker(code: string, job: ThreadJob): Promise<RenderedShare> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(code, { eval: true, workerData: job, stdout: true, stderr: true });
    } catch (err) {
      reject(new Declined(`a thread that cannot start: ${(err as Error).message}`));
      return;
    }
    let result: WorkerResult | undefined;
    worker.on('message', (m: WorkerResult) => (result = m));
    worker.on('error', (err) => reject(new Declined(`a thread that stopped: ${err.message}`)));
    worker.on('exit', () => {
      if (result === undefined) reject(new Declined('a thread that delivered nothing'));
      else if ('share' in result) resolve(result.share);
      else if ('declined' in result) reject(new Declined(result.declined));
      else reject(new Error(`in a worker thread: ${result.error}`));
    });
  });
}

/** The worker thread's side: renders its pieces and posts the result, its text as UTF-8 (moved, not copied). */
export async function runInjectWorker(): Promise<void> {
  const job = workerData as ThreadJob;
  let result: WorkerResult;
  try {
    const share = await renderPieces(job.pieces, job.config, job.options);
    share.text = new TextEncoder().encode(share.text as string);
    result = { share };
  } catch (err) {
    const declined = declinedOnInputError(err);
    result =
      declined instanceof Declined
        ? { declined: declined.message }
        : { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  parentPort?.postMessage(result, 'share' in result ? [(result.share.text as Uint8Array).buffer as ArrayBuffer] : []);
}

/** Renders pieces into `out` (this thread, streamed) or into one text (a worker thread, posted whole). */
async function renderPieces(
  pieces: Piece[],
  config: DocumentConfiguration,
  options: DocumentOptions,
  out?: StreamedOutput,
): Promise<RenderedShare> {
  const chunks: string[] = [];
  const writer = new YamlWriter(out ? out.add : (chunk) => chunks.push(chunk));
  const objects: ObjectReport[] = [];
  for (const piece of pieces) {
    for await (const md of parseSourceText({ source: piece.source, text: piece.text })) {
      const placed: ManifestDocument = md;
      placed.index += piece.indexBase;
      const report = injectDocument(placed, config, options);
      if (report) objects.push(report);
      writer.write(placed);
      await out?.flushIfFull();
    }
  }
  writer.end();
  await out?.flush();
  return { text: chunks.join(''), objects, end: writer.state, start: writer.first };
}
