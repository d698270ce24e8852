// Where plan-rollout's SidecarSet and Pods come from. Today: files, directories and stdin (Pods one by one or
// as `kubectl get pods -A -o yaml|json` Lists; JSON is read with JSON.parse, which 100,000 Pods need). A live
// cluster will be another RolloutSource.
// A large JSON List of Pods, as kubectl prints it, is read in pieces, by several threads (rollout-parallel.ts),
// straight into the plan's Pod records. Whatever that way cannot take (no such List, a piece that is not a
// list of Pods, an input error anywhere) is read again the one way that reports every error: all documents in
// input order, then the Pods given to the plan as objects.
import { open,readFile,stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { SidecarsetError,UsageError } from '../errors.js';
import type { Pod } from '../k8s/api.js';
import type { SidecarSet } from '../kruise/apis/types.js';
import { asPlannedPod,podRecordReader } from '../kruise/rollout/pod-record.js';
import { type PodRecord } from '../kruise/rollout/types.js';
import { cutJsonList,type JsonListCut } from '../manifests/json-list-pieces.js';
import { jsonDocuments,readInputDocuments,toManifestDocument,type InputDocument } from '../manifests/json-source.js';
import { apiGroup,locatePodTemplate } from '../manifests/pod-template.js';
import type { ManifestDocument } from '../manifests/read.js';
import { parseSourceText,resolveSources,STDIN_SOURCE } from '../manifests/read.js';
import { buildConfiguration,where } from './configuration.js';
import { objectRef } from './inject.js';
import type { ListReaders,ThreadOptions } from './rollout-parallel.js';
import { bundleWorkerCode } from './worker-code.js';

export interface RolloutInputs {
  /** as Kruise stores it: defaulted and re-hashed from a file (unless --keep-hash), as is from a cluster */
  sidecarSet: SidecarSet;
  /** the Pods as they are now, in input order, each with a namespace: the objects, or their plan records */
  pods: Pod[] | { records: PodRecord[] };
  /** Namespace name -> labels, for spec.namespaceSelector */
  namespaces: Map<string, Record<string, string>>;
  /** for the user, on stderr */
  notes: string[];
}

export interface RolloutSource {
  load(): Promise<RolloutInputs>;
}

export interface FileRolloutSourceOptions {
  filenames: string[];
  recursive: boolean;
  stdin: Readable;
  keepHash: boolean;
  /** the namespace of objects that do not name one */
  namespace: string;
  /** for KUBECTL_SIDECARSET_THREADS */
  env: Record<string, string | undefined>;
  /** how large JSON Lists are read in pieces (tests make small inputs take that way) */
  pieces?: PieceOptions;
}

export interface PieceOptions {
  /** a JSON List at least this long (bytes) is read in pieces */
  minBytes?: number;
  /** about this long */
  pieceBytes?: number;
  /** the code worker threads start with (see bundleWorkerCode) */
  workerCode?: string;
  /** see ThreadOptions (rollout-parallel.ts) */
  report?: ThreadOptions['report'];
  workersFirst?: boolean;
}

/** Below this, one JSON.parse of the whole text is as quick. */
const PIECES_MIN_BYTES = 1 << 20;

export function fileRolloutSource(opts: FileRolloutSourceOptions): RolloutSource {
  return {
    async load(): Promise<RolloutInputs> {
      // (a path that does not resolve is reported below, before standard input is read)
      const files = await resolveSources(opts.filenames, opts.recursive).catch(() => undefined);
      const stdin = files?.includes('-') ? await readWholeStream(opts.stdin) : undefined;
      try {
        const inPieces = files && (await loadWithListsInPieces(opts, files, stdin));
        if (inPieces) return inPieces;
      } catch {
        // read again below, the way that says what is wrong
      }
      const docs = readInputDocuments(opts.filenames, { recursive: opts.recursive, stdin: stdin ? replay(stdin) : opts.stdin });
      const read = new InputsReader(opts);
      for await (const doc of docs) read.add(doc);
      const inputs = read.finish();
      return { ...inputs, pods: read.pods };
    },
  };
}

/** The documents of the inputs sorted as plan-rollout takes them: Pods, configuration, the rest (ignored). */
class InputsReader {
  readonly pods: Pod[] = [];
  private readonly config: ManifestDocument[] = [];
  private readonly sidecarSets: ManifestDocument[] = [];
  private readonly ignored: string[] = [];

  constructor(private readonly opts: FileRolloutSourceOptions) {}

  add(doc: InputDocument): void {
    const obj = doc.object;
    if (obj.kind === 'Pod' && apiGroup(obj.apiVersion) === '') {
      try {
        this.pods.push(asPlannedPod(obj, this.opts.namespace));
      } catch (err) {
        if (err instanceof SidecarsetError) throw err.at({ source: doc.source, document: doc.index });
        throw err;
      }
    } else if (locatePodTemplate(obj, this.opts.namespace) === 'config') {
      const md = toManifestDocument(doc);
      this.config.push(md);
      if (obj.kind === 'SidecarSet') this.sidecarSets.push(md);
    } else this.ignored.push(objectRef(obj));
  }

  finish(): Omit<RolloutInputs, 'pods'> {
    const { sidecarSets, ignored } = this;
    if (sidecarSets.length !== 1) {
      const found = sidecarSets.map((md) => `${nameOf(md)} (${where(md)})`).join(', ');
      throw new UsageError(
        sidecarSets.length === 0
          ? 'plan-rollout needs one SidecarSet among the inputs (-f), and found none'
          : `plan-rollout plans one SidecarSet at a time; the inputs hold ${sidecarSets.length}: ${found}`,
      );
    }
    const built = buildConfiguration(this.config, this.opts.keepHash);
    const notes = [...built.notes];
    if (ignored.length > 0) {
      const shown = ignored.slice(0, 5).join(', ') + (ignored.length > 5 ? ` and ${ignored.length - 5} more` : '');
      notes.push(`ignored ${ignored.length} object${ignored.length === 1 ? '' : 's'} that ${ignored.length === 1 ? 'is' : 'are'} neither a Pod nor configuration: ${shown}`);
    }
    return { sidecarSet: built.sidecarSets[0], namespaces: built.namespaces, notes };
  }
}

function nameOf(md: ManifestDocument): string {
  return String((md.object.metadata as { name?: string } | undefined)?.name ?? '<unnamed>');
}

// ---- large JSON Lists in pieces ----

/** A JSON List of Pods cut into pieces, which comes after the first `pods` Pods of the other inputs. */
interface Part {
  bytes: Uint8Array;
  cut: JsonListCut;
  pods: number;
}

/**
 * The inputs read with their large JSON Lists in pieces; undefined when there is none. Throws on anything
 * wrong in the inputs (without saying it well: the caller reads them again the ordinary way).
 */
async function loadWithListsInPieces(opts: FileRolloutSourceOptions, files: string[], stdin: WholeStream | undefined): Promise<RolloutInputs | undefined> {
  const minBytes = opts.pieces?.minBytes ?? PIECES_MIN_BYTES;
  const sizes = await Promise.all(files.map(async (f) => (f === '-' ? stdin!.bytes!.length : (await stat(f)).size)));
  if (!sizes.some((size) => size >= minBytes)) return undefined;

  const parallel = await import('./rollout-parallel.js');
  const threads = parallel.threadCount(opts.env);
  // the worker threads start loading now, while this one reads the inputs
  const readers = new parallel.ListReaders({ ...opts.pieces, threads, workerCode: opts.pieces?.workerCode ?? bundleWorkerCode('runRolloutWorker') });
  try {
    // every input read, and the large JSON Lists cut, before anything is parsed: without a List to cut, the
    // ordinary way parses them (once)
    const texts: { source: string; bytes: Uint8Array; cut?: JsonListCut }[] = [];
    for (let k = 0; k < files.length; k++) {
      const bytes = files[k] === '-' ? stdin!.bytes! : await readBytes(files[k], sizes[k] >= minBytes && threads > 1);
      const cut = bytes.length >= minBytes ? cutJsonList(bytes, opts.pieces?.pieceBytes ?? pieceBytes(bytes.length, threads)) : undefined;
      texts.push({ source: files[k] === '-' ? STDIN_SOURCE : files[k], bytes, cut });
    }
    if (!texts.some((t) => t.cut)) return undefined;
    return await readInPieces(opts, texts, readers);
  } finally {
    readers.stop();
  }
}

async function readInPieces(opts: FileRolloutSourceOptions, texts: { source: string; bytes: Uint8Array; cut?: JsonListCut }[], readers: ListReaders): Promise<RolloutInputs | undefined> {
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
    const listed = await readers.read(part.bytes, part.cut, context);
    if (listed === undefined) return undefined;
    for (const r of listed) records.push(r);
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

/** A file's bytes; in memory that worker threads can share when `shared`. */
async function readBytes(file: string, shared: boolean): Promise<Uint8Array> {
  if (!shared) return readFile(file);
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    // two halves at once: most of the time goes to the kernel filling fresh memory, which two threads share
    const half = Math.ceil(size / 2);
    const read = async (from: number, to: number): Promise<boolean> => {
      for (let at = from, n = -1; at < to; at += n) if ((n = (await handle.read(bytes, at, to - at, at)).bytesRead) === 0) return false;
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

/** Standard input read once, for both ways of reading the inputs: its bytes, or how reading it failed. */
interface WholeStream {
  bytes?: Buffer;
  error?: unknown;
}

async function readWholeStream(stream: Readable): Promise<WholeStream> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  } catch (error) {
    return { error };
  }
  return { bytes: Buffer.concat(chunks) };
}

/** Standard input again, as it was read: the same bytes, or the same failure. */
function replay(stdin: WholeStream): Readable {
  if (stdin.error !== undefined) {
    return new Readable({
      read() {
        this.destroy(stdin.error as Error);
      },
    });
  }
  return Readable.from([stdin.bytes!]);
}
