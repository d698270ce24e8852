// The workloads `inject TYPE/NAME ...` and `inject -l SELECTOR [TYPE,...]` render, read from the cluster.
// TYPE is resolved against the server's discovery as kubectl resolves it (deploy, deployment, sts,
// clonesets.apps.kruise.io); only kinds with a pod template we know (manifests/pod-template.ts) are accepted.
import { SidecarsetError, UsageError } from '../../errors.js';
import { isPodTemplateLocation, locatePodTemplate } from '../../manifests/pod-template.js';
import {
  apiVersionOf,
  discoverGroups,
  getObject,
  listPages,
  resolveType,
  type Cluster,
  type KubeObject,
  type ResourceType,
} from '../../cluster/index.js';

export interface WorkloadQuery {
  /** TYPE/NAME arguments; with `selector`, TYPE arguments (comma lists allowed) */
  args: string[];
  selector?: string;
}

export interface WorkloadRef {
  type: string;
  name: string;
}

/** TYPE/NAME arguments, checked before anything is sent. */
export function parseWorkloadRefs(args: string[]): WorkloadRef[] {
  return args.map((arg) => {
    const slash = arg.indexOf('/');
    if (slash <= 0 || slash === arg.length - 1 || arg.indexOf('/', slash + 1) >= 0) {
      throw new UsageError(
        `"${arg}" is not TYPE/NAME (such as deployment/nginx); use -l SELECTOR [TYPE] to select by labels`,
      );
    }
    return { type: arg.slice(0, slash), name: arg.slice(slash + 1) };
  });
}

// What -l reads when no TYPE is given: every kind with a pod template that the server serves. Pods, ReplicaSets
// and Jobs that a controller owns are left out: their owner is rendered instead.
const OWNED_KINDS = new Set(['/Pod', 'apps/ReplicaSet', 'batch/Job']);

/** The objects, in argument order (each list in the server's order). */
export async function readWorkloads(cluster: Cluster, query: WorkloadQuery): Promise<KubeObject[]> {
  if (query.selector === undefined) {
    const out: KubeObject[] = [];
    for (const ref of parseWorkloadRefs(query.args)) {
      const type = await podTemplateType(cluster, ref.type);
      out.push(withTypeMeta(await getObject(cluster, type, ref.name), type));
    }
    return out;
  }
  const named = query.args.flatMap((a) => a.split(',')).filter((a) => a !== '');
  if (named.some((a) => a.includes('/')))
    throw new UsageError('with -l, arguments are resource types (deployment,statefulset), not TYPE/NAME');
  const types = named.length
    ? await Promise.all(named.map((t) => podTemplateType(cluster, t)))
    : await servedPodTemplateTypes(cluster);
  const out: KubeObject[] = [];
  for (const type of types) {
    for await (const page of listPages(cluster, type, { labelSelector: query.selector })) {
      for (const item of page.items) {
        const object = withTypeMeta(item, type);
        if (named.length === 0 && OWNED_KINDS.has(`${type.group}/${type.kind}`) && hasController(object)) continue;
        out.push(object);
      }
    }
  }
  return out;
}

async function podTemplateType(cluster: Cluster, name: string): Promise<ResourceType> {
  const type = await resolveType(cluster, name);
  if (!hasPodTemplate(type)) {
    throw new SidecarsetError(
      `${type.resource}${type.group ? `.${type.group}` : ''} has no pod template to inject into; give a Pod or a workload (deployment, statefulset, daemonset, job, cronjob, cloneset, ...)`,
    );
  }
  return type;
}

function hasPodTemplate(type: ResourceType): boolean {
  const probe = {
    apiVersion: apiVersionOf(type),
    kind: type.kind,
    spec: { template: { spec: { containers: [] } }, jobTemplate: { spec: { template: { spec: { containers: [] } } } } },
    template: { spec: { containers: [] } },
  };
  const located = locatePodTemplate(probe);
  // AdvancedCronJob and UnitedDeployment hold their template one level deeper: known kinds all the same
  return (
    isPodTemplateLocation(located) ||
    (type.group === 'apps.kruise.io' && (type.kind === 'AdvancedCronJob' || type.kind === 'UnitedDeployment'))
  );
}

async function servedPodTemplateTypes(cluster: Cluster): Promise<ResourceType[]> {
  const out: ResourceType[] = [];
  const seen = new Set<string>();
  for (const g of await discoverGroups(cluster)) {
    // the group's preferred version is listed first: one version per kind
    for (const v of g.versions) {
      for (const r of v.resources) {
        if (r.name.includes('/') || !(r.verbs ?? ['list']).includes('list')) continue;
        const type: ResourceType = {
          group: g.group,
          version: v.version,
          resource: r.name,
          kind: r.kind,
          namespaced: r.namespaced === true,
        };
        const key = `${g.group}/${r.kind}`;
        if (seen.has(key) || !hasPodTemplate(type) || key === '/PodTemplate' || key === '/ReplicationController')
          continue;
        seen.add(key);
        out.push(type);
      }
    }
  }
  return out;
}

// List items of built-in kinds come without apiVersion and kind; the render needs them.
function withTypeMeta(object: KubeObject, type: ResourceType): KubeObject {
  return { apiVersion: object.apiVersion ?? apiVersionOf(type), kind: object.kind ?? type.kind, ...object };
}

function hasController(object: KubeObject): boolean {
  const owners = object.metadata?.ownerReferences;
  return Array.isArray(owners) && owners.some((o) => (o as { controller?: boolean }).controller === true);
}
