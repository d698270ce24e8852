// The Pods of a large JSON List read in pieces (src/manifests/json-list-pieces.ts) into the plan's Pod records,
// by this thread and worker threads together. The text stays in memory shared by the threads; each thread
// takes the next piece that nobody has taken (an atomic counter), parses it, reads its Pods into records
// and drops the parsed objects, so no thread ever holds the whole List parsed. A worker sends its records
// encoded (rollout-pod-codec.ts). This thread reads every piece no worker delivered (a worker that could not
// start, or a piece it could not encode), so the result never depends on the workers; and any piece that is
// not a list of Pods that read cleanly declines (./declined.ts): the caller then reads the input whole, and
// reports what it always reports. The workers start as soon as a List is cut, and load while this
// thread reads the other inputs.
import {
  MessageChannel,
  parentPort,
  receiveMessageOnPort,
  Worker,
  workerData,
  type MessagePort,
} from 'node:worker_threads';
import { SidecarsetError } from '../../errors.js';
import { type Pod } from '../../k8s/api.js';
import {
  SidecarSetHashAnnotation,
  SidecarSetHashWithoutImageAnnotation,
  type SidecarSet,
} from '../../kruise/apis/types.js';
import { asPlannedPod, podRecordReader } from '../../kruise/rollout/pod-record.js';
import { type PodRecord } from '../../kruise/rollout/types.js';
import type { NamespaceLabels } from '../../kruise/sidecarcontrol/match.js';
import { parseListPiece, type JsonListCut } from '../../manifests/json-list-pieces.js';
import { Declined } from './declined.js';
import { decodeRecords, encodeRecords, type EncodedRecords } from './rollout-pod-codec.js';

/** What the records are read for: the SidecarSet, the Namespaces' labels, the namespace of Pods without one. */
export interface RecordContext {
  sidecarSet: SidecarSet;
  namespaces: NamespaceLabels;
  namespace: string;
}

/** One List for the workers (posted to each), read by all the threads together. */
interface ListJob {
  bytes: Uint8Array;
  pieces: [number, number][];
  /** the next piece to take: pieces[claim[0]] (a counter shared by every thread) */
  claim: Int32Array;
  context: RecordContext;
}

/** What a worker posts for each piece it took; last, `done` (it takes no more pieces of this List). */
interface PieceResult {
  piece: number;
  /** undefined when the worker could not read or encode the piece */
  records?: EncodedRecords;
  done?: true;
}

export interface ThreadOptions {
  /** threads in all, this one included */
  threads: number;
  /** the code a worker thread starts with, to run runRolloutWorker(); undefined: this thread reads everything */
  workerCode?: string;
  /** told, once a List is read, how many of its pieces worker threads read (for tests) */
  report?: (pieces: { all: number; byWorkers: number }) => void;
  /** this thread reads only the pieces the workers did not deliver (for tests: the workers then read them all) */
  workersFirst?: boolean;
}

interface StartedWorker {
  worker: Worker;
  /** where it posts its PieceResults */
  results: MessagePort;
  /** it takes no more pieces of the List being read */
  done: boolean;
  /** its thread has stopped (its last messages may still be waiting on `results`) */
  exited: Promise<unknown>;
}

/** The threads that read Lists: start them as soon as a large input is known, stop them once read. */
export class ListReaders {
  private readonly workers: StartedWorker[] = [];

  constructor(private readonly opts: ThreadOptions) {
    if (opts.workerCode === undefined) return;
    for (let k = 1; k < opts.threads; k++) {
      const { port1, port2 } = new MessageChannel();
      try {
        const worker = new Worker(opts.workerCode, {
          eval: true,
          workerData: { results: port2 },
          transferList: [port2],
          stdout: true,
          stderr: true,
        });
        worker.on('error', () => {}); // a thread that stopped: its pieces are read here
        this.workers.push({
          worker,
          results: port1,
          done: false,
          exited: new Promise((resolve) => worker.once('exit', resolve)),
        });
      } catch (err) {
        // a thread that cannot start (no more threads to be had): this one reads its pieces
        if (!(err instanceof Error)) throw err;
        port1.close();
        break;
      }
    }
  }

