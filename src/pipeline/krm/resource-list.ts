// The KRM function: a ResourceList in (kpt, kustomize --enable-exec), the same ResourceList out with every
// item injected by the inject pipeline itself, and `results` saying what was injected, what was not and why.
// A ResourceList is a List to our reader, so its items are read, injected and written back in place, with
// their comments and their config.kubernetes.io / internal.config.kubernetes.io annotations untouched.
import type { Readable } from 'node:stream';
import { parseDocument, type Document } from 'yaml';
import { SidecarsetError } from '../../errors.js';
import type { SidecarSetSkip } from '../../kruise/inject/index.js';
import { objectRef } from '../../manifests/object-ref.js';
import { namespaceOf } from '../../manifests/pod-template.js';
import type { ManifestDocument } from '../../manifests/types.js';
import { renderText, yamlWriter } from '../../manifests/writers.js';
import type { ObjectReport } from '../inject-document.js';
import { injectInputs } from '../inject.js';
import { readFunctionConfig } from './function-config.js';

export type Severity = 'error' | 'warning' | 'info';

/** One entry of the ResourceList's `results` (kpt's result format, which kustomize also reads). */
export interface FunctionResult {
  message: string;
  severity: Severity;
  resourceRef?: { apiVersion: string; kind: string; name: string; namespace?: string };
  file?: { path: string; index?: number };
  tags?: Record<string, string>;
}

export interface FunctionRun {
  /** the ResourceList to print */
  text: string;
  results: FunctionResult[];
  /** an error result was produced: the function exits 1 */
  failed: boolean;
}

export interface FunctionContext {
  /** where relative paths of functionConfig start */
  baseDir: string;
  /** RFC 3339 time written as the injection time (SOURCE_DATE_EPOCH); undefined: each SidecarSet's own */
  now?: string;
}

const PATH_ANNOTATIONS = ['internal.config.kubernetes.io/path', 'config.kubernetes.io/path'];
const INDEX_ANNOTATIONS = ['internal.config.kubernetes.io/index', 'config.kubernetes.io/index'];

export async function runResourceList(input: string, ctx: FunctionContext): Promise<FunctionRun> {
  let doc: Document;
  try {
    doc = parseDocument(input, { version: '1.1' });
    if (doc.errors.length > 0) throw new SidecarsetError(`the input is not YAML: ${doc.errors[0].message}`);
    const list = doc.toJS() as Record<string, unknown> | null;
    if (!list || list.kind !== 'ResourceList' || !Array.isArray(list.items ?? [])) {
      throw new SidecarsetError('expected a ResourceList (config.kubernetes.io/v1) on standard input');
    }
    const options = readFunctionConfig(list.functionConfig, ctx.baseDir);
    if (((list.items as unknown[] | undefined) ?? []).length === 0) {
      return withResults(doc, [{ message: 'no items', severity: 'info' }]);
    }
    const rendered = await injectInputs(
      { ...options, filenames: ['-'], now: ctx.now },
      (await import('node:stream')).Readable.from([input]), // node:stream on first use: start-up never needs it
    );
    const results = [
      ...rendered.notes.map((message): FunctionResult => ({ message, severity: 'info' })),
      ...objectResults(rendered.docs, rendered.objects, options.namespace),
    ];
    const origin = rendered.docs[0].origin;
    appendResults(origin.doc, results);
    origin.changed = true;
    return { text: renderText(rendered.docs, yamlWriter), results, failed: false };
  } catch (err) {
    if (!(err instanceof SidecarsetError)) throw err;
    // the input goes back unchanged, with the error as a result
    const failed = withResults(parseDocument(input, { version: '1.1' }), [
      { message: err.fieldMessage, severity: 'error' },
    ]);
    return { ...failed, failed: true };
  }
}

function withResults(doc: Document, results: FunctionResult[]): FunctionRun {
  appendResults(doc, results);
  return { text: doc.toString({ lineWidth: 0 }), results, failed: results.some((r) => r.severity === 'error') };
}

function appendResults(doc: Document, results: FunctionResult[]): void {
  const earlier = doc.get('results');
  const previous =
    earlier && typeof earlier === 'object' && 'toJSON' in earlier
      ? ((earlier as { toJSON(): unknown }).toJSON() as unknown[])
      : [];
  doc.set('results', doc.createNode([...(Array.isArray(previous) ? previous : []), ...results]));
}

/** Results for each pod-bearing item, matched to its item by kind, name and namespace, in input order. */
function objectResults(docs: ManifestDocument[], objects: ObjectReport[], defaultNamespace: string): FunctionResult[] {
  const unused = new Set(docs);
  const out: FunctionResult[] = [];
  for (const report of objects) {
    const md = docs.find(
      (d) =>
        unused.has(d) &&
        objectRef(d.object) === report.ref &&
        namespaceOf(d.object, defaultNamespace) === report.namespace,
    );
    if (md) unused.delete(md);
    const where = md ? locate(md.object) : {};
    const of = (severity: Severity, message: string, tags: Record<string, string>): FunctionResult => ({
      message,
      severity,
      ...where,
      tags,
    });
    if (report.unknownKind) {
      out.push(
        of('warning', `not injected: UnknownPodTemplateKind (${report.unknownKind})`, {
          reason: 'UnknownPodTemplateKind',
        }),
      );
      continue;
    }
    for (const f of report.excluded?.findings ?? [])
      out.push(of('info', `not injected: ${f.code} (${f.message})`, { reason: f.code }));
    for (const inj of report.injected) {
      const names = [...inj.initContainers.map((n) => `init:${n}`), ...inj.containers].join(', ');
      const rev = inj.revision ? ` (revision ${inj.revision})` : '';
      out.push(
        of('info', `injected ${inj.sidecarSet}${rev}: ${names}`, { sidecarSet: inj.sidecarSet, reason: 'Injected' }),
      );
    }
    for (const skip of report.skipped) {
      out.push(
        of(skipSeverity(skip), `not injected ${skip.sidecarSet}: ${skip.reason} (${skip.detail})`, {
          sidecarSet: skip.sidecarSet,
          reason: skip.reason,
        }),
      );
    }
    if (report.injected.length === 0 && report.skipped.length === 0) {
      out.push(
        of('warning', 'not injected: NoSidecarSets (no SidecarSet among the inputs)', { reason: 'NoSidecarSets' }),
      );
    }
  }
  return out;
}

/** A selector that does not match is the normal case; a SidecarSet that cannot inject at all deserves a look. */
function skipSeverity(skip: SidecarSetSkip): Severity {
  switch (skip.reason) {
    case 'Paused':
    case 'InactiveSidecarSet':
    case 'InactivePod':
      return 'warning';
    default:
      return 'info';
  }
}

function locate(object: Record<string, unknown>): Pick<FunctionResult, 'resourceRef' | 'file'> {
  const meta = (object.metadata ?? {}) as { name?: string; namespace?: string; annotations?: Record<string, string> };
  const annotations = meta.annotations ?? {};
  const resourceRef = {
    apiVersion: String(object.apiVersion),
    kind: String(object.kind),
    name: meta.name ?? '',
    ...(meta.namespace ? { namespace: meta.namespace } : {}),
  };
  const file = PATH_ANNOTATIONS.map((a) => annotations[a]).find((p) => p !== undefined);
  const index = INDEX_ANNOTATIONS.map((a) => annotations[a]).find((i) => i !== undefined);
  return {
    resourceRef,
    ...(file
      ? { file: { path: file, ...(index !== undefined && /^\d+$/.test(index) ? { index: Number(index) } : {}) } }
      : {}),
  };
}
