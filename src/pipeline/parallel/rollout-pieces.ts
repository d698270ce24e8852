// plan-rollout's inputs with their large JSON Lists of Pods read in pieces, by several threads
// (./rollout-parallel.ts), straight into the plan's Pod records. Declines (./declined.ts) when there is no such
// List, when a piece is not a list of Pods, and on any error in the inputs: the ordinary way
// (../rollout-inputs.ts) then reads the same bytes and reports what it always reports, in input order.
import { isUtf8 } from 'node:buffer';
import type { KruiseProfile } from '../../kruise/apis/version.js';
import { open, readFile, stat } from 'node:fs/promises';
import { SidecarsetError } from '../../errors.js';
import { podRecordReader } from '../../kruise/rollout/pod-record.js';
import type { PodRecord } from '../../kruise/rollout/types.js';
import { parseSourceText } from '../../manifests/documents.js';
import { cutJsonList, type JsonListCut } from '../../manifests/json-list-pieces.js';
import { jsonDocuments } from '../../manifests/json-source.js';
import { STDIN_SOURCE, type SourceBytes } from '../../manifests/sources.js';
import { InputsReader, type RolloutInputs } from '../rollout-documents.js';
import { Declined } from './declined.js';
import type { ListReaders, ThreadOptions } from './rollout-parallel.js';
import { bundleWorkerCode, threadCount } from './worker-code.js';

export interface PieceOptions {
  /** a JSON List at least this long (bytes) is read in pieces */
  minBytes?: number;
  /** about this long */
  pieceBytes?: number;
  /** the code worker threads start with (see bundleWorkerCode) */
  workerCode?: string;
  /** see ThreadOptions (./rollout-parallel.ts) */
  report?: ThreadOptions['report'];
  workersFirst?: boolean;
}

/** What reading the inputs takes: how the documents are read, and how the Lists are read in pieces. */
export interface ListOptions {
  keepHash: boolean;
  /** the Kruise release and feature gates modelled */
  profile: KruiseProfile;
  /** the namespace of objects that do not name one */
  namespace: string;
  /** for KUBECTL_SIDECARSET_THREADS */
  env: Record<string, string | undefined>;
  pieces?: PieceOptions;
}

/** Below this, one JSON.parse of the whole text is as quick. */
const PIECES_MIN_BYTES = 1 << 20;

interface SourceRead {
  source: string;
  bytes: Uint8Array;
  cut?: JsonListCut;
}

/** A JSON List of Pods cut into pieces, which comes after the first `pods` Pods of the other inputs. */
interface Part {
  bytes: Uint8Array;
  cut: JsonListCut;
  pods: number;
}

export async function readListsInPieces(
  opts: ListOptions,
  files: string[],
  sources: SourceBytes,
): Promise<RolloutInputs> {
  const minBytes = opts.pieces?.minBytes ?? PIECES_MIN_BYTES;
  const sizes = await Promise.all(files.map((f) => sizeOf(f, sources)));
  if (!sizes.some((size) => size >= minBytes)) throw new Declined('no large input');

  const parallel = await import('./rollout-parallel.js');
  const threads = threadCount(opts.env);
  // the worker threads start loading now, while this one reads the inputs
  const readers = new parallel.ListReaders({
    ...opts.pieces,
    threads,
    workerCode: opts.pieces?.workerCode ?? bundleWorkerCode('runRolloutWorker'),
  });
  try {
    // every input read, and the large JSON Lists cut, before anything is parsed: without a List to cut, the
    // ordinary way parses them (once)
    const texts: SourceRead[] = [];
    for (let k = 0; k < files.length; k++) {
      const shared = sizes[k] >= minBytes && threads > 1;
      const bytes = await inputError(sources.bytes(files[k], shared ? readShared : readFile));
      if (!isUtf8(bytes)) throw new Declined('not UTF-8'); // the ordinary way says where
      const cut =
        bytes.length >= minBytes
          ? cutJsonList(bytes, opts.pieces?.pieceBytes ?? pieceBytes(bytes.length, threads))
          : undefined;
      texts.push({ source: files[k] === '-' ? STDIN_SOURCE : files[k], bytes, cut });
    }
    if (!texts.some((t) => t.cut)) throw new Declined('no JSON List to cut');
    return await inputError(readInPieces(opts, texts, readers));
  } finally {
    readers.stop();
  }
}

/** The ordinary way reports an error in the inputs, in input order: here it only declines. */
async function inputError<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof SidecarsetError) throw new Declined(`an input error: ${err.message}`);
    throw err;
  }
}

async function sizeOf(file: string, sources: SourceBytes): Promise<number> {
  if (file === '-') return (await inputError(sources.bytes(file))).length;
  try {
    return (await stat(file)).size;
  } catch (err) {
    throw new Declined(`cannot stat ${file}: ${(err as Error).message}`);
  }
}

async function readInPieces(opts: ListOptions, texts: SourceRead[], readers: ListReaders): Promise<RolloutInputs> {
  const read = new InputsReader(opts);
  const parts: Part[] = [];
  for (const { source, bytes, cut } of texts) {
    if (cut) {
      parts.push({ bytes, cut, pods: read.pods.length });
      continue;
    }
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    let docs = jsonDocuments(text, source);
    if (docs === undefined) {
      docs = [];
      for await (const md of parseSourceText({ source, text })) docs.push(md);
    }
    for (const doc of docs) read.add(doc);
  }
  const inputs = read.finish();
  const context = { sidecarSet: inputs.sidecarSet, namespaces: inputs.namespaces, namespace: opts.namespace };
  const readPod = podRecordReader(context.sidecarSet, context.namespaces);
  const records: PodRecord[] = [];
  let pods = 0; // the Pods of the documents read so far
  for (const part of parts) {
    for (; pods < part.pods; pods++) records.push(readPod(read.pods[pods]));
    for (const r of await readers.read(part.bytes, part.cut, context)) records.push(r);
  }
  for (; pods < read.pods.length; pods++) records.push(readPod(read.pods[pods]));
  return { ...inputs, pods: { records } };
}

/**
 * About 1 MB: each thread's last piece is short, and a piece parsed is dropped (all but its records) before
 * the young generation fills, instead of being copied by the garbage collector.
 */
function pieceBytes(total: number, threads: number): number {
  return Math.max(64 << 10, Math.min(1 << 20, Math.ceil(total / (threads * 4))));
}

/** A file's bytes in memory that worker threads can share. */
async function readShared(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    // two halves at once: most of the time goes to the kernel filling fresh memory, which two threads share
    const half = Math.ceil(size / 2);
    const read = async (from: number, to: number): Promise<boolean> => {
      for (let at = from, n = -1; at < to; at += n)
        if ((n = (await handle.read(bytes, at, to - at, at)).bytesRead) === 0) return false;
      return true;
    };
    const whole = (await Promise.all([read(0, half), read(half, size)])).every(Boolean);
    // a file that changed while read is read the ordinary way
    if (!whole || (await handle.read(Buffer.alloc(1), 0, 1, size)).bytesRead !== 0) return readFile(file);
    return bytes;
  } finally {
    await handle.close();
  }
}
