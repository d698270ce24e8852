// kubectl's connection flags, spelled and read as kubectl does, for the commands that reach a cluster. What they
// mean (merging $KUBECONFIG, the context's namespace, ...) is the cluster layer's business: this only collects them.
import type { Command } from 'commander';
import type { ClusterFlags } from '../cluster/index.js';
import { kubeconfigNamespace } from '../cluster/kubeconfig.js';
import { UsageError } from '../errors.js';

/** What commander fills from addClusterFlags: the cluster layer's flags, and -l. */
export interface ClusterFlagValues extends ClusterFlags {
  selector?: string;
}

/** Which kubeconfig, context, cluster and user, and how long a request may take: for every command that connects. */
export function addConnectionFlags(cmd: Command): Command {
  return cmd
    .option('--kubeconfig <path>', 'path to the kubeconfig file to use')
    .option('--context <name>', 'the name of the kubeconfig context to use')
    .option('--cluster <name>', 'the name of the kubeconfig cluster to use')
    .option('--user <name>', 'the name of the kubeconfig user to use')
    .option(
      '--request-timeout <duration>',
      'how long to wait for one server request before giving up (0: no limit; 30s, 1m)',
      '0',
    );
}

export function addClusterFlags(cmd: Command): Command {
  return addConnectionFlags(cmd)
    .option(
      '-n, --namespace <name>',
      "only this namespace (default: every namespace the SidecarSet's namespaceSelector allows)",
    )
    .option('-A, --all-namespaces', 'every namespace (the default)', false)
    .option('-l, --selector <selector>', 'only Pods with these labels too (kubectl syntax: k=v,k2 in (a,b))');
}

/** The flags the cluster layer's connect() takes. */
export function clusterFlags(v: ClusterFlagValues): ClusterFlags {
  return {
    kubeconfig: v.kubeconfig,
    context: v.context,
    cluster: v.cluster,
    user: v.user,
    namespace: v.namespace,
    allNamespaces: v.allNamespaces,
    requestTimeout: v.requestTimeout,
  };
}

/**
 * Where an object without metadata.namespace goes, as `kubectl apply` decides: -n, else the kubeconfig's current
 * context (the file only, never the server), else "default".
 */
export function objectNamespace(flags: ClusterFlagValues, env: Record<string, string | undefined>): string {
  if (flags.namespace === '') throw new UsageError('-n needs a namespace name');
  return kubeconfigNamespace(clusterFlags(flags), env);
}
