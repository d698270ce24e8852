// Where plan-rollout's SidecarSet and Pods come from. Today: files, directories and stdin (Pods one by one or
// as `kubectl get pods -A -o yaml|json` Lists; JSON is read with JSON.parse, which 100,000 Pods need). A live
// cluster will be another RolloutSource.
// The way is forward: the sources are resolved, each is read once (./../manifests/sources.ts SourceBytes), and
// then either a large JSON List of Pods is read in pieces by several threads (./parallel/rollout-pieces.ts), or,
// when that way declines, every document is read in input order, the way that reports every error.
import type { KruiseProfile } from '../kruise/apis/version.js';
import type { Readable } from 'node:stream';
import { documentsOf } from '../manifests/json-source.js';
import { resolveSources, SourceBytes, STDIN_SOURCE } from '../manifests/sources.js';
import { decodeUtf8 } from '../manifests/utf8.js';
import { unlessDeclined } from './parallel/declined.js';
import type { PieceOptions } from './parallel/rollout-pieces.js';
import { InputsReader, type RolloutInputs } from './rollout-documents.js';

export type { RolloutInputs } from './rollout-documents.js';
export type { PieceOptions } from './parallel/rollout-pieces.js';

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
  /** the Kruise release and feature gates modelled */
  profile: KruiseProfile;
  /** how large JSON Lists are read in pieces (tests make small inputs take that way) */
  pieces?: PieceOptions;
}

export function fileRolloutSource(opts: FileRolloutSourceOptions): RolloutSource {
  return {
    async load(): Promise<RolloutInputs> {
      const files = await resolveSources(opts.filenames, opts.recursive);
      const bytes = new SourceBytes(opts.stdin);
      const inPieces = await unlessDeclined(async () =>
        (await import('./parallel/rollout-pieces.js')).readListsInPieces(opts, files, bytes),
      );
      if (inPieces) return inPieces;
      const read = new InputsReader(opts);
      for (const file of files) {
        const source = file === '-' ? STDIN_SOURCE : file;
        for await (const doc of documentsOf(source, textOf(source, await bytes.bytes(file)))) read.add(doc);
      }
      return { ...read.finish(), pods: read.pods };
    },
  };
}

/** A source's text as the general reader takes it: decoded (a BOM dropped), bytes that are not UTF-8 refused. */
function textOf(source: string, bytes: Uint8Array): string {
  const own = bytes.buffer instanceof SharedArrayBuffer ? Buffer.from(bytes) : bytes; // TextDecoder takes no shared memory
  return decodeUtf8(own, source);
}
