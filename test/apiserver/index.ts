// The test-facing entry: start a faithful Kubernetes API server on 127.0.0.1 over HTTPS, with its own CA,
// tokens, a store preloaded with objects, a simulated kubelet, fault injection and a request log.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TokenGrant, Tokens } from './auth.js';
import { servingCerts } from './certs.js';
import type { PodCreateHook, ServerState } from './context.js';
import { Faults } from './faults.js';
import { serve, type HttpContext } from './http.js';
import { Kubelet, type KubeletOptions } from './kubelet.js';
import { kubeconfigYaml, writeKubeconfigFile, type KubeconfigOptions } from './kubeconfig.js';
import { defaultPod, initialStatus, stampNew } from './objects.js';
import type { RequestRecord } from './requests.js';
import { ResourceRegistry, resourceTypes, type ResourceType, type SidecarSetVersions } from './resources.js';
import { ObjectStore, type KubeObject } from './store.js';

export type { KubeObject } from './store.js';
export type { RbacRule, TokenGrant, Tokens } from './auth.js';
export type { RequestMatch } from './faults.js';
export type { RequestRecord } from './requests.js';
export type { KubeletOptions } from './kubelet.js';
export type { KubeconfigOptions, KubeconfigContext } from './kubeconfig.js';
export { loadObjects } from './fixtures.js';
export { imageIdOf } from './kubelet.js';

export interface ApiServerOptions {
  /** objects in the store at start (namespaces they live in are created too) */
  objects?: KubeObject[];
  /** which SidecarSet versions are served; null: Kruise is not installed. Default both, v1beta1 preferred */
  sidecarSetVersions?: SidecarSetVersions;
  /** the simulated kubelet; false: Pods stay as written */
  kubelet?: KubeletOptions | false;
  /** more tokens, beside the admin token the server makes */
  tokens?: Tokens;
  /** runs on every Pod create after defaulting, as a mutating webhook would (e.g. Kruise's injection) */
  onPodCreate?: PodCreateHook;
  /** how many changes the store keeps for watches and continued lists; default 10000 */
  historyLimit?: number;
  /** the interval of BOOKMARK events on watches that allow them; default 1000 ms */
  bookmarkIntervalMs?: number;
}

export interface TestStore {
  /** `resource` is the plural, qualified by group when not core: 'pods', 'deployments.apps', 'sidecarsets.apps.kruise.io' */
  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(resource: string, namespace?: string): KubeObject[];
  /** creates or replaces the object (by its apiVersion and kind), with a new resourceVersion and a watch event */
  put(object: KubeObject): KubeObject;
  delete(resource: string, namespace: string | undefined, name: string): boolean;
  /** forgets the change history, as etcd compaction does: older resourceVersions and continue tokens expire */
  compact(): void;
  readonly resourceVersion: string;
}

export interface TestApiServer {
  url: string;
  caPem: string;
  /** the admin token */
  token: string;
  /** writes a kubeconfig for this server into `dir` and returns its path */
  writeKubeconfig(dir: string, options?: KubeconfigOptions): string;
  kubeconfig(options?: KubeconfigOptions): string;
  store: TestStore;
  faults: Faults;
  /** every request, in arrival order */
  requests: RequestRecord[];
  close(): Promise<void>;
}

function resolveResource(registry: ResourceRegistry, name: string): ResourceType {
  const dot = name.indexOf('.');
  const [resource, group] = dot < 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot + 1)];
  const type = registry.types.find((t) => t.resource === resource && t.group === group);
  if (!type) throw new Error(`unknown resource ${name}`);
  return type;
}

function testStore(store: ObjectStore, registry: ResourceRegistry): TestStore {
  const namespaces = resolveResource(registry, 'namespaces');
  const put = (object: KubeObject): KubeObject => {
    const type = registry.byKind(object.apiVersion ?? '', object.kind ?? '');
    if (!type) throw new Error(`unknown kind ${object.apiVersion} ${object.kind}`);
    const o = structuredClone(object);
    o.metadata ??= {};
    if (type.namespaced) o.metadata.namespace ??= 'default';
    else delete o.metadata.namespace;
    const existing = store.get(type, o.metadata.namespace, o.metadata.name!);
    if (existing) {
      o.metadata.uid ??= existing.metadata.uid;
      o.metadata.creationTimestamp ??= existing.metadata.creationTimestamp;
    } else {
      const { uid, creationTimestamp, generation } = o.metadata;
      stampNew(type, o);
      // Fixtures copied from a cluster keep their identity.
      if (uid) o.metadata.uid = uid;
      if (creationTimestamp) o.metadata.creationTimestamp = creationTimestamp;
      if (generation) o.metadata.generation = generation;
      if (o.status === undefined && type.statusSubresource) {
        const status = initialStatus(type);
        if (status) o.status = status;
      }
      if (type.resource === 'pods' && type.group === '') defaultPod(o);
      if (o.metadata.namespace && !store.get(namespaces, undefined, o.metadata.namespace)) {
        put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: o.metadata.namespace } });
      }
    }
    return store.commit(type, o.metadata.namespace, o.metadata.name!, o)!;
  };
  return {
    get: (resource, namespace, name) => store.get(resolveResource(registry, resource), namespace, name),
    list: (resource, namespace) => store.list(resolveResource(registry, resource), namespace),
    put,
    delete: (resource, namespace, name) =>
      store.commit(resolveResource(registry, resource), namespace, name, null) !== undefined,
    compact: () => store.compactTo(),
    get resourceVersion() {
      return String(store.resourceVersion);
    },
  };
}

export async function startApiServer(options: ApiServerOptions = {}): Promise<TestApiServer> {
  const versions =
    options.sidecarSetVersions === undefined ? (['v1beta1', 'v1alpha1'] as const) : options.sidecarSetVersions;
  const registry = new ResourceRegistry(resourceTypes(versions));
  const objectStore = new ObjectStore(options.historyLimit);
  const store = testStore(objectStore, registry);
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  for (const o of options.objects ?? []) store.put(o);
  const faults = new Faults();
  const state: ServerState = {
    store: objectStore,
    registry,
    faults,
    onPodCreate: options.onPodCreate,
    kubeletRunning: options.kubelet !== false,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000,
    watches: new Set(),
  };
  let kubelet: Kubelet | undefined;
  if (options.kubelet !== false) {
    kubelet = new Kubelet(objectStore, resolveResource(registry, 'pods'), options.kubelet ?? {});
    kubelet.adoptExisting();
  }
  const token = randomBytes(16).toString('hex');
  const admin: TokenGrant = { user: 'kubernetes-admin', rules: 'admin' };
  const ctx: HttpContext = {
    state,
    tokens: { [token]: admin, ...options.tokens },
    requests: [],
    hanging: new Set<ServerResponse>(),
  };
  const certs = servingCerts();
  const sockets = new Set<Socket>();
  const server: Server = createServer(
    { cert: certs.certPem, key: certs.keyPem },
    (req, res) => void serve(ctx, req, res),
  );
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfig = (o?: KubeconfigOptions) => kubeconfigYaml(url, certs.caPem, token, o);
  return {
    url,
    caPem: certs.caPem,
    token,
    kubeconfig,
    writeKubeconfig: (dir, o) => writeKubeconfigFile(dir, kubeconfig(o), o?.fileName),
    store,
    faults,
    requests: ctx.requests,
    close: () =>
      new Promise<void>((resolve) => {
        kubelet?.stop();
        for (const w of state.watches) w.end();
        for (const h of ctx.hanging) h.destroy();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
