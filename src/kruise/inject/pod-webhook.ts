// Kruise's Pod webhook on CREATE as a whole (PodCreateHandler.Handle, pkg/webhook/pod/mutating/
// pod_create_update_handler.go): does the API server call it for this Pod at all (the webhook's scope), then the
// steps of its chain that depend only on the Pod and the inputs given: the SidecarSets (./index.ts), then the
// container launch priority (./launch-priority.ts), in Kruise's order.
//
// Steps of the chain not modelled: the KruisePodReady readiness gate (Pods owned by Kruise workloads), WorkloadSpread,
// PodUnavailableBudget, PersistentPodState, EnhancedLivenessProbe and PodProbeMarker; they read objects this tool
// does not take (WorkloadSpreads, PUBs, PersistentPodStates, PodProbeMarkers) or the Pod's owner at creation.
import type { Pod } from '../../k8s/api.js';
import { versionTraits } from '../apis/version.js';
import { injectPod, type InjectionContext, type InjectionOutcome } from './index.js';
import { initializeContainerLaunchPriority, type LaunchPriorityOutcome } from './launch-priority.js';
import {
  chartWebhookConfiguration,
  podWebhookScope,
  type MutatingWebhookConfiguration,
  type WebhookFinding,
} from './webhook-scope.js';

export interface PodWebhookContext extends InjectionContext {
  /** Kruise's kruise-mutating-webhook-configuration when given; else the chart's for the release. */
  webhookConfiguration?: MutatingWebhookConfiguration;
  /** The Pod stands for a workload's pod template (no name of its own). */
  template: boolean;
}

export interface PodWebhookOutcome extends InjectionOutcome {
  /** Set when the API server never calls the Pod webhook for this Pod: why; the Pod is unchanged. */
  excluded?: WebhookFinding[];
  /** What was assumed or left unchecked about the scope. */
  scopeNotes: WebhookFinding[];
  /** Where the scope came from: the configuration given, or the chart's. */
  scopeSource: string;
  launchPriority?: LaunchPriorityOutcome;
}

export function admitPodCreate(pod: Pod, ctx: PodWebhookContext): PodWebhookOutcome {
  const given = ctx.webhookConfiguration;
  const scopeSource = given
    ? `MutatingWebhookConfiguration ${given.metadata.name ?? ''}`
    : `the ${versionTraits(ctx.profile.version).chart} chart's webhook configuration`;
  const scope = podWebhookScope(pod, ctx.namespaces, {
    configuration: given ?? chartWebhookConfiguration(ctx.profile),
    assumeUnlabelledNamespaces: true,
  });
  const blocking = scope.findings.filter((f) => f.effect === 'blocks' || f.effect === 'rejects');
  const scopeNotes = scope.findings.filter((f) => f.effect === 'info' || f.effect === 'unchecked');
  if (scope.admits === false)
    return { pod, changed: false, injected: [], skipped: [], excluded: blocking, scopeNotes, scopeSource };
  const outcome = injectPod(pod, ctx);
  const launchPriority = initializeContainerLaunchPriority(outcome.pod, ctx.template);
  const changed = outcome.changed || launchPriority?.applied === true;
  return { ...outcome, changed, scopeNotes, scopeSource, ...(launchPriority ? { launchPriority } : {}) };
}
