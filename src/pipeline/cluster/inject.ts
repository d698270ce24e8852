// `inject` with the cluster: workloads named by TYPE/NAME or -l read from it, its configuration under the
// files' (files win), and with --verify each rendered Pod checked against the server's own admission.
// Everything is read and rendered before the first byte is written, as in the files-only pipeline.
import type { Readable } from 'node:stream';
import type { Output } from '../../manifests/output.js';
import type { Pod } from '../../k8s/api.js';
import { readManifests } from '../../manifests/documents.js';
import {
  isPodTemplateLocation,
  locatePodTemplate,
  namespaceOf,
  podFromTemplate,
} from '../../manifests/pod-template.js';
import type { ManifestDocument } from '../../manifests/types.js';
import type { WriterFactory } from '../../manifests/writers.js';
import { buildConfiguration } from '../configuration.js';
import { injectDocument, type ObjectReport } from '../inject-document.js';
import { collect, readConfigurationDocs, type InjectOptions, type InjectOutcome } from '../inject.js';
import { connect, type ClusterFlags } from '../../cluster/index.js';
import { clusterDocument } from './documents.js';
import { mergeConfiguration, readClusterConfiguration, storedBeside } from './inputs.js';
import { verifyWithServer, type Difference, type VerifyItem } from './verify.js';
import { readWorkloads, type WorkloadQuery } from './workloads.js';

export interface ClusterInjectOptions extends InjectOptions {
  cluster: ClusterFlags;
  workloads: WorkloadQuery;
  verify: boolean;
}

export interface ClusterInjectOutcome extends InjectOutcome {
  /** with --verify: the Pods checked and what differed */
  verified?: { pods: number; differences: Difference[] };
}

export async function injectWithCluster(
  options: ClusterInjectOptions,
  io: { stdin: Readable; stdout: Output; env: Record<string, string | undefined>; writer: WriterFactory },
): Promise<ClusterInjectOutcome> {
  const read = {
    recursive: options.recursive,
    get stdin() {
      return io.stdin;
    },
  };
  const configDocs = await readConfigurationDocs(options, read);
  const fileDocs = await collect(readManifests(options.filenames, read));
  const cluster = await connect(options.cluster, io.env);
  const wanted = options.workloads.args.length > 0 || options.workloads.selector !== undefined;
  const workloadDocs = wanted ? (await readWorkloads(cluster, options.workloads)).map(clusterDocument) : [];
  const docs = [...fileDocs, ...workloadDocs];

  const fileConfigDocs = [
    ...configDocs,
    ...fileDocs.filter((md) => locatePodTemplate(md.object, options.namespace) === 'config'),
  ];
  const fileSidecarSets = new Set(fileConfigDocs.filter((md) => md.object.kind === 'SidecarSet').map(nameOf));
  const namespaces = docs
    .filter((md) => isPodTemplateLocation(locatePodTemplate(md.object, options.namespace)))
    .map((md) => namespaceOf(md.object, options.namespace));
  const fromCluster = await readClusterConfiguration(cluster, {
    namespaces,
    sidecarSetsRequired: fileSidecarSets.size === 0,
    profile: options.profile,
  });
  const fromFiles = buildConfiguration(
    fileConfigDocs,
    options.keepHash,
    options.profile,
    storedBeside(fromCluster, fileSidecarSets),
  );
  const config = mergeConfiguration(fromFiles, fromCluster);

  const objects: ObjectReport[] = [];
  const checks: VerifyItem[] = [];
  for (const md of docs) {
    const input = options.verify ? podOf(md.object, options.namespace) : undefined;
    const report = injectDocument(md, config, options);
    if (!report) continue;
    objects.push(report);
    const ours = input && podOf(md.object, options.namespace);
    if (input && ours) checks.push({ ref: report.ref, namespace: report.namespace, input, ours });
  }

  const chunks: string[] = [];
  const writer = io.writer((chunk) => chunks.push(chunk));
  for (const md of docs) writer.write(md);
  writer.end();
  const text = chunks.join('');
  if (text)
    await new Promise<void>((resolve, reject) => io.stdout.write(text, (err) => (err ? reject(err) : resolve())));

  const notes = [...config.notes];
  if (options.workloads.selector !== undefined && workloadDocs.length === 0)
    notes.push(`no workloads in the cluster match -l ${options.workloads.selector}`);
  const outcome: ClusterInjectOutcome = { objects, notes };
  if (options.verify) outcome.verified = { pods: checks.length, differences: await verifyWithServer(cluster, checks) };
  return outcome;
}

/** The Pod an object creates (a copy), or undefined when it has no pod template. */
function podOf(object: Record<string, unknown>, defaultNamespace: string): Pod | undefined {
  const located = locatePodTemplate(object, defaultNamespace);
  if (!isPodTemplateLocation(located)) return undefined;
  const pod = structuredClone(podFromTemplate(object, located, namespaceOf(object, defaultNamespace)));
  if (located.specPath.length > 1) {
    // a workload's Pods are named by its controller: generateName from the workload's name
    const name = String((object.metadata as { name?: unknown } | undefined)?.name ?? 'pod');
    pod.metadata = { ...pod.metadata, name: undefined, generateName: `${name}-` } as Pod['metadata'];
    delete (pod.metadata as Record<string, unknown>).name;
  }
  return pod;
}

function nameOf(md: ManifestDocument): string {
  return String((md.object.metadata as { name?: unknown } | undefined)?.name ?? '');
}
