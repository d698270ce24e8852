// The kubeconfig as kubectl reads it, from files only: no client library, no network, so offline commands can
// place objects in the namespace `kubectl apply` would use.
//
//   kubeconfigFiles(flags, env)      the files kubectl reads, in merge order
//   readKubeconfig(flags, env)       those files merged by kubectl's rules (paths made absolute)
//   selectContext(config, flags)     the effective context after --context/--cluster/--user/-n
//   loadKubeconfig(flags, env, sa)   readKubeconfig, or the in-cluster config when it is empty and a Pod's
//                                    service account is mounted (client-go's rule)
//   kubeconfigNamespace(flags, env)  -n, else the current context's namespace, else "default"
//
// Merging follows client-go's loader: for clusters, users and contexts the first file that names an entry wins
// (entries are never merged field by field); current-context comes from the first file that sets it; files of
// $KUBECONFIG that do not exist are skipped, but a missing --kubeconfig is an error.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { SidecarsetError } from '../errors.js';

/** kubectl's connection flags, as a command received them. */
export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  allNamespaces?: boolean;
  /** kubectl syntax: "0" (none), "30s", "1m", or a bare number of seconds */
  requestTimeout?: string;
}

export type Env = Record<string, string | undefined>;

/** One named entry of a kubeconfig list, its body as written (kebab-case keys). */
export interface NamedEntry {
  name: string;
  body: Record<string, unknown>;
}

export interface MergedKubeconfig {
  /** the files read, in merge order */
  files: string[];
  clusters: Map<string, NamedEntry>;
  users: Map<string, NamedEntry>;
  contexts: Map<string, NamedEntry>;
  currentContext: string;
}

export interface MountedServiceAccount {
  /** where a Pod's service account is mounted (a test points this elsewhere) */
  serviceAccountDir?: string;
}

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const IN_CLUSTER = 'in-cluster';

export interface EffectiveContext {
  /** the context's name ("" when only --cluster/--user chose) */
  name: string;
  clusterName: string;
  userName: string;
  cluster: Record<string, unknown>;
  user: Record<string, unknown>;
  namespace: string;
}

/** The kubeconfig files kubectl would read, in merge order. */
export function kubeconfigFiles(flags: ClusterFlags, env: Env): string[] {
  if (flags.kubeconfig) {
    if (!existsSync(flags.kubeconfig))
      throw new SidecarsetError(`the kubeconfig "${flags.kubeconfig}" (--kubeconfig) does not exist`);
    return [flags.kubeconfig];
  }
  const fromEnv = (env.KUBECONFIG ?? '').split(path.delimiter).filter((f) => f !== '');
  if (fromEnv.length > 0) return [...new Set(fromEnv)].filter((f) => existsSync(f));
  const home = env.HOME ?? env.USERPROFILE;
  const file = home ? path.join(home, '.kube', 'config') : '';
  return file && existsSync(file) ? [file] : [];
}

/** Where kubectl looked, for the message when it found nothing. */
export function kubeconfigSearched(env: Env): string {
  if (env.KUBECONFIG) return `$KUBECONFIG (${env.KUBECONFIG}) names no existing file`;
  return 'there is no ~/.kube/config and $KUBECONFIG is not set';
}

/** Reads and merges the kubeconfig files; an empty config when there are none. */
export function readKubeconfig(flags: ClusterFlags, env: Env): MergedKubeconfig {
  const files = kubeconfigFiles(flags, env);
  const merged: MergedKubeconfig = {
    files,
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
    currentContext: '',
  };
  for (const file of files) {
    const doc = readOne(file);
    const dir = path.dirname(path.resolve(file));
    mergeEntries(merged.clusters, doc.clusters, 'cluster', (body) =>
      resolvePaths(body, dir, ['certificate-authority']),
    );
    mergeEntries(merged.users, doc.users, 'user', (body) => resolveUserPaths(body, dir));
    mergeEntries(merged.contexts, doc.contexts, 'context', (body) => body);
    if (!merged.currentContext && typeof doc['current-context'] === 'string')
      merged.currentContext = doc['current-context'];
  }
  return merged;
}

/** The kubeconfig files, or, when they configure nothing, the in-cluster config if this runs in a Pod. */
export function loadKubeconfig(flags: ClusterFlags, env: Env, sa: MountedServiceAccount = {}): MergedKubeconfig {
  const config = readKubeconfig(flags, env);
  if (config.clusters.size > 0 || config.contexts.size > 0) return config;
  return inClusterKubeconfig(env, sa.serviceAccountDir ?? SERVICE_ACCOUNT_DIR) ?? config;
}

