// One document's injection: its pod template located, the Pod Kruise's webhook would see injected, and the result
// patched back into the document. Shared by the one-thread pipeline (./inject.ts) and the threads
// (./parallel/inject-parallel.ts).
import { SidecarsetError } from '../errors.js';
import { injectPod, type SidecarSetInjection, type SidecarSetSkip } from '../kruise/inject/index.js';
import { objectRef } from '../manifests/object-ref.js';
import { patchDocument } from '../manifests/patch.js';
import {
  isPodTemplateLocation,
  locatePodTemplate,
  namespaceOf,
  podFromTemplate,
  templateMetadata,
} from '../manifests/pod-template.js';
import type { ManifestDocument } from '../manifests/types.js';
import { placed, type InjectionConfiguration } from './configuration.js';

/** What injecting into one document needs besides the configuration. */
export interface DocumentOptions {
  /** the namespace of objects that do not name one */
  namespace: string;
  /** RFC 3339 time written as the injection time (SOURCE_DATE_EPOCH); undefined: each SidecarSet's own */
  now?: string;
}

export interface ObjectReport {
  /** kubectl-style reference, e.g. deployment.apps/nginx */
  ref: string;
  namespace: string;
  source: string;
  document: number;
  injected: SidecarSetInjection[];
  skipped: SidecarSetSkip[];
  /** set when the object looks like a workload of a kind we do not know */
  unknownKind?: string;
  changed: boolean;
}

/** What the injection reads of the configuration (all a worker thread is sent of it). */
export type DocumentConfiguration = Pick<InjectionConfiguration, 'sidecarSets' | 'namespaces' | 'revisions'>;

/** Injects into one document (patched in place); its report, or undefined for an object without pods. */
export function injectDocument(
  md: ManifestDocument,
  config: DocumentConfiguration,
  options: DocumentOptions,
): ObjectReport | undefined {
  const located = locatePodTemplate(md.object, options.namespace);
  const namespace = namespaceOf(md.object, options.namespace);
  const base = {
    ref: objectRef(md.object),
    namespace,
    source: md.source,
    document: md.index,
    injected: [],
    skipped: [],
    changed: false,
  };
  if (located === 'unknown-workload')
    return { ...base, unknownKind: `${String(md.object.apiVersion)} ${String(md.object.kind)}` };
  if (!isPodTemplateLocation(located)) return undefined;
  try {
    const pod = podFromTemplate(md.object, located, namespace);
    const outcome = injectPod(pod, {
      sidecarSets: config.sidecarSets,
      namespaces: config.namespaces,
      revisions: config.revisions,
      now: options.now,
    });
    const unknown = outcome.skipped.find((s) => s.reason === 'NamespaceLabelsUnknown');
    if (unknown) {
      throw new SidecarsetError(
        `SidecarSet ${unknown.sidecarSet} selects namespaces by label, and the labels of namespace "${namespace}" are unknown: ` +
          `${unknown.detail}; pass the Namespace object with -f or --sidecarsets`,
      );
    }
    if (outcome.changed) {
      patchDocument(md, located.metadataPath, templateMetadata(md.object, located, outcome.pod));
      patchDocument(md, located.specPath, outcome.pod.spec);
    }
    return { ...base, injected: outcome.injected, skipped: outcome.skipped, changed: outcome.changed };
  } catch (err) {
    throw placed(err, md);
  }
}
