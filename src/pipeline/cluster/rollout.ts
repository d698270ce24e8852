// plan-rollout against the live Pods: `plan-rollout NAME` plans the cluster's SidecarSet (as stored, its
// hashes kept), `plan-rollout -f new.yaml --live` plans the file's version. Pods are listed page by page
// (limit/continue) and each page is read into the plan's compact records before the next is asked for, so
// memory holds one page and the records, however many Pods there are. Only the namespaces the SidecarSet can
// select are listed: those spec.namespaceSelector (or v1alpha1's spec.namespace) matches, else all of them.
import { SidecarsetError, UsageError } from '../../errors.js';
import type { Pod } from '../../k8s/api.js';
import type { SidecarSet } from '../../kruise/apis/types.js';
import { asPlannedPod, podRecordReader } from '../../kruise/rollout/pod-record.js';
import type { PodRecord } from '../../kruise/rollout/types.js';
import { isSelectorNamespace } from '../../kruise/sidecarcontrol/match.js';
import { readInputDocuments, toManifestDocument } from '../../manifests/json-source.js';
import { apiGroup, locatePodTemplate } from '../../manifests/pod-template.js';
import type { ManifestDocument } from '../../manifests/types.js';
import { buildConfiguration } from '../configuration.js';
import type { FileRolloutSourceOptions, RolloutInputs, RolloutSource } from '../rollout-inputs.js';
import {
  NAMESPACE,
  POD,
  connect,
  getObject,
  listObjects,
  listPages,
  sidecarSetType,
  type Cluster,
  type ClusterFlags,
} from '../../cluster/index.js';
import { clusterDocument } from './documents.js';

/** The file source's options (for the -f SidecarSet and Namespaces), and the cluster's. */
export interface LiveRolloutOptions extends Pick<
  FileRolloutSourceOptions,
  'filenames' | 'recursive' | 'stdin' | 'keepHash' | 'env' | 'profile'
> {
  /** the cluster's SidecarSet to plan; or undefined with `filenames` holding the new version */
  name?: string;
  cluster: ClusterFlags;
  /** Pods per page (kubectl's --chunk-size) */
  pageSize?: number;
}

export function liveRolloutSource(opts: LiveRolloutOptions): RolloutSource {
  return {
    async load(): Promise<RolloutInputs> {
      const files = opts.filenames.length ? await fileConfiguration(opts) : [];
      const cluster = await connect(opts.cluster, opts.env);
      const namespaceList = await listObjects(cluster, NAMESPACE);
      const namespaceDocs = namespaceList.items.map((o) =>
        clusterDocument({ apiVersion: 'v1', kind: 'Namespace', ...o }),
      );
      const docs: ManifestDocument[] = [...files];
      let keepHash = opts.keepHash;
      if (opts.name !== undefined) {
        docs.unshift(clusterDocument(await clusterSidecarSet(cluster, opts.name)));
        keepHash = true; // as stored: never re-hashed
      }
      // a Namespace the files give replaces the cluster's
      const given = new Set(
        files
          .filter((md) => md.object.kind === 'Namespace')
          .map((md) => String((md.object.metadata as { name?: unknown })?.name)),
      );
      docs.push(...namespaceDocs.filter((md) => !given.has(String((md.object.metadata as { name?: unknown })?.name))));
      const built = buildConfiguration(docs, keepHash, opts.profile);
      if (built.sidecarSets.length !== 1) {
        throw new UsageError(
          `plan-rollout plans one SidecarSet at a time; the inputs hold ${built.sidecarSets.length}`,
        );
      }
      const sidecarSet = built.sidecarSets[0];
      const records = await readLivePods(cluster, sidecarSet, built.namespaces, opts.pageSize);
      return { sidecarSet, namespaces: built.namespaces, pods: { records }, notes: built.notes };
    },
  };
}

/** The SidecarSet and Namespaces of the -f files; Pods there are refused (they come from the cluster). */
async function fileConfiguration(opts: LiveRolloutOptions): Promise<ManifestDocument[]> {
  const docs: ManifestDocument[] = [];
  for await (const doc of readInputDocuments(opts.filenames, { stdin: opts.stdin, recursive: opts.recursive })) {
    const obj = doc.object;
    if (obj.kind === 'Pod' && apiGroup(obj.apiVersion) === '') {
      throw new SidecarsetError(
        'with --live the Pods come from the cluster; give only the SidecarSet (and Namespaces) with -f',
        { source: doc.source, document: doc.index },
      );
    }
    if (opts.name !== undefined && obj.kind === 'SidecarSet') {
      throw new UsageError(
        `plan-rollout ${opts.name} plans the cluster's SidecarSet; to plan a changed version, give it with -f and --live instead of NAME`,
      );
    }
    if (locatePodTemplate(obj) === 'config') docs.push(toManifestDocument(doc));
  }
  return docs;
}

async function clusterSidecarSet(cluster: Cluster, name: string) {
  const type = await sidecarSetType(cluster);
  const o = await getObject(cluster, type, name);
  return { ...o, apiVersion: o.apiVersion ?? `${type.group}/${type.version}`, kind: o.kind ?? type.kind };
}

/** The namespaces to list Pods in; undefined for all of them (one list across namespaces). */
export function podNamespaces(
  sidecarSet: SidecarSet,
  namespaces: Map<string, Record<string, string>>,
): string[] | undefined {
  // (v1alpha1's spec.namespace arrives here converted into a namespaceSelector on kubernetes.io/metadata.name)
  const selector = sidecarSet.spec?.namespaceSelector;
  if (!selector) return undefined;
  return [...namespaces.keys()].filter((ns) => isSelectorNamespace(ns, selector, namespaces) === true).sort();
}

export async function readLivePods(
  cluster: Cluster,
  sidecarSet: SidecarSet,
  namespaces: Map<string, Record<string, string>>,
  pageSize?: number,
): Promise<PodRecord[]> {
  const readPod = podRecordReader(sidecarSet, namespaces);
  const records: PodRecord[] = [];
  const scopes = podNamespaces(sidecarSet, namespaces)?.map((namespace) => ({ namespace })) ?? [
    { allNamespaces: true },
  ];
  for (const scope of scopes) {
    for await (const page of listPages(cluster, POD, { ...scope, pageSize })) {
      for (const item of page.items)
        records.push(readPod(asPlannedPod({ apiVersion: 'v1', kind: 'Pod', ...item }, '') as Pod));
    }
  }
  return records;
}