// client-go's in-cluster config: the service's host and port from the environment, the mounted token and CA;
// the namespace from $POD_NAMESPACE, else the mounted file.
function inClusterKubeconfig(env: Env, dir: string): MergedKubeconfig | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const token = path.join(dir, 'token');
  if (!host || !port || !existsSync(token)) return undefined;
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const nsFile = path.join(dir, 'namespace');
  const namespace = env.POD_NAMESPACE || (existsSync(nsFile) ? readFileSync(nsFile, 'utf8').trim() : '');
  const entry = (body: Record<string, unknown>): Map<string, NamedEntry> =>
    new Map([[IN_CLUSTER, { name: IN_CLUSTER, body }]]);
  return {
    files: [],
    clusters: entry({ server, 'certificate-authority': path.join(dir, 'ca.crt') }),
    users: entry({ 'token-file': token }),
    contexts: entry({ cluster: IN_CLUSTER, user: IN_CLUSTER, ...(namespace ? { namespace } : {}) }),
    currentContext: IN_CLUSTER,
  };
}

function readOne(file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SidecarsetError(`cannot read the kubeconfig ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new SidecarsetError(`cannot read the kubeconfig ${file}: not a kubeconfig (expected a mapping)`);
  return doc as Record<string, unknown>;
}

function mergeEntries(
  into: Map<string, NamedEntry>,
  list: unknown,
  key: string,
  fix: (body: Record<string, unknown>) => Record<string, unknown>,
): void {
  if (!Array.isArray(list)) return;
  for (const item of list as Array<Record<string, unknown> | null>) {
    const name = item?.name;
    if (typeof name !== 'string' || name === '' || into.has(name)) continue;
    const body = item?.[key];
    into.set(name, {
      name,
      body: fix(body && typeof body === 'object' ? { ...(body as Record<string, unknown>) } : {}),
    });
  }
}

// Relative file references are relative to the file that holds them, as client-go resolves them.
function resolvePaths(body: Record<string, unknown>, dir: string, keys: string[]): Record<string, unknown> {
  for (const k of keys) {
    const v = body[k];
    if (typeof v === 'string' && v !== '' && !path.isAbsolute(v)) body[k] = path.join(dir, v);
  }
  return body;
}

function resolveUserPaths(body: Record<string, unknown>, dir: string): Record<string, unknown> {
  resolvePaths(body, dir, ['client-certificate', 'client-key', 'token-file']);
  const exec = body.exec as Record<string, unknown> | undefined;
  // A bare command name is looked up on PATH; only one with a separator is a path.
  if (exec && typeof exec.command === 'string' && exec.command.includes(path.sep))
    body.exec = resolvePaths({ ...exec }, dir, ['command']);
  return body;
}

/** The context, cluster and user a request uses, after the override flags; throws one clear line. */
export function selectContext(config: MergedKubeconfig, flags: ClusterFlags): EffectiveContext {
  const where = config.files.join(path.delimiter) || '(in-cluster)';
  const name = flags.context || config.currentContext;
  let context: Record<string, unknown> = {};
  if (name) {
    const found = config.contexts.get(name);
    if (!found) {
      const how = flags.context ? '--context' : 'current-context';
      throw new SidecarsetError(`context "${name}" (${how}) does not exist in the kubeconfig ${where}`);
    }
    context = found.body;
  }
  const clusterName = flags.cluster || str(context.cluster);
  const userName = flags.user || str(context.user);
  if (!clusterName) {
    throw new SidecarsetError(
      name
        ? `context "${name}" names no cluster in the kubeconfig ${where}`
        : `no current context in the kubeconfig ${where}: set one with --context`,
    );
  }
  const cluster = config.clusters.get(clusterName);
  if (!cluster)
    throw new SidecarsetError(
      `cluster "${clusterName}"${flags.cluster ? ' (--cluster)' : ''} does not exist in the kubeconfig ${where}`,
    );
  if (!str(cluster.body.server))
    throw new SidecarsetError(`cluster "${clusterName}" has no server in the kubeconfig ${where}`);
  let user: Record<string, unknown> = {};
  if (userName) {
    const found = config.users.get(userName);
    if (!found)
      throw new SidecarsetError(
        `user "${userName}"${flags.user ? ' (--user)' : ''} does not exist in the kubeconfig ${where}`,
      );
    user = found.body;
  }
  return {
    name,
    clusterName,
    userName,
    cluster: cluster.body,
    user,
    namespace: flags.namespace || str(context.namespace) || 'default',
  };
}

/**
 * The namespace an object without one lands in, as `kubectl apply` decides: -n, else the current context's, else
 * "default". Reads files only. An unreadable kubeconfig or a broken current-context gives "default"; a --context
 * the kubeconfig does not have is an error, as it would be for kubectl.
 */
export function kubeconfigNamespace(flags: ClusterFlags, env: Env, sa: MountedServiceAccount = {}): string {
  if (flags.namespace) return flags.namespace;
  let config: MergedKubeconfig;
  try {
    config = loadKubeconfig(flags, env, sa);
  } catch (err) {
    if (flags.context || flags.kubeconfig) throw err;
    return 'default';
  }
  const name = flags.context || config.currentContext;
  const context = config.contexts.get(name);
  if (!context) {
    if (flags.context)
      throw new SidecarsetError(
        `context "${name}" (--context) does not exist in the kubeconfig ${config.files.join(path.delimiter)}`,
      );
    return 'default';
  }
  return str(context.body.namespace) || 'default';
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
