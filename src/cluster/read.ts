// Reads, as plain JSON objects:
//
//   getObject(cluster, type, name, opts?)   one object
//   listPages(cluster, type, opts?)         an async iterator of pages (limit/continue), bounded memory
//   listObjects(cluster, type, opts?)       every page joined, with the list's resourceVersion
//   names(objects)                          metadata.name of each
//
// Scope: a namespaced type is listed in opts.namespace, else across all namespaces when opts.allNamespaces
// (or the Cluster's -A), else in the Cluster's namespace; a cluster-scoped type ignores namespaces.
//
// An expired continue token (410 in the middle of a list) fails with a message, as `kubectl get` does: pages
// already handed to the caller cannot be taken back, so restarting the list would repeat objects. Asking again
// (or with a larger page size) starts a fresh list.
import type { Cluster } from './connect.js';
import { ApiError } from './api-error.js';
import { qualifiedName, resourcePath, type ResourceType } from './rest-mapper.js';
import { failure, requestJson } from './transport.js';

/** An object as the API server returns it; callers read what they need. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

export interface Scope {
  namespace?: string;
  allNamespaces?: boolean;
}

export interface ListOptions extends Scope {
  labelSelector?: string;
  fieldSelector?: string;
  /** objects per page (kubectl's --chunk-size); 0 asks for everything at once */
  pageSize?: number;
  signal?: AbortSignal;
}

export interface ListPage {
  items: KubeObject[];
  /** the list's resourceVersion (the same snapshot across pages) */
  resourceVersion: string;
}

/** kubectl's default --chunk-size */
export const DEFAULT_PAGE_SIZE = 500;

interface ListBody {
  items?: KubeObject[];
  metadata?: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
}

export async function getObject(
  cluster: Cluster,
  type: ResourceType,
  name: string,
  scope: Scope = {},
): Promise<KubeObject> {
  const namespace = namespaceOf(cluster, type, scope);
  return requestJson<KubeObject>(cluster, {
    method: 'GET',
    path: resourcePath(type, namespace, name),
    verb: 'get',
    what: describeObject(type, name, namespace),
    named: true,
  });
}

export async function* listPages(
  cluster: Cluster,
  type: ResourceType,
  opts: ListOptions = {},
): AsyncGenerator<ListPage> {
  const namespace =
    opts.allNamespaces || (opts.namespace === undefined && cluster.allNamespaces)
      ? undefined
      : namespaceOf(cluster, type, opts);
  const what = describeCollection(type, namespace, opts);
  const limit = opts.pageSize ?? DEFAULT_PAGE_SIZE;
  let token: string | undefined;
  let page = 0;
  do {
    let body: ListBody;
    try {
      body = await requestJson<ListBody>(cluster, {
        method: 'GET',
        path: resourcePath(type, namespace),
        query: {
          labelSelector: opts.labelSelector,
          fieldSelector: opts.fieldSelector,
          limit: limit > 0 ? limit : undefined,
          continue: token,
        },
        verb: 'list',
        what,
        signal: opts.signal,
      });
    } catch (err) {
      if (err instanceof ApiError && err.code === 410 && token !== undefined) {
        throw failure(
          cluster,
          { verb: 'list', what },
          410,
          err.reason,
          `the list expired after ${page} page(s) of ${limit} (the continue token is too old); run it again, or with a larger page size`,
        );
      }
      throw err;
    }
    page++;
    yield { items: body.items ?? [], resourceVersion: body.metadata?.resourceVersion ?? '' };
    token = body.metadata?.continue || undefined;
  } while (token !== undefined && !opts.signal?.aborted);
}

export async function listObjects(cluster: Cluster, type: ResourceType, opts: ListOptions = {}): Promise<ListPage> {
  const items: KubeObject[] = [];
  let resourceVersion = '';
  for await (const page of listPages(cluster, type, opts)) {
    for (const o of page.items) items.push(o);
    resourceVersion = page.resourceVersion;
  }
  return { items, resourceVersion };
}

export function names(objects: KubeObject[]): string[] {
  return objects.map((o) => o.metadata?.name ?? '').filter((n) => n !== '');
}

/** The namespace a request about `type` uses: none for cluster-scoped types. */
export function namespaceOf(cluster: Cluster, type: ResourceType, scope: Scope): string | undefined {
  return type.namespaced ? scope.namespace || cluster.namespace : undefined;
}

/** 'deployments.apps "web" in namespace "apps"' */
export function describeObject(type: ResourceType, name: string, namespace?: string): string {
  return `${qualifiedName(type)} "${name}"${namespace ? ` in namespace "${namespace}"` : ''}`;
}

export function describeCollection(
  type: ResourceType,
  namespace: string | undefined,
  sel: { labelSelector?: string; fieldSelector?: string } = {},
): string {
  const where = type.namespaced ? (namespace ? ` in namespace "${namespace}"` : ' in all namespaces') : '';
  const selectors = [
    sel.labelSelector && `-l ${sel.labelSelector}`,
    sel.fieldSelector && `--field-selector ${sel.fieldSelector}`,
  ].filter(Boolean);
  return `${qualifiedName(type)}${where}${selectors.length ? ` (${selectors.join(', ')})` : ''}`;
}
