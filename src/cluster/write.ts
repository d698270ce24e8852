// Writes, for `upgrade` and `inject --verify`:
//
//   patchObject(cluster, type, name, patch, opts?)   a JSON Patch (RFC 6902) on one object; returns it as stored
//   createObject(cluster, type, object, opts?)       create; with dryRun the server (admission webhooks included)
//                                                    returns what it would store, and stores nothing
//
// A write is sent once: a timeout or a 5xx leaves unknown whether it was applied, so only a caller that knows
// the write is safe to repeat (a patch guarded by "test" operations, a dry run) sets `retry`.
import type { Cluster } from './connect.js';
import type { KubeObject, Scope } from './read.js';
import { describeObject, namespaceOf } from './read.js';
import { resourcePath, type ResourceType } from './rest-mapper.js';
import { requestJson } from './transport.js';

/** One RFC 6902 operation. */
export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

export interface WriteOptions extends Scope {
  /** server-side dry run (dryRun=All): validated and admitted, never stored */
  dryRun?: boolean;
  /** managedFields owner; default "kubectl-sidecarset" */
  fieldManager?: string;
  /** allow retries on 429/5xx/reset: only for writes that are safe to repeat */
  retry?: boolean;
  signal?: AbortSignal;
}

const FIELD_MANAGER = 'kubectl-sidecarset';

export async function patchObject(
  cluster: Cluster,
  type: ResourceType,
  name: string,
  patch: JsonPatchOperation[],
  opts: WriteOptions = {},
): Promise<KubeObject> {
  const namespace = namespaceOf(cluster, type, opts);
  return requestJson<KubeObject>(cluster, {
    method: 'PATCH',
    path: resourcePath(type, namespace, name),
    query: writeQuery(opts),
    body: patch,
    contentType: 'application/json-patch+json',
    verb: opts.dryRun ? 'patch (dry run)' : 'patch',
    what: describeObject(type, name, namespace),
    named: true,
    retry: opts.retry === true,
    signal: opts.signal,
  });
}

export async function createObject(
  cluster: Cluster,
  type: ResourceType,
  object: KubeObject,
  opts: WriteOptions = {},
): Promise<KubeObject> {
  const namespace = namespaceOf(cluster, type, { namespace: opts.namespace || object.metadata?.namespace });
  const name = object.metadata?.name || `${String(object.metadata?.generateName ?? '')}*`;
  return requestJson<KubeObject>(cluster, {
    method: 'POST',
    path: resourcePath(type, namespace),
    query: writeQuery(opts),
    body: object,
    verb: opts.dryRun ? 'create (dry run)' : 'create',
    what: describeObject(type, name, namespace),
    retry: opts.retry === true,
    signal: opts.signal,
  });
}

function writeQuery(opts: WriteOptions): Record<string, string | undefined> {
  return { dryRun: opts.dryRun ? 'All' : undefined, fieldManager: opts.fieldManager ?? FIELD_MANAGER };
}
