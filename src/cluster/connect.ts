// Which cluster to talk to, by kubectl's rules: --kubeconfig, else the files of $KUBECONFIG, else
// ~/.kube/config; --context, else the current context; -n, else the context's namespace, else "default".
// @kubernetes/client-node is imported here and in ./list.ts only, and only when a command needs a cluster.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { SidecarsetError } from '../errors.js';

export type ClientModule = typeof import('@kubernetes/client-node');

/** kubectl's connection flags, as a command received them. */
export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

export interface Cluster {
  client: ClientModule;
  config: KubeConfig;
  /** the namespace a namespaced request uses when the user named none */
  namespace: string;
  /** API server URL, for messages */
  server: string;
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

/** The kubeconfig files kubectl would read, in merge order (missing files of $KUBECONFIG are skipped, as kubectl does). */
export function kubeconfigFiles(flags: ClusterFlags, env: Record<string, string | undefined>): string[] {
  if (flags.kubeconfig) return [flags.kubeconfig];
  const fromEnv = (env.KUBECONFIG ?? '').split(path.delimiter).filter((f) => f !== '');
  if (fromEnv.length > 0) return fromEnv.filter((f) => existsSync(f));
  const home = env.HOME ?? env.USERPROFILE;
  const file = home ? path.join(home, '.kube', 'config') : '';
  return file && existsSync(file) ? [file] : [];
}

/** Reads the kubeconfig (no network). Throws a SidecarsetError when there is none or the context is unknown. */
export async function loadKubeConfig(flags: ClusterFlags, env: Record<string, string | undefined>): Promise<{ client: ClientModule; config: KubeConfig }> {
  const files = kubeconfigFiles(flags, env);
  if (files.length === 0) {
    throw new SidecarsetError('no kubeconfig: set --kubeconfig or $KUBECONFIG, or create ~/.kube/config');
  }
  if (flags.kubeconfig && !existsSync(flags.kubeconfig)) {
    throw new SidecarsetError(`the kubeconfig "${flags.kubeconfig}" does not exist`);
  }
  const client = await loadClient();
  const config = new client.KubeConfig();
  try {
    config.loadFromFile(files[0]);
    for (const file of files.slice(1)) {
      const more = new client.KubeConfig();
      more.loadFromFile(file);
      config.mergeConfig(more, true);
    }
  } catch (err) {
    throw new SidecarsetError(`cannot read the kubeconfig ${files.join(path.delimiter)}: ${(err as Error).message}`);
  }
  if (flags.context) {
    if (!config.getContextObject(flags.context)) {
      throw new SidecarsetError(`context "${flags.context}" does not exist in the kubeconfig`);
    }
    config.setCurrentContext(flags.context);
  }
  return { client, config };
}

/** The cluster of the chosen context, ready for requests. */
export async function connect(flags: ClusterFlags, env: Record<string, string | undefined>): Promise<Cluster> {
  const { client, config } = await loadKubeConfig(flags, env);
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new SidecarsetError(`the kubeconfig has no cluster for context "${config.getCurrentContext()}"`);
  const context = config.getContextObject(config.getCurrentContext());
  return { client, config, namespace: flags.namespace || context?.namespace || 'default', server: cluster.server };
}

/** Context names of the kubeconfig, for completion (no network). */
export async function listContexts(flags: ClusterFlags, env: Record<string, string | undefined>): Promise<string[]> {
  const { config } = await loadKubeConfig({ ...flags, context: undefined }, env);
  return config.getContexts().map((c) => c.name);
}
