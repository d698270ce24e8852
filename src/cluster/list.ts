// Read-only list requests: SidecarSets, Namespaces, Pods. Every request has a deadline, so a caller that
// must not hang (shell completion) is never stuck on an unreachable API server.
import type { ConfigurationOptions } from '@kubernetes/client-node';
import { SidecarsetError } from '../errors.js';
import type { Cluster } from './connect.js';

/** An object as the API server returns it; callers read what they need. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface RequestOptions {
  /** abort the request after this long (default 30 s) */
  timeoutMs?: number;
}

export const KRUISE_GROUP = 'apps.kruise.io';
export const SIDECARSET_VERSION = 'v1beta1';
export const SIDECARSET_PLURAL = 'sidecarsets';

/** apps.kruise.io/v1beta1 SidecarSets (cluster-scoped), as stored. */
export async function listSidecarSets(cluster: Cluster, opts: RequestOptions = {}): Promise<KubeObject[]> {
  const api = cluster.config.makeApiClient(cluster.client.CustomObjectsApi);
  const list = (await request(cluster, `${KRUISE_GROUP}/${SIDECARSET_VERSION} ${SIDECARSET_PLURAL}`, () =>
    api.listClusterCustomObject({ group: KRUISE_GROUP, version: SIDECARSET_VERSION, plural: SIDECARSET_PLURAL }, deadline(cluster, opts)),
  )) as { items?: KubeObject[] };
  return list.items ?? [];
}

export async function listNamespaces(cluster: Cluster, opts: RequestOptions = {}): Promise<KubeObject[]> {
  const api = cluster.config.makeApiClient(cluster.client.CoreV1Api);
  const list = await request(cluster, 'namespaces', () => api.listNamespace({}, deadline(cluster, opts)));
  return list.items as KubeObject[];
}

/** Pods of one namespace (the cluster's default namespace when none is given). */
export async function listPods(cluster: Cluster, namespace = cluster.namespace, opts: RequestOptions = {}): Promise<KubeObject[]> {
  const api = cluster.config.makeApiClient(cluster.client.CoreV1Api);
  const list = await request(cluster, `pods in namespace "${namespace}"`, () => api.listNamespacedPod({ namespace }, deadline(cluster, opts)));
  return list.items as KubeObject[];
}

export function names(objects: KubeObject[]): string[] {
  return objects.map((o) => o.metadata?.name ?? '').filter((n) => n !== '');
}

/** Per-request options that abort the request at the deadline. */
function deadline(cluster: Cluster, opts: RequestOptions): ConfigurationOptions {
  const ms = opts.timeoutMs ?? 30_000;
  const { Observable } = cluster.client;
  return {
    middleware: [
      {
        pre: (ctx) => {
          ctx.setSignal(AbortSignal.timeout(ms));
          return new Observable(Promise.resolve(ctx));
        },
        post: (res) => new Observable(Promise.resolve(res)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

/** Runs one request and turns its failure into a message that says what could not be listed and why. */
async function request<T>(cluster: Cluster, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new SidecarsetError(`cannot list ${what} from ${cluster.server}: ${failure(err, cluster)}`);
  }
}

function failure(err: unknown, cluster: Cluster): string {
  if (err instanceof cluster.client.ApiException) {
    if (err.code === 404) return 'the server does not know this resource (is OpenKruise installed?)';
    const body = typeof err.body === 'string' ? parseStatus(err.body) : undefined;
    return `HTTP ${err.code}${body ? `: ${body}` : ''}`;
  }
  const e = err as { name?: string; type?: string; code?: string; message?: string };
  if (e?.name === 'AbortError' || e?.type === 'aborted' || e?.name === 'TimeoutError') return 'timed out';
  if (e?.code) return e.code;
  return e?.message ?? String(err);
}

function parseStatus(body: string): string | undefined {
  try {
    const status = JSON.parse(body) as { message?: string };
    return status.message;
  } catch {
    return body.slice(0, 200) || undefined;
  }
}
