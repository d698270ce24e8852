// kubectl's connection flags, spelled and read as kubectl does, for the commands that reach a cluster. What they
// mean (merging $KUBECONFIG, the context's namespace, ...) is the cluster layer's business: this only collects them.
import type { Command } from 'commander';
import type { ClusterFlags } from '../cluster/index.js';

/** What commander fills from addClusterFlags: the cluster layer's flags, and -l. */
export interface ClusterFlagValues extends ClusterFlags {
  selector?: string;
}

export function addClusterFlags(cmd: Command): Command {
  return cmd
    .option('--kubeconfig <path>', 'path to the kubeconfig file to use')
    .option('--context <name>', 'the name of the kubeconfig context to use')
    .option('--cluster <name>', 'the name of the kubeconfig cluster to use')
    .option('--user <name>', 'the name of the kubeconfig user to use')
    .option('-n, --namespace <name>', "only this namespace (default: every namespace the SidecarSet's namespaceSelector allows)")
    .option('-A, --all-namespaces', 'every namespace (the default)', false)
    .option('-l, --selector <selector>', 'only Pods with these labels too (kubectl syntax: k=v,k2 in (a,b))')
    .option('--request-timeout <duration>', 'how long to wait for one server request before giving up (0: no limit; 30s, 1m)', '0');
}

/** The flags the cluster layer's connect() takes. */
export function clusterFlags(v: ClusterFlagValues): ClusterFlags {
  return { kubeconfig: v.kubeconfig, context: v.context, cluster: v.cluster, user: v.user, namespace: v.namespace, allNamespaces: v.allNamespaces, requestTimeout: v.requestTimeout };
}
