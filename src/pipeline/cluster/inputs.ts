// The configuration of injection read from the cluster, for what the files do not give (files win):
// SidecarSets (all of them, as stored: their hash annotations are what Kruise's webhook reads, never
// recomputed), the Namespaces the workloads live in, the ControllerRevisions of kruise-system (only when a
// SidecarSet pins a revision), and the kruise-system/kruise-configuration ConfigMap.
import type { KruiseProfile } from '../../kruise/apis/version.js';
import { KruiseMutatingWebhookConfiguration } from '../../kruise/inject/webhook-scope.js';
import { SidecarsetError } from '../../errors.js';
import type { ControllerRevision } from '../../k8s/api.js';
import type { SidecarSet } from '../../kruise/apis/types.js';
import { KRUISE_CONFIGURATION_NAME, KRUISE_SYSTEM_NAMESPACE } from '../../manifests/pod-template.js';
import type { ManifestDocument } from '../../manifests/types.js';
import { buildConfiguration, type InjectionConfiguration, type StoredConfiguration } from '../configuration.js';
import {
  ApiError,
  MUTATING_WEBHOOK_CONFIGURATION,
  NAMESPACE,
  getObject,
  listObjects,
  sidecarSetType,
  type Cluster,
  type KubeObject,
  type ResourceType,
} from '../../cluster/index.js';
import { clusterDocument } from './documents.js';

const CONFIGMAP: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  kind: 'ConfigMap',
  namespaced: true,
};
const CONTROLLER_REVISION: ResourceType = {
  group: 'apps',
  version: 'v1',
  resource: 'controllerrevisions',
  kind: 'ControllerRevision',
  namespaced: true,
};

export interface ClusterConfigurationRequest {
  /** namespaces whose labels namespaceSelectors need */
  namespaces: string[];
  /** SidecarSets must come from the cluster (none in files): Kruise missing is then an error */
  sidecarSetsRequired: boolean;
  /** the Kruise release and feature gates modelled */
  profile: KruiseProfile;
}

/** The cluster's configuration as stored, loaded as Kruise holds it. */
export async function readClusterConfiguration(
  cluster: Cluster,
  req: ClusterConfigurationRequest,
): Promise<InjectionConfiguration> {
  const docs: ManifestDocument[] = [];
  const sidecarSets = await listSidecarSets(cluster, req.sidecarSetsRequired);
  for (const o of sidecarSets) docs.push(clusterDocument(o));
  for (const name of new Set(req.namespaces)) {
    const ns = await optional(getObject(cluster, NAMESPACE, name));
    if (ns) docs.push(clusterDocument({ apiVersion: 'v1', kind: 'Namespace', ...ns }));
  }
  if (sidecarSets.some(pinsRevision)) {
    const revisions = await listObjects(cluster, CONTROLLER_REVISION, { namespace: KRUISE_SYSTEM_NAMESPACE });
    for (const o of revisions.items)
      docs.push(clusterDocument({ apiVersion: 'apps/v1', kind: 'ControllerRevision', ...o }));
  }
  const configMap = await optional(
    getObject(cluster, CONFIGMAP, KRUISE_CONFIGURATION_NAME, { namespace: KRUISE_SYSTEM_NAMESPACE }),
  );
  if (configMap) docs.push(clusterDocument({ apiVersion: 'v1', kind: 'ConfigMap', ...configMap }));
  const webhook = await optional(
    getObject(cluster, MUTATING_WEBHOOK_CONFIGURATION, KruiseMutatingWebhookConfiguration),
  );
  if (webhook)
    docs.push(
      clusterDocument({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'MutatingWebhookConfiguration',
        ...webhook,
      }),
    );
  return buildConfiguration(docs, true, req.profile);
}

/** Every SidecarSet of the cluster; none when Kruise is not installed and they are not required. */
async function listSidecarSets(cluster: Cluster, required: boolean): Promise<KubeObject[]> {
  let type: ResourceType;
  try {
    type = await sidecarSetType(cluster);
  } catch (err) {
    if (!required && err instanceof SidecarsetError && !(err instanceof ApiError)) return [];
    throw err;
  }
  return (await listObjects(cluster, type)).items.map((o) => ({
    ...o,
    apiVersion: o.apiVersion ?? `${type.group}/${type.version}`,
    kind: o.kind ?? type.kind,
  }));
}

function pinsRevision(o: KubeObject): boolean {
  const strategy = (o.spec as { injectionStrategy?: { revision?: unknown } } | undefined)?.injectionStrategy;
  return strategy?.revision !== undefined && strategy.revision !== null;
}

/** A get that may find nothing (404), or may not be allowed to look (403): Kruise's defaults then apply. */
async function optional(get: Promise<KubeObject>): Promise<KubeObject | undefined> {
  try {
    return await get;
  } catch (err) {
    if (err instanceof ApiError && (err.code === 404 || err.code === 403)) return undefined;
    throw err;
  }
}

/**
 * What the files' SidecarSets are validated against: the cluster's, except those the files replace, which are
 * the old objects of updates.
 */
export function storedBeside(cluster: InjectionConfiguration, fileSidecarSets: Set<string>): StoredConfiguration {
  const replaced = (s: SidecarSet) => fileSidecarSets.has(s.metadata?.name ?? '');
  return {
    sidecarSets: cluster.sidecarSets.filter((s) => !replaced(s)),
    revisions: cluster.revisions,
    whitelist: cluster.whitelist,
    older: cluster.sidecarSets.filter(replaced),
  };
}

/** The files' configuration over the cluster's: an object the files give replaces the cluster's of that name. */
export function mergeConfiguration(
  files: InjectionConfiguration,
  cluster: InjectionConfiguration,
): InjectionConfiguration {
  const names = new Set(files.sidecarSets.map((s) => s.metadata?.name ?? ''));
  const revisionNames = new Set(files.revisions.map((r) => r.metadata?.name ?? ''));
  const sidecarSets: SidecarSet[] = [
    ...files.sidecarSets,
    ...cluster.sidecarSets.filter((s) => !names.has(s.metadata?.name ?? '')),
  ];
  const revisions: ControllerRevision[] = [
    ...files.revisions,
    ...cluster.revisions.filter((r) => !revisionNames.has(r.metadata?.name ?? '')),
  ];
  return {
    sidecarSets,
    namespaces: new Map([...cluster.namespaces, ...files.namespaces]),
    revisions,
    whitelist: files.whitelist ?? cluster.whitelist,
    ...((files.webhookConfiguration ?? cluster.webhookConfiguration)
      ? { webhookConfiguration: files.webhookConfiguration ?? cluster.webhookConfiguration }
      : {}),
    notes: [...files.notes, ...cluster.notes],
  };
}
