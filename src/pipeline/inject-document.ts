// One document's injection: its pod template located, the Pod Kruise's webhook would see injected, and the result
// patched back into the document. Shared by the one-thread pipeline (./inject.ts) and the threads
// (./parallel/inject-parallel.ts).
import { SidecarsetError } from '../errors.js';
import type { SidecarSetInjection, SidecarSetSkip } from '../kruise/inject/index.js';
import { admitPodCreate } from '../kruise/inject/pod-webhook.js';
import type { LaunchPriorityOutcome } from '../kruise/inject/launch-priority.js';
import type { WebhookFinding } from '../kruise/inject/webhook-scope.js';
import type { KruiseProfile } from '../kruise/apis/version.js';
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
  /** the Kruise release and feature gates modelled */
  profile: KruiseProfile;
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
  /** set when Kruise's Pod webhook never sees the Pod, with why (and where the scope came from) */
  excluded?: { findings: WebhookFinding[]; source: string };
  /** assumptions made about the webhook's scope */
  scopeNotes?: WebhookFinding[];
  /** the container launch priority step, when it applies */
  launchPriority?: LaunchPriorityOutcome;
}

/** What the injection reads of the configuration (all a worker thread is sent of it). */
export type DocumentConfiguration = Pick<
  InjectionConfiguration,
  'sidecarSets' | 'namespaces' | 'revisions' | 'webhookConfiguration'
>;

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
    const outcome = admitPodCreate(pod, {
      sidecarSets: config.sidecarSets,
      namespaces: config.namespaces,
      revisions: config.revisions,
      webhookConfiguration: config.webhookConfiguration,
      now: options.now,
      profile: options.profile,
      template: located.specPath.length !== 1,
    });
    if (outcome.excluded) return { ...base, excluded: { findings: outcome.excluded, source: outcome.scopeSource } };
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
    const report: ObjectReport = {
      ...base,
      injected: outcome.injected,
      skipped: outcome.skipped,
      changed: outcome.changed,
    };
    if (outcome.scopeNotes.length > 0) report.scopeNotes = outcome.scopeNotes;
    if (outcome.launchPriority) report.launchPriority = outcome.launchPriority;
    return report;
  } catch (err) {
    throw placed(err, md);
  }
}
