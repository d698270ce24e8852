// A connection to the cluster kubectl would talk to, with the same flags:
//
//   connect(flags, env, sa?)      the Cluster of the effective context; loads @kubernetes/client-node (once)
//   listContexts(flags, env)      context names, from the files only (completion)
//
// The kubeconfig is read and merged by ./kubeconfig.ts (kubectl's rules), then handed to client-node as the one
// effective context, so client-node supplies what it implements faithfully: TLS material, tokens and token
// files, basic auth, auth providers and exec credential plugins (run on each request, cached until expiry).
// @kubernetes/client-node is imported only in src/cluster/, and only by a dynamic import reached from here.
import type { KubeConfig } from '@kubernetes/client-node';
import { SidecarsetError } from '../errors.js';
import {
  kubeconfigSearched,
  loadKubeconfig,
  readKubeconfig,
  selectContext,
  type ClusterFlags,
  type Env,
  type MountedServiceAccount,
} from './kubeconfig.js';
import { redact } from './api-error.js';
import { parseRequestTimeout } from './request-timeout.js';

export type { ClusterFlags, Env } from './kubeconfig.js';
export type ClientModule = typeof import('@kubernetes/client-node');

/** An open connection. Plain data for callers; `connection` is for src/cluster/ only. */
export interface Cluster {
  /** API server URL, for messages */
  readonly server: string;
  readonly context: string;
  readonly user: string;
  /** the namespace a namespaced request uses when the caller names none */
  readonly namespace: string;
  /** -A: namespaced lists span every namespace */
  readonly allNamespaces: boolean;
  /** --request-timeout in ms, 0 for none */
  readonly timeoutMs: number;
  readonly connection: Connection;
}

export interface Connection {
  client: ClientModule;
  kubeConfig: KubeConfig;
  /** every credential this connection may send, so no message ever shows one */
  secrets: Set<string>;
  /** discovery answers, kept for the life of the connection */
  cache: Map<string, Promise<unknown>>;
}

let loaded: Promise<ClientModule> | undefined;

/**
 * The import() that bin/load-cli.cjs passes to the bundle it runs (scripts/build.mjs): code run through node:vm has
 * none of its own on Node.js 20. Undefined everywhere else (the sources, the standalone executable).
 */
declare const __sidecarsetImport: ((specifier: string) => Promise<unknown>) | undefined;

/** Loads the client library once, on first use (offline commands never reach this). */
export function loadClient(): Promise<ClientModule> {
  loaded ??=
    typeof __sidecarsetImport === 'function'
      ? (__sidecarsetImport('@kubernetes/client-node') as Promise<ClientModule>)
      : import('@kubernetes/client-node');
  return loaded;
}

const EFFECTIVE = 'kubectl-sidecarset';

/** The cluster of the effective context, ready for requests (nothing is sent yet). */
export async function connect(flags: ClusterFlags, env: Env, sa: MountedServiceAccount = {}): Promise<Cluster> {
  const timeoutMs = parseRequestTimeout(flags.requestTimeout);
  const config = loadKubeconfig(flags, env, sa);
  if (config.clusters.size === 0 && config.contexts.size === 0) {
    // client-node would quietly fall back to http://localhost:8080; say what is missing instead.
    const why = config.files.length
      ? `the kubeconfig ${config.files.join(', ')} configures no cluster`
      : kubeconfigSearched(env);
    throw new SidecarsetError(`no kubeconfig: ${why}; set --kubeconfig or $KUBECONFIG, or create ~/.kube/config`);
  }
  const ctx = selectContext(config, flags);
  const secrets = credentialsOf(ctx.user);
  const client = await loadClient();
  const kubeConfig = new client.KubeConfig();
  try {
    kubeConfig.loadFromString(
      JSON.stringify({
        clusters: [{ name: ctx.clusterName, cluster: ctx.cluster }],
        users: [{ name: ctx.userName || EFFECTIVE, user: ctx.user }],
        contexts: [{ name: EFFECTIVE, context: { cluster: ctx.clusterName, user: ctx.userName || EFFECTIVE } }],
        'current-context': EFFECTIVE,
      }),
    );
  } catch (err) {
    throw new SidecarsetError(
      redact(`cannot use context "${ctx.name}" of the kubeconfig: ${(err as Error).message}`, secrets),
    );
  }
  const token = kubeConfig.getCurrentUser()?.token; // read from token-file by the library
  if (token) secrets.add(token.trim());
  return {
    server: String(ctx.cluster.server).replace(/\/$/, ''),
    context: ctx.name,
    user: ctx.userName,
    namespace: ctx.namespace,
    allNamespaces: flags.allNamespaces === true,
    timeoutMs,
    connection: { client, kubeConfig, secrets, cache: new Map() },
  };
}

/** Context names of the kubeconfig, for completion (files only). */
export function listContexts(flags: ClusterFlags, env: Env): string[] {
  return [...readKubeconfig(flags, env).contexts.keys()];
}

// Values of a kubeconfig user that are credentials; what an exec plugin returns is added as each request is made.
function credentialsOf(user: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === 'string' && v.trim() !== '') out.add(v.trim());
  };
  for (const k of ['token', 'password', 'client-key-data']) add(user[k]);
  const provider = user['auth-provider'] as { config?: Record<string, unknown> } | undefined;
  for (const [k, v] of Object.entries(provider?.config ?? {})) if (/token|secret|password/i.test(k)) add(v);
  // An exec plugin's environment often carries keys; short values ("default", a profile name) are not secrets.
  const exec = user.exec as { env?: Array<{ value?: unknown }> } | undefined;
  for (const e of exec?.env ?? []) if (typeof e?.value === 'string' && e.value.length >= 12) add(e.value);
  return out;
}
