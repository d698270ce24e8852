// The resources this server knows, as the API server's discovery describes them. One entry per resource; a
// resource served at several versions (SidecarSet v1alpha1 and v1beta1) is one entry stored once.
export interface ResourceType {
  group: string;
  /** versions served, preferred first */
  versions: string[];
  /** plural, as in URLs */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  /** true for kinds defined by a CRD: no strategic merge patch, different accepted patch types */
  custom: boolean;
  /** has a /status subresource: main-resource writes keep the stored status */
  statusSubresource: boolean;
  /** metadata.generation counts spec changes */
  generation: boolean;
  categories?: string[];
}

export type SidecarSetVersions = ReadonlyArray<'v1alpha1' | 'v1beta1'> | null;

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
export const RESOURCE_VERBS = VERBS;

function builtin(
  group: string,
  version: string,
  resource: string,
  kind: string,
  more: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    versions: [version],
    resource,
    singular: kind.toLowerCase(),
    kind,
    namespaced: true,
    custom: false,
    statusSubresource: true,
    generation: group !== '',
    ...more,
  };
}

function kruise(resource: string, kind: string, versions: string[], more: Partial<ResourceType> = {}): ResourceType {
  return builtin('apps.kruise.io', versions[0], resource, kind, { versions, custom: true, generation: true, ...more });
}

/** The resources of a server; `sidecarSetVersions` null means Kruise is not installed. */
export function resourceTypes(sidecarSetVersions: SidecarSetVersions): ResourceType[] {
  const types: ResourceType[] = [
    builtin('', 'v1', 'namespaces', 'Namespace', { namespaced: false, shortNames: ['ns'] }),
    builtin('', 'v1', 'pods', 'Pod', { shortNames: ['po'], categories: ['all'] }),
    builtin('', 'v1', 'configmaps', 'ConfigMap', { shortNames: ['cm'], statusSubresource: false }),
    builtin('', 'v1', 'services', 'Service', { shortNames: ['svc'], categories: ['all'] }),
    builtin('', 'v1', 'endpoints', 'Endpoints', {
      shortNames: ['ep'],
      statusSubresource: false,
      singular: 'endpoints',
    }),
    builtin('apps', 'v1', 'deployments', 'Deployment', { shortNames: ['deploy'], categories: ['all'] }),
    builtin('apps', 'v1', 'statefulsets', 'StatefulSet', { shortNames: ['sts'], categories: ['all'] }),
    builtin('apps', 'v1', 'daemonsets', 'DaemonSet', { shortNames: ['ds'], categories: ['all'] }),
    builtin('apps', 'v1', 'replicasets', 'ReplicaSet', { shortNames: ['rs'], categories: ['all'] }),
    builtin('apps', 'v1', 'controllerrevisions', 'ControllerRevision', { statusSubresource: false, generation: false }),
    builtin('batch', 'v1', 'jobs', 'Job', { categories: ['all'] }),
    builtin('batch', 'v1', 'cronjobs', 'CronJob', { shortNames: ['cj'], categories: ['all'] }),
    builtin('admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', {
      namespaced: false,
      statusSubresource: false,
      categories: ['api-extensions'],
    }),
  ];
  if (sidecarSetVersions && sidecarSetVersions.length > 0) {
    types.push(
      kruise('sidecarsets', 'SidecarSet', [...sidecarSetVersions], { namespaced: false }),
      kruise('clonesets', 'CloneSet', ['v1alpha1'], { shortNames: ['clone'], categories: ['all'] }),
      kruise('statefulsets', 'StatefulSet', ['v1beta1', 'v1alpha1'], { shortNames: ['asts'], categories: ['all'] }),
      kruise('daemonsets', 'DaemonSet', ['v1alpha1'], { shortNames: ['daemon', 'ads'], categories: ['all'] }),
      kruise('broadcastjobs', 'BroadcastJob', ['v1alpha1'], { shortNames: ['bcj'], categories: ['all'] }),
    );
  }
  return types;
}

/** Looks resources up by the names a request or an object uses. */
export class ResourceRegistry {
  constructor(readonly types: ResourceType[]) {}

  byPath(group: string, version: string, resource: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.resource === resource && t.versions.includes(version));
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    return this.types.find((t) => t.group === group && t.kind === kind && t.versions.includes(version));
  }

  /** groups in discovery order, each with its versions */
  groups(): Array<{ group: string; versions: string[] }> {
    const out: Array<{ group: string; versions: string[] }> = [];
    for (const t of this.types) {
      let entry = out.find((g) => g.group === t.group);
      if (!entry) out.push((entry = { group: t.group, versions: [] }));
      for (const v of t.versions) if (!entry.versions.includes(v)) entry.versions.push(v);
    }
    // Kubernetes lists a group's versions newest first: v1 before v1beta1 before v1alpha1.
    for (const g of out) g.versions.sort(compareVersions);
    return out;
  }

  atVersion(group: string, version: string): ResourceType[] {
    return this.types.filter((t) => t.group === group && t.versions.includes(version));
  }
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

// Kubernetes' version priority: GA > beta > alpha, higher numbers first.
function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    return [m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [x, y] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return y[i] - x[i];
  return 0;
}
