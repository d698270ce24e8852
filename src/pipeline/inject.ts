// The inject pipeline: read every input, gather the configuration, inject into each pod template in input
// order (./inject-document.ts), and write the documents out as they are done with the printer the command chose
// (here to a stream; per input file, all or nothing, in ./inject-files.ts).
import type { Readable } from 'node:stream';
import { SidecarsetError } from '../errors.js';
import { parseSourceText, readManifests } from '../manifests/documents.js';
import type { Output } from '../manifests/output.js';
import { locatePodTemplate } from '../manifests/pod-template.js';
import { readSourceTexts, type ReadOptions, type SourceText } from '../manifests/sources.js';
import type { ManifestDocument } from '../manifests/types.js';
import { yamlWriter, type WriterFactory } from '../manifests/writers.js';
import { buildConfiguration, type InjectionConfiguration } from './configuration.js';
import { injectDocument, type DocumentOptions, type ObjectReport } from './inject-document.js';
import { Declined, unlessDeclined } from './parallel/declined.js';
import { bundleWorkerCode } from './parallel/worker-code.js';
import { StreamedOutput } from './streamed-output.js';

export interface InjectOptions extends DocumentOptions {
  filenames: string[];
  sidecarSetPaths: string[];
  recursive: boolean;
  keepHash: boolean;
}

export interface InjectOutcome {
  objects: ObjectReport[];
  notes: string[];
}

/** Documents read, configuration gathered and every pod template injected: what any output mode writes out. */
export interface InjectedInputs extends InjectOutcome {
  /** the -f documents in input order, patched in place (configuration documents unchanged) */
  docs: ManifestDocument[];
}

/** Reads every input, gathers the configuration and injects into each document; writes nothing. */
export async function injectInputs(options: InjectOptions, stdin: Readable): Promise<InjectedInputs> {
  const read = { recursive: options.recursive, stdin };
  const configDocs = await readConfigurationDocs(options, read);
  const docs = await collect(readManifests(options.filenames, read));
  const config = injectionConfiguration(configDocs, docs, options);
  const objects: ObjectReport[] = [];
  for (const md of docs) {
    const report = injectDocument(md, config, options);
    if (report) objects.push(report);
  }
  return { docs, objects, notes: config.notes };
}

/**
 * The default mode: everything injected and printed to a stream, each document written as soon as it is done
 * (gathered into writes of ./streamed-output.ts's size). Documents are parsed, injected and rendered one at a
 * time, so memory holds the input text but only one parsed document — except sources that may carry
 * configuration, which are parsed first because every document needs it. Every input is read, and the
 * configuration gathered, before the first document is written: an unreadable file or a bad SidecarSet leaves
 * stdout empty. A document that fails stops the command there, like `kubectl apply` stops at an object it cannot
 * decode: the documents before it are out; `-o json` is then an unfinished List, which no JSON reader accepts.
 */
export async function injectToStream(
  options: InjectOptions,
  io: { stdin: Readable; stdout: Output; writer: WriterFactory },
): Promise<InjectOutcome> {
  const read = {
    recursive: options.recursive,
    get stdin() {
      return io.stdin; // touched only when an input is `-`
    },
  };
  const configDocs = await readConfigurationDocs(options, read);
  const sources = await readSourceTexts(options.filenames, read);
  const parsedFirst = new Map<SourceText, ManifestDocument[]>();
  for (const src of sources)
    if (mayCarryConfiguration(src.text)) parsedFirst.set(src, await collect(parseSourceText(src)));
  const config = injectionConfiguration(configDocs, [...parsedFirst.values()].flat(), options);

  const out = new StreamedOutput(io.stdout);
  // Threads only for a YAML stream without configuration among it: their shares are joined as YAML documents.
  if (parsedFirst.size === 0 && io.writer === yamlWriter) {
    const objects = await unlessDeclined(() => injectInThreads(sources, config, options, out));
    if (objects) return { objects, notes: config.notes };
    out.restart(); // the threads may have written part of it
  }
  const writer = io.writer(out.add);
  const reports: ObjectReport[] = [];
  for (const src of sources) {
    for await (const md of parsedFirst.get(src) ?? parseSourceText(src)) {
      const report = injectDocument(md, config, options);
      if (report) reports.push(report);
      writer.write(md);
      await out.flushIfFull();
    }
  }
  writer.end();
  await out.flush();
  return { objects: reports, notes: config.notes };
}

/** A large input injected by several threads (./parallel/inject-parallel.ts), when running from the bundled CLI. */
async function injectInThreads(
  sources: SourceText[],
  config: InjectionConfiguration,
  options: InjectOptions,
  out: StreamedOutput,
): Promise<ObjectReport[]> {
  const code = bundleWorkerCode('runInjectWorker');
  if (code === undefined) throw new Declined('not running from the bundled CLI');
  const parallel = await import('./parallel/inject-parallel.js');
  return parallel.injectInThreads(
    sources,
    config,
    { namespace: options.namespace, now: options.now, profile: options.profile },
    code,
    out,
  );
}

// Conservative: any mention of a configuration kind makes the source parsed up front.
const CONFIGURATION_KIND =
  /kind["']?\s*:\s*["']?(?:SidecarSet|Namespace|ControllerRevision|ConfigMap|MutatingWebhookConfiguration)\b/;

function mayCarryConfiguration(text: string): boolean {
  return CONFIGURATION_KIND.test(text);
}

/** The --sidecarsets documents, which must all be configuration. */
export async function readConfigurationDocs(options: InjectOptions, read: ReadOptions): Promise<ManifestDocument[]> {
  const docs = await collect(readManifests(options.sidecarSetPaths, read));
  for (const md of docs) {
    if (locatePodTemplate(md.object, options.namespace) !== 'config') {
      throw new SidecarsetError(
        `--sidecarsets takes SidecarSets, Namespaces, ControllerRevisions, the kruise-configuration ConfigMap and the kruise-mutating-webhook-configuration; this is a ${String(md.object.kind)}`,
        { source: md.source, document: md.index },
      );
    }
  }
  return docs;
}

/** The configuration from the --sidecarsets documents and the configuration among the -f documents given. */
function injectionConfiguration(
  configDocs: ManifestDocument[],
  candidates: ManifestDocument[],
  options: InjectOptions,
): InjectionConfiguration {
  const fromInputs = candidates.filter((md) => locatePodTemplate(md.object, options.namespace) === 'config');
  return buildConfiguration([...configDocs, ...fromInputs], options.keepHash, options.profile);
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
