// Where an upgrade's SidecarSet comes from: the cluster (NAME: as stored, its hashes kept) or a file (-f: as
// Kruise's webhook would store it, defaulted and hashed); with -f the cluster's SidecarSet of that name too, when
// Kruise is served, to see whether Kruise's controller rolls it.
import { SidecarsetError, UsageError } from '../errors.js';
import type { Readable } from 'node:stream';
import type { SidecarSet } from '../kruise/apis/types.js';
import { asSidecarSet } from '../pipeline/live-status.js';
import { loadSidecarSet } from '../kruise/sidecarcontrol/sidecarset.js';
import { readInputDocuments } from '../manifests/json-source.js';
import { ApiError } from '../cluster/api-error.js';

type ClusterApi = typeof import('../cluster/index.js');
type Cluster = import('../cluster/index.js').Cluster;
type KubeObject = import('../cluster/index.js').KubeObject;

export interface UpgradeSource {
  /** the SidecarSet to roll (before --image) */
  sidecarSet: SidecarSet;
  /** read from a file: its Pods are watched without reading the cluster's SidecarSet */
  fromFile: boolean;
  /** the cluster's SidecarSet of that name, as stored; undefined when there is none (or no Kruise) */
  stored?: SidecarSet;
}

export async function readUpgradeSource(
  api: ClusterApi,
  cluster: Cluster,
  opts: { name?: string; filenames: string[]; recursive: boolean; stdin: Readable },
): Promise<UpgradeSource> {
  if (opts.name !== undefined) {
    const type = await api.sidecarSetType(cluster);
    const stored = asSidecarSet(await api.getObject(cluster, type, opts.name));
    return { sidecarSet: stored, fromFile: false, stored };
  }
  const found: SidecarSet[] = [];
  for await (const doc of readInputDocuments(opts.filenames, { stdin: opts.stdin, recursive: opts.recursive })) {
    if (doc.object.kind !== 'SidecarSet') {
      throw new SidecarsetError(`upgrade -f takes one SidecarSet; this is a ${String(doc.object.kind)}`, {
        source: doc.source,
        document: doc.index,
      });
    }
    found.push(loadSidecarSet(doc.object, { keepHash: false }).sidecarSet);
  }
  if (found.length !== 1) throw new UsageError(`upgrade rolls one SidecarSet at a time; -f gave ${found.length}`);
  const sidecarSet = found[0];
  return { sidecarSet, fromFile: true, stored: await clusterCopy(api, cluster, sidecarSet.metadata.name ?? '') };
}

async function clusterCopy(api: ClusterApi, cluster: Cluster, name: string): Promise<SidecarSet | undefined> {
  try {
    return asSidecarSet(await api.getObject(cluster, await api.sidecarSetType(cluster), name));
  } catch (err) {
    // no SidecarSet of that name, or no Kruise at all: Pods pre-rendered by `inject`
    if (err instanceof ApiError && err.code === 404) return undefined;
    if (err instanceof SidecarsetError && !(err instanceof ApiError)) return undefined;
    throw err;
  }
}
