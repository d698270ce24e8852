// `why TYPE/NAME`: gathers from the cluster everything Kruise's Pod webhook would look at for the object's Pod
// (the Pod itself, or a workload's template as a Pod created now), then asks the pure core to explain it.
//
// Required: the object and the SidecarSets (without them there is nothing to explain; their failure is the
// command's). Optional: the Namespace, the SidecarSets' ControllerRevisions, Kruise's
// MutatingWebhookConfiguration and its service's Endpoints. An optional input that cannot be read (typically
// 403: the MWC is cluster-scoped) leaves the reasons that need it unchecked, and says so in `notes`.
import { SidecarsetError } from '../errors.js';
import type { ControllerRevision, Pod } from '../k8s/api.js';
import { isObject } from '../k8s/api.js';
import { loadSidecarSet } from '../kruise/sidecarcontrol/sidecarset.js';
import { SidecarSetKindNameLabel } from '../kruise/sidecarcontrol/revision.js';
import type { SidecarSet } from '../kruise/apis/types.js';
import {
  findPodWebhook,
  KruiseMutatingWebhookConfiguration,
  type Endpoints,
  type MutatingWebhookConfiguration,
  type WebhookBackends,
  type WebhookScopeInput,
} from '../kruise/inject/webhook-scope.js';
import { explainInjection, type InjectionExplanation } from '../kruise/inject/why.js';
import {
  isPodTemplateLocation,
  KRUISE_SYSTEM_NAMESPACE,
  locatePodTemplate,
  podFromTemplate,
} from '../manifests/pod-template.js';
import type { Cluster, KubeObject, ResourceType } from '../cluster/index.js';
import { parseTarget, type WhyOptions } from './why-target.js';

type ClusterModule = typeof import('../cluster/index.js');

const CONTROLLER_REVISIONS: ResourceType = {
  group: 'apps',
  version: 'v1',
  resource: 'controllerrevisions',
  kind: 'ControllerRevision',
  namespaced: true,
};
const ENDPOINTS: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'endpoints',
  kind: 'Endpoints',
  namespaced: true,
};

interface Optional<T> {
  value?: T;
  /** why it could not be read */
  missing?: string;
  notFound?: boolean;
}

// An optional read: 404 is an answer (the object does not exist), anything else a reason left unchecked.
async function optional<T>(cluster: ClusterModule, read: () => Promise<T>): Promise<Optional<T>> {
  try {
    return { value: await read() };
  } catch (err) {
    if (err instanceof cluster.ApiError && err.code === 404) return { notFound: true };
    if (err instanceof SidecarsetError) return { missing: err.message };
    throw err;
  }
}

export async function explainTarget(options: WhyOptions): Promise<InjectionExplanation> {
  const { type: typeName, name } = parseTarget(options.target);
  const cluster = await import('../cluster/index.js');
  const conn = await cluster.connect(options.flags, options.env);
  const sidecarSetType = await cluster.sidecarSetType(conn); // Kruise not installed: one line, here
  const type = await cluster.resolveType(conn, typeName);
  const object = await cluster.getObject(conn, type, name);
  const namespace = object.metadata?.namespace ?? conn.namespace;
  const { pod, template } = podOf(object, type, namespace);
  const notes: string[] = [];

  const [namespaceObject, sidecarSets, configuration] = await Promise.all([
    optional(cluster, () => cluster.getObject(conn, cluster.NAMESPACE, namespace)),
    cluster.listObjects(conn, sidecarSetType),
    optional(cluster, () =>
      cluster.getObject(conn, cluster.MUTATING_WEBHOOK_CONFIGURATION, KruiseMutatingWebhookConfiguration),
    ),
  ]);
  const loaded = sidecarSets.items.map((raw) => loadStored(raw));
  const webhookConfiguration = configuration.value as MutatingWebhookConfiguration | undefined;
  const webhook = webhookInput(configuration);
  const kruiseNamespace = webhookConfiguration
    ? (findPodWebhook(webhookConfiguration)?.clientConfig?.service?.namespace ?? KRUISE_SYSTEM_NAMESPACE)
    : KRUISE_SYSTEM_NAMESPACE;
  const [revisions, backends] = await Promise.all([
    optional(cluster, () =>
      cluster.listObjects(conn, CONTROLLER_REVISIONS, {
        namespace: kruiseNamespace,
        labelSelector: SidecarSetKindNameLabel,
      }),
    ),
    readBackends(cluster, conn, webhookConfiguration),
  ]);
  if (backends !== undefined) webhook.backends = backends;

  const namespaces = new Map<string, Record<string, string>>();
  if (namespaceObject.value) namespaces.set(namespace, namespaceObject.value.metadata?.labels ?? {});
  else if (namespaceObject.missing)
    notes.push(
      `Namespace "${namespace}" could not be read (${namespaceObject.missing}): namespaceSelectors that need its labels are unchecked`,
    );
  if (configuration.missing)
    notes.push(
      `MutatingWebhookConfiguration "${KruiseMutatingWebhookConfiguration}" could not be read (${configuration.missing}): the webhook's scope is unchecked`,
    );
  if (revisions.missing) {
    notes.push(
      `the ControllerRevisions in ${kruiseNamespace} could not be read (${revisions.missing}): the SidecarSets' last changes and pinned revisions are unchecked`,
    );
  }
  if (typeof backends === 'object' && 'unknown' in backends)
    notes.push(`the webhook service's Endpoints could not be read (${backends.unknown}): their readiness is unchecked`);

  return explainInjection({
    pod,
    target: targetOf(type, object, namespace, template),
    injection: {
      sidecarSets: loaded,
      namespaces,
      revisions: (revisions.value?.items ?? []) as unknown as ControllerRevision[],
      now: options.now,
      profile: options.profile,
    },
    webhook,
    ...(revisions.missing !== undefined ? { revisionsUnavailable: revisions.missing } : {}),
    notes,
  });
}

