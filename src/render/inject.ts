// The inject pipeline: read every input, gather the configuration, inject into each pod template in input
// order, and write the documents out as they are done (to stdout here; per input file, all or nothing, in
// ./files.ts).
import type { Readable } from 'node:stream';
import type { Output } from '../cli/io.js';
import { SidecarsetError } from '../errors.js';
import { injectPod, type SidecarSetInjection, type SidecarSetSkip } from '../kruise/inject/index.js';
import { parseSourceText, readManifests, readSourceTexts, type ManifestDocument, type ReadOptions, type SourceText } from '../manifests/read.js';
import { isPodTemplateLocation, locatePodTemplate, namespaceOf, apiGroup } from '../manifests/pod-template.js';
import { createWriter, patchDocument } from '../manifests/write.js';
import { buildConfiguration, placed, type InjectionConfiguration } from './configuration.js';
import { StreamedOutput } from './streamed-output.js';
import { bundleWorkerCode } from './worker-code.js';
import { podFromTemplate, templateMetadata } from './pod-template.js';

export interface InjectOptions {
  filenames: string[];
  sidecarSetPaths: string[];
  recursive: boolean;
  output: 'yaml' | 'json';
  namespace: string;
  keepHash: boolean;
  quiet: boolean;
  /** RFC 3339 time Kruise would read from its clock */
  now: string;
}

export interface ObjectReport {
  /** kubectl-style reference, e.g. deployment.apps/nginx */
  ref: string;
  namespace: string;
  source: string;
  document: number;
  injected: SidecarSetInjection[];
  skipped: SidecarSetSkip[];
  /** set when the object looks like a workload of a kind we do not know */
  unknownKind?: string;
  changed: boolean;
}

export interface InjectOutcome {
  objects: ObjectReport[];
  notes: string[];
}

/** Documents read, configuration gathered and every pod template injected: what any output mode writes out. */
export interface RenderedInputs extends InjectOutcome {
  /** the -f documents in input order, patched in place (configuration documents unchanged) */
  docs: ManifestDocument[];
}

/** Reads every input, gathers the configuration and injects into each document; writes nothing. */
export async function renderInputs(options: InjectOptions, stdin: Readable): Promise<RenderedInputs> {
  const read = { recursive: options.recursive, stdin };
  const configDocs = await readConfigurationDocs(options, read);
  const docs = await collect(readManifests(options.filenames, read));
  const config = injectionConfiguration(configDocs, docs, options);
  const objects: ObjectReport[] = [];
  for (const md of docs) {
    const report = renderDocument(md, config, options);
    if (report) objects.push(report);
  }
  return { docs, objects, notes: config.notes };
}

/** The documents as one YAML stream or JSON text, exactly as the stdout mode prints them. */
export function renderText(docs: ManifestDocument[], format: 'yaml' | 'json'): string {
  const chunks: string[] = [];
  const writer = createWriter(format, (chunk) => chunks.push(chunk));
  for (const md of docs) writer.write(md);
  writer.end();
  return chunks.join('');
}

/**
 * The default mode: everything rendered to stdout, each document written as soon as it is done (gathered into
 * writes of ./streamed-output.ts's size). Documents are parsed, injected and rendered one at a time, so memory
 * holds the input text but only one parsed document — except sources that may carry configuration, which are
 * parsed first because every document needs it. Every input is read, and the configuration gathered, before
 * the first document is written: an unreadable file or a bad SidecarSet leaves stdout empty. A document that
 * fails stops the command there, like `kubectl apply` stops at an object it cannot decode: the documents before
 * it are out; `-o json` is then an unfinished List, which no JSON reader accepts.
 */
export async function injectManifests(
  options: InjectOptions,
  io: { stdin: Readable; stdout: Output },
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
  for (const src of sources) if (mayCarryConfiguration(src.text)) parsedFirst.set(src, await collect(parseSourceText(src)));
  const config = injectionConfiguration(configDocs, [...parsedFirst.values()].flat(), options);

  const out = new StreamedOutput(io.stdout);
  const objects = await renderInThreads(sources, parsedFirst.size === 0 ? config : undefined, options, out);
  if (objects) return { objects, notes: config.notes };

  out.restart(); // the threads may have written part of it
  const writer = createWriter(options.output, out.add);
  const reports: ObjectReport[] = [];
  for (const src of sources) {
    for await (const md of parsedFirst.get(src) ?? parseSourceText(src)) {
      const report = renderDocument(md, config, options);
      if (report) reports.push(report);
      writer.write(md);
      await out.flushIfFull();
    }
  }
  writer.end();
  await out.flush();
  return { objects: reports, notes: config.notes };
}

