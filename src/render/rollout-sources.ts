// Where plan-rollout's SidecarSet and Pods come from. Today: files, directories and stdin (Pods one by one or
// as `kubectl get pods -A -o yaml|json` Lists; JSON is read with JSON.parse, which 100,000 Pods need). A live
// cluster will be another RolloutSource.
import type { Readable } from 'node:stream';
import { SidecarsetError, UsageError } from '../errors.js';
import type { Pod, SidecarSet } from '../kruise/api.js';
import { readInputDocuments, toManifestDocument, type InputDocument } from '../manifests/json-source.js';
import type { ManifestDocument } from '../manifests/read.js';
import { apiGroup, locatePodTemplate } from '../manifests/pod-template.js';
import { buildConfiguration, where } from './configuration.js';
import { objectRef } from './inject.js';

export interface RolloutInputs {
  /** as Kruise stores it: defaulted and re-hashed from a file (unless --keep-hash), as is from a cluster */
  sidecarSet: SidecarSet;
  /** the Pods as they are now, in input order, each with a namespace */
  pods: Pod[];
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
}

export function fileRolloutSource(opts: FileRolloutSourceOptions): RolloutSource {
  return {
    async load(): Promise<RolloutInputs> {
      const config: ManifestDocument[] = [];
      const sidecarSets: ManifestDocument[] = [];
      const pods: Pod[] = [];
      const ignored: string[] = [];
      for await (const doc of readInputDocuments(opts.filenames, { recursive: opts.recursive, stdin: opts.stdin })) {
        const obj = doc.object;
        if (obj.kind === 'Pod' && apiGroup(obj.apiVersion) === '') pods.push(readPod(doc, opts.namespace));
        else if (locatePodTemplate(obj, opts.namespace) === 'config') {
          const md = toManifestDocument(doc);
          config.push(md);
          if (obj.kind === 'SidecarSet') sidecarSets.push(md);
        } else ignored.push(objectRef(obj));
      }
      if (sidecarSets.length !== 1) {
        const found = sidecarSets.map((md) => `${nameOf(md)} (${where(md)})`).join(', ');
        throw new UsageError(
          sidecarSets.length === 0
            ? 'plan-rollout needs one SidecarSet among the inputs (-f), and found none'
            : `plan-rollout plans one SidecarSet at a time; the inputs hold ${sidecarSets.length}: ${found}`,
        );
      }
      const built = buildConfiguration(config, opts.keepHash);
      const notes = [...built.notes];
      if (ignored.length > 0) {
        const shown = ignored.slice(0, 5).join(', ') + (ignored.length > 5 ? ` and ${ignored.length - 5} more` : '');
        notes.push(`ignored ${ignored.length} object${ignored.length === 1 ? '' : 's'} that ${ignored.length === 1 ? 'is' : 'are'} neither a Pod nor configuration: ${shown}`);
      }
      return { sidecarSet: built.sidecarSets[0], pods, namespaces: built.namespaces, notes };
    },
  };
}

function nameOf(md: ManifestDocument): string {
  return String((md.object.metadata as { name?: string } | undefined)?.name ?? '<unnamed>');
}

function readPod(md: InputDocument, defaultNamespace: string): Pod {
  const obj = md.object;
  const metadata = obj.metadata;
  const spec = obj.spec as { containers?: unknown } | undefined;
  if (typeof metadata !== 'object' || metadata === null || typeof spec !== 'object' || spec === null || !Array.isArray(spec.containers)) {
    throw new SidecarsetError('a Pod needs metadata and spec.containers', { field: 'spec.containers' }).at({ source: md.source, document: md.index });
  }
  const meta = metadata as Pod['metadata'];
  return { ...(obj as unknown as Pod), metadata: meta.namespace ? meta : { ...meta, namespace: defaultNamespace } };
}
