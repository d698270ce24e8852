// kubectl's connection flags, shared by the commands that may read the cluster, and the namespace of objects
// that name none: -n, else the kubeconfig's current context (the file only, never the server), else "default".
import type { Command } from 'commander';
import { kubeconfigNamespace, type ClusterFlags } from '../cluster/kubeconfig.js';
import { UsageError } from '../errors.js';

/** The flags as commander fills them: kubectl's names, the same fields the cluster layer reads. */
export type ClusterFlagValues = ClusterFlags;

export function addClusterFlags(cmd: Command): Command {
  return cmd
    .option('--kubeconfig <file>', 'path to the kubeconfig file (default $KUBECONFIG, else ~/.kube/config)')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('--cluster <name>', 'the kubeconfig cluster to use')
    .option('--user <name>', 'the kubeconfig user to use')
    .option('--request-timeout <duration>', 'give up on a request after this long (0 for never, 30s, 1m)', '0');
}

export function clusterFlagsOf(flags: ClusterFlagValues): ClusterFlags {
  return {
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    cluster: flags.cluster,
    user: flags.user,
    namespace: flags.namespace,
    allNamespaces: flags.allNamespaces,
    requestTimeout: flags.requestTimeout,
  };
}

/** Where an object without metadata.namespace goes, as `kubectl apply` decides. */
export function objectNamespace(flags: ClusterFlagValues, env: Record<string, string | undefined>): string {
  if (flags.namespace === '') throw new UsageError('-n needs a namespace name');
  return kubeconfigNamespace(clusterFlagsOf(flags), env);
}