/**
 * A large YAML input (no configuration among it) rendered by several threads (./inject-parallel.ts), written to
 * `out` as it is done; the reports, or undefined when it is small, when one thread is all there is, when not
 * running from the bundled CLI, or when anything failed: then the caller renders it in this thread, errors
 * included.
 */
async function renderInThreads(
  sources: SourceText[],
  config: InjectionConfiguration | undefined,
  options: InjectOptions,
  out: StreamedOutput,
): Promise<ObjectReport[] | undefined> {
  const code = bundleWorkerCode('runInjectWorker');
  if (config === undefined || code === undefined || options.output !== 'yaml') return undefined;
  const parallel = await import('./inject-parallel.js');
  if (sources.reduce((n, s) => n + s.text.length, 0) < parallel.PARALLEL_MIN_BYTES) return undefined;
  const shares = parallel.shareSources(sources, parallel.threadCount());
  return shares && (await parallel.renderShares(shares, config, options, code, out));
}

// Conservative: any mention of a configuration kind makes the source parsed up front.
const CONFIGURATION_KIND = /kind["']?\s*:\s*["']?(?:SidecarSet|Namespace|ControllerRevision|ConfigMap)\b/;

function mayCarryConfiguration(text: string): boolean {
  return CONFIGURATION_KIND.test(text);
}

/** The --sidecarsets documents, which must all be configuration. */
export async function readConfigurationDocs(options: InjectOptions, read: ReadOptions): Promise<ManifestDocument[]> {
  const docs = await collect(readManifests(options.sidecarSetPaths, read));
  for (const md of docs) {
    if (locatePodTemplate(md.object, options.namespace) !== 'config') {
      throw new SidecarsetError(
        `--sidecarsets takes SidecarSets, Namespaces, ControllerRevisions and the kruise-configuration ConfigMap; this is a ${String(md.object.kind)}`,
        { source: md.source, document: md.index },
      );
    }
  }
  return docs;
}

/** The configuration from the --sidecarsets documents and the configuration among the -f documents given. */
function injectionConfiguration(configDocs: ManifestDocument[], candidates: ManifestDocument[], options: InjectOptions): InjectionConfiguration {
  const fromInputs = candidates.filter((md) => locatePodTemplate(md.object, options.namespace) === 'config');
  return buildConfiguration([...configDocs, ...fromInputs], options.keepHash);
}

/** Injects into one document (patched in place); its report, or undefined for an object without pods. */
export function renderDocument(md: ManifestDocument, config: InjectionConfiguration, options: InjectOptions): ObjectReport | undefined {
  const located = locatePodTemplate(md.object, options.namespace);
  const namespace = namespaceOf(md.object, options.namespace);
  const base = { ref: objectRef(md.object), namespace, source: md.source, document: md.index, injected: [], skipped: [], changed: false };
  if (located === 'unknown-workload') return { ...base, unknownKind: `${String(md.object.apiVersion)} ${String(md.object.kind)}` };
  if (!isPodTemplateLocation(located)) return undefined;
  try {
    const pod = podFromTemplate(md.object, located, namespace);
    const outcome = injectPod(pod, {
      sidecarSets: config.sidecarSets,
      namespaces: config.namespaces,
      revisions: config.revisions,
      now: options.now,
    });
    const unknown = outcome.skipped.find((s) => s.reason === 'NamespaceLabelsUnknown');
    if (unknown) {
      throw new SidecarsetError(
        `SidecarSet ${unknown.sidecarSet} selects namespaces by label, and the labels of namespace "${namespace}" are unknown: ` +
          `${unknown.detail}; pass the Namespace object with -f or --sidecarsets`,
      );
    }
    if (outcome.changed) {
      patchDocument(md, located.metadataPath, templateMetadata(md.object, located, outcome.pod));
      patchDocument(md, located.specPath, outcome.pod.spec);
    }
    return { ...base, injected: outcome.injected, skipped: outcome.skipped, changed: outcome.changed };
  } catch (err) {
    throw placed(err, md);
  }
}

/** deployment.apps/nginx, pod/web-0 — as kubectl names objects. */
export function objectRef(object: Record<string, unknown>): string {
  const kind = String(object.kind ?? 'object').toLowerCase();
  const group = apiGroup(object.apiVersion);
  const meta = (object.metadata ?? {}) as { name?: string; generateName?: string };
  const name = meta.name ?? (meta.generateName ? `${meta.generateName}*` : '<unnamed>');
  return `${kind}${group ? `.${group}` : ''}/${name}`;
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