  /**
   * The records of every item of the List, in order; declines when a piece is not a list of Pods (or a Pod
   * does not read). Throws what podRecordReader throws for the SidecarSet.
   */
  async read(bytes: Uint8Array, cut: JsonListCut, context: RecordContext): Promise<PodRecord[]> {
    const { opts, workers } = this;
    const read = podRecordReader(context.sidecarSet, context.namespaces);
    const { pieces } = cut;
    const records: (PodRecord[] | undefined)[] = new Array(pieces.length);
    const claim = new Int32Array(new SharedArrayBuffer(4));
    if (workers.length > 0) {
      const job: ListJob = {
        bytes: bytes.buffer instanceof SharedArrayBuffer ? bytes : copyToShared(bytes),
        pieces,
        claim,
        context,
      };
      for (const w of workers) {
        w.done = false;
        w.worker.postMessage(job);
      }
    }
    // the very strings the plan compares the Pods' hashes with (see readRolloutPod)
    const annotations = context.sidecarSet.metadata?.annotations ?? {};
    const shared = [
      annotations[SidecarSetHashAnnotation] ?? '',
      annotations[SidecarSetHashWithoutImageAnnotation] ?? '',
    ];
    let byWorkers = 0;
    const take = (w: StartedWorker, { piece, records: encoded, done }: PieceResult) => {
      if (done) w.done = true;
      else if (encoded && records[piece] === undefined) {
        records[piece] = decodeRecords(encoded, shared);
        byWorkers++;
      }
    };
    // what the workers delivered so far, decoded here between two pieces of this thread's own
    const takeDelivered = () => {
      for (const w of workers)
        for (let m = receiveMessageOnPort(w.results); m !== undefined; m = receiveMessageOnPort(w.results))
          take(w, m.message as PieceResult);
    };
    const first = opts.workersFirst && workers.length > 0 ? pieces.length : Atomics.add(claim, 0, 1);
    for (let k = first; k < pieces.length; k = Atomics.add(claim, 0, 1)) {
      if ((records[k] = readPiece(bytes, pieces[k], read, context.namespace)) === undefined)
        throw new Declined(NOT_PODS);
      takeDelivered();
    }
    takeDelivered();
    // the pieces the workers are still reading (a worker that stopped reads none)
    await Promise.all(workers.map((w) => (w.done ? undefined : Promise.race([this.untilDone(w, take), w.exited]))));
    takeDelivered();
    // and what they did not deliver
    const all: PodRecord[] = [];
    for (let k = 0; k < pieces.length; k++) {
      const piece = records[k] ?? readPiece(bytes, pieces[k], read, context.namespace);
      if (piece === undefined) throw new Declined(NOT_PODS);
      for (const r of piece) all.push(r);
    }
    opts.report?.({ all: pieces.length, byWorkers });
    return all;
  }

  /** Stops the workers (without waiting for their threads to end). */
  stop(): void {
    for (const { worker, results } of this.workers) {
      results.close();
      void worker.terminate();
    }
    this.workers.length = 0;
  }

  private untilDone(w: StartedWorker, take: (w: StartedWorker, m: PieceResult) => void): Promise<void> {
    return new Promise((resolve) => {
      const listener = (m: PieceResult) => {
        take(w, m);
        if (!w.done) return;
        w.results.off('message', listener);
        resolve();
      };
      w.results.on('message', listener);
    });
  }
}

const NOT_PODS = 'a piece that is not a list of Pods that read cleanly';

/** The records of one piece, or undefined when it is not a non-empty list of Pods that read cleanly. */
function readPiece(
  bytes: Uint8Array,
  range: [number, number],
  read: (pod: Pod) => PodRecord,
  namespace: string,
): PodRecord[] | undefined {
  const items = parseListPiece(bytes, range);
  if (items === undefined) return undefined;
  const out: PodRecord[] = [];
  try {
    for (const item of items) {
      if (!isPodObject(item)) return undefined;
      out.push(read(asPlannedPod(item, namespace)));
    }
  } catch (err) {
    if (err instanceof SidecarsetError) return undefined; // the whole-text reader reports it, with its place
    throw err;
  }
  return out;
}

// What the whole-text reader takes for a Pod of the core group (kind Pod, apiVersion v1 or another version
// without a group); anything else in the List (configuration, other kinds) is left to it.
function isPodObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const { apiVersion, kind } = v as Record<string, unknown>;
  return kind === 'Pod' && typeof apiVersion === 'string' && apiVersion !== '' && !apiVersion.includes('/');
}

function copyToShared(bytes: Uint8Array): Uint8Array {
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  shared.set(bytes);
  return shared;
}

/**
 * The worker thread's side: for each List posted to it, takes pieces until none is left, and posts each one's
 * records, encoded, then `done`.
 */
export function runRolloutWorker(): void {
  const { results } = workerData as { results: MessagePort };
  parentPort?.on('message', (job: ListJob) => {
    const read = podRecordReader(job.context.sidecarSet, job.context.namespaces);
    for (let k = Atomics.add(job.claim, 0, 1); k < job.pieces.length; k = Atomics.add(job.claim, 0, 1)) {
      const records = readPiece(job.bytes, job.pieces[k], read, job.context.namespace);
      const encoded = records && encodeRecords(records);
      const result: PieceResult = { piece: k, records: encoded };
      results.postMessage(
        result,
        encoded ? [encoded.ints.buffer as ArrayBuffer, encoded.times.buffer as ArrayBuffer] : [],
      );
      if (records === undefined) break; // not a list of Pods: the main thread will find out too, and stop
    }
    const done: PieceResult = { piece: -1, done: true };
    results.postMessage(done);
  });
}