// A SidecarSet read from the cluster keeps its stored hash annotations: they are what the webhook copies.
function loadStored(raw: KubeObject): SidecarSet {
  try {
    return loadSidecarSet(raw, { keepHash: true }).sidecarSet;
  } catch (err) {
    if (err instanceof SidecarsetError) throw err.at({ sidecarSet: raw.metadata?.name });
    throw err;
  }
}

function podOf(object: KubeObject, type: ResourceType, namespace: string): { pod: Pod; template: boolean } {
  const location = locatePodTemplate(object as Record<string, unknown>, namespace);
  if (!isPodTemplateLocation(location)) {
    throw new SidecarsetError(
      `${type.kind} "${object.metadata?.name ?? ''}" has no pod template: why explains Pods and workloads that create them`,
    );
  }
  const pod = podFromTemplate(object as Record<string, unknown>, location, namespace);
  const isPod = location.specPath.length === 1;
  // A Pod keeps its identity and age; a template stands for a Pod created now.
  if (isPod)
    return { pod: { ...pod, metadata: { ...(object.metadata as Pod['metadata']), namespace } }, template: false };
  return { pod, template: true };
}

function targetOf(
  type: ResourceType,
  object: KubeObject,
  namespace: string,
  template: boolean,
): InjectionExplanation['target'] {
  const target: InjectionExplanation['target'] = {
    kind: type.kind,
    namespace,
    name: object.metadata?.name ?? '',
    template,
  };
  const created = object.metadata?.creationTimestamp;
  if (!template && typeof created === 'string') target.creationTimestamp = created;
  return target;
}

function webhookInput(configuration: Optional<KubeObject>): WebhookScopeInput {
  if (configuration.notFound) return { configuration: null };
  if (configuration.missing !== undefined) return { configuration: { unknown: configuration.missing } };
  return { configuration: configuration.value as unknown as MutatingWebhookConfiguration };
}

async function readBackends(
  cluster: ClusterModule,
  conn: Cluster,
  configuration: MutatingWebhookConfiguration | undefined,
): Promise<WebhookBackends | undefined> {
  const service = configuration ? findPodWebhook(configuration)?.clientConfig?.service : undefined;
  if (service === undefined) return undefined;
  const read = await optional(cluster, () =>
    cluster.getObject(conn, ENDPOINTS, service.name, { namespace: service.namespace }),
  );
  if (read.notFound) return { objects: [] };
  if (read.missing !== undefined) return { unknown: read.missing };
  const endpoints = read.value;
  return { objects: isObject(endpoints) ? [{ ...(endpoints as unknown as Endpoints), kind: 'Endpoints' }] : [] };
}
