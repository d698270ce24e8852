// kubectl's RESTMapper, for the TYPE of a TYPE/NAME argument, as a pure function over discovery documents:
//
//   resolveResourceType(type, groups)   the ResourceType "deploy", "sts", "statefulsets.apps.kruise.io",
//                                       "Rollout", "cj" ... names, or undefined
//   resourcePath(type, namespace, name) the REST path of a collection or of one object
//   POD, NAMESPACE                      types every server serves, usable without discovery
//
// A TYPE matches a resource by plural, singular, short name or kind (case-insensitive), optionally qualified as
// resource.group or resource.version.group. When several groups match ("sts" is apps/v1 and apps.kruise.io), the
// first group in discovery order wins, as kubectl's priority mapper decides; built-in Kubernetes groups come
// before extension groups (the API server lists them so), and within a group the preferred version first.

/** A resource as requests address it. */
export interface ResourceType {
  group: string;
  version: string;
  /** plural, lower case: "deployments" */
  resource: string;
  kind: string;
  namespaced: boolean;
}

/** One APIResource of a discovery document (metav1.APIResourceList.resources[]). */
export interface ApiResource {
  name: string;
  singularName?: string;
  namespaced?: boolean;
  kind: string;
  shortNames?: string[];
  verbs?: string[];
}

/** One API group as discovery found it: versions in the server's order, preferred first. */
export interface DiscoveredGroup {
  /** "" for the core group */
  group: string;
  versions: Array<{ version: string; resources: ApiResource[] }>;
}

export const POD: ResourceType = { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true };
export const NAMESPACE: ResourceType = {
  group: '',
  version: 'v1',
  resource: 'namespaces',
  kind: 'Namespace',
  namespaced: false,
};

export const MUTATING_WEBHOOK_CONFIGURATION: ResourceType = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  resource: 'mutatingwebhookconfigurations',
  kind: 'MutatingWebhookConfiguration',
  namespaced: false,
};

/** "deployments.apps", "pods": how kubectl names a resource in messages. */
export function qualifiedName(t: Pick<ResourceType, 'group' | 'resource'>): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}

export function apiVersionOf(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** /api/v1/namespaces/ns/pods/name, /apis/apps/v1/deployments; `namespace` is ignored for cluster-scoped types. */
export function resourcePath(t: ResourceType, namespace?: string, name?: string): string {
  const root = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  const ns = t.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${ns}/${t.resource}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

function isBuiltinGroup(group: string): boolean {
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
}

/** The resource a kubectl-style TYPE names, or undefined when the server has none. */
export function resolveResourceType(type: string, groups: DiscoveredGroup[]): ResourceType | undefined {
  const input = type.trim().toLowerCase();
  if (input === '') return undefined;
  const ordered = [...groups.filter((g) => isBuiltinGroup(g.group)), ...groups.filter((g) => !isBuiltinGroup(g.group))];
  for (const q of qualifications(input)) {
    for (const g of ordered) {
      if (q.group !== undefined && g.group !== q.group) continue;
      for (const v of g.versions) {
        if (q.version !== undefined && v.version !== q.version) continue;
        const found = v.resources.find((r) => !r.name.includes('/') && names(r).includes(q.resource));
        if (found)
          return {
            group: g.group,
            version: v.version,
            resource: found.name,
            kind: found.kind,
            namespaced: found.namespaced === true,
          };
      }
    }
  }
  return undefined;
}

function names(r: ApiResource): string[] {
  return [r.name, r.singularName || r.kind.toLowerCase(), r.kind.toLowerCase(), ...(r.shortNames ?? [])].map((n) =>
    n.toLowerCase(),
  );
}

interface Qualified {
  resource: string;
  group?: string;
  version?: string;
}

// "a.b.c" may be resource.version.group (when b looks like a version) or resource.group; an unqualified name
// is tried last only when the dots belong to no group.
function qualifications(input: string): Qualified[] {
  const dot = input.indexOf('.');
  if (dot < 0) return [{ resource: input }];
  const resource = input.slice(0, dot);
  const rest = input.slice(dot + 1);
  const out: Qualified[] = [];
  const second = rest.indexOf('.');
  if (second > 0 && /^v\d+((alpha|beta)\d+)?$/.test(rest.slice(0, second))) {
    out.push({ resource, version: rest.slice(0, second), group: rest.slice(second + 1) });
  }
  out.push({ resource, group: rest });
  return out;
}
