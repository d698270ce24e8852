// Does Kruise's Pod webhook see a Pod at all? The API server calls a mutating webhook only when one of its rules
// covers the request and its namespaceSelector and objectSelector match (k8s.io/apiserver's webhook matching:
// rules, namespace and object matchers). Kruise's chart registers its Pod webhook in
// `kruise-mutating-webhook-configuration` as `mpod.kb.io` (path /mutate-pod, Pod CREATE, failurePolicy Fail,
// kube-system and `control-plane: openkruise` excluded); Kruise drops the entry when the PodWebhook gate is off
// (pkg/webhook/util/configuration/configuration.go keeps only paths that have a handler).
import { LabelMetadataName, type LabelSelector, type Pod } from '../../k8s/api.js';
import { compileLabelSelector } from '../../k8s/selector.js';
import { labelSelectorText } from '../../k8s/selector-text.js';
import { gateEnabled, PodWebhook, type KruiseProfile } from '../apis/version.js';
import { isSelectorNamespace, podNamespace, type NamespaceLabels } from '../sidecarcontrol/match.js';

export const KruiseMutatingWebhookConfiguration = 'kruise-mutating-webhook-configuration';
export const KruisePodWebhookName = 'mpod.kb.io';
export const KruisePodWebhookPath = '/mutate-pod';

export interface RuleWithOperations {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  scope?: string;
}

export interface MutatingWebhook {
  name: string;
  clientConfig?: {
    url?: string;
    service?: { namespace: string; name: string; path?: string; port?: number };
  };
  rules?: RuleWithOperations[];
  failurePolicy?: string;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  matchConditions?: { name: string; expression: string }[];
  [key: string]: unknown;
}

export interface MutatingWebhookConfiguration {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; [key: string]: unknown };
  webhooks?: MutatingWebhook[];
}

/** core/v1 Endpoints, only what readiness needs. */
export interface Endpoints {
  kind: 'Endpoints';
  metadata: { name?: string; namespace?: string };
  subsets?: { addresses?: unknown[]; notReadyAddresses?: unknown[] }[];
}

/** discovery/v1 EndpointSlice, only what readiness needs. */
export interface EndpointSlice {
  kind: 'EndpointSlice';
  metadata: { name?: string; namespace?: string; labels?: Record<string, string> };
  endpoints?: { conditions?: { ready?: boolean | null } }[];
}

/** What is known of the webhook's backends: the objects, or why they could not be read. */
export type WebhookBackends = { objects: (Endpoints | EndpointSlice)[] } | { unknown: string };

export type WebhookScopeCode =
  | 'WebhookConfigurationMissing'
  | 'PodWebhookMissing'
  | 'WebhookRulesExcludePodCreate'
  | 'WebhookNamespaceExcluded'
  | 'WebhookNamespaceAssumed'
  | 'WebhookObjectExcluded'
  | 'WebhookNoReadyEndpoints'
  | 'WebhookMatchConditions'
  | 'WebhookUnchecked';

/**
 * What a reason does to a Pod created now: `blocks` keeps the sidecars out, `rejects` makes the creation fail,
 * `info` changes nothing by itself, `unchecked` says an input was missing so a check was not made.
 */
export type ReasonEffect = 'blocks' | 'rejects' | 'info' | 'unchecked';

export interface WebhookFinding {
  code: WebhookScopeCode;
  effect: ReasonEffect;
  message: string;
}

export interface WebhookScope {
  /** Does the Pod webhook receive a Pod like this one when it is created now? */
  admits: boolean | 'unknown';
  configuration?: string;
  webhook?: string;
  failurePolicy?: string;
  findings: WebhookFinding[];
}

export interface WebhookScopeInput {
  /** The configuration; null when the API server has none; a string says why it could not be read. */
  configuration: MutatingWebhookConfiguration | null | { unknown: string };
  /** Endpoints/EndpointSlices of the webhook's service; absent when not looked up. */
  backends?: WebhookBackends;
  /**
   * Offline, a Namespace that was not given is taken to carry no labels but its name: the namespaceSelector is
   * decided on `kubernetes.io/metadata.name` (which the API server sets), said in a WebhookNamespaceAssumed note.
   * Otherwise unknown labels leave the scope undecided.
   */
  assumeUnlabelledNamespaces?: boolean;
}

/**
 * The chart's kruise-mutating-webhook-configuration for the release, as far as the Pod webhook goes: mpod.kb.io
 * with the chart's namespaceSelector, Pod CREATE only; the chart leaves the entry out when PodWebhook=false is
 * among its feature gates, and Kruise drops it when the gate is off.
 */
export function chartWebhookConfiguration(profile: KruiseProfile): MutatingWebhookConfiguration {
  const webhooks: MutatingWebhook[] = [];
  if (gateEnabled(profile, PodWebhook))
    webhooks.push({
      name: KruisePodWebhookName,
      clientConfig: {
        service: { namespace: 'kruise-system', name: 'kruise-webhook-service', path: KruisePodWebhookPath },
      },
      failurePolicy: 'Fail',
      namespaceSelector: {
        matchExpressions: [
          { key: 'control-plane', operator: 'NotIn', values: ['openkruise'] },
          { key: LabelMetadataName, operator: 'NotIn', values: ['kube-system'] },
        ],
      },
      rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
      sideEffects: 'None',
    });
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: KruiseMutatingWebhookConfiguration },
    webhooks,
  };
}

function isUnknown(v: unknown): v is { unknown: string } {
  return typeof v === 'object' && v !== null && typeof (v as { unknown?: unknown }).unknown === 'string';
}

/** The Pod webhook entry: found by Kruise's handler path, else by the chart's name. */
export function findPodWebhook(configuration: MutatingWebhookConfiguration): MutatingWebhook | undefined {
  const webhooks = configuration.webhooks ?? [];
  return (
    webhooks.find((w) => webhookPath(w) === KruisePodWebhookPath) ??
    webhooks.find((w) => w.name === KruisePodWebhookName)
  );
}

function webhookPath(webhook: MutatingWebhook): string | undefined {
  const config = webhook.clientConfig;
  if (config?.service) return config.service.path;
  if (config?.url === undefined) return undefined;
  try {
    return new URL(config.url).pathname;
  } catch {
    return undefined;
  }
}

// A rule list item matches when each of its lists holds the value or "*" (rule matcher of k8s.io/apiserver).
function has(list: string[] | undefined, value: string): boolean {
  return (list ?? []).some((v) => v === '*' || v === value);
}

/** Does any rule cover `pods` CREATE in core/v1, a namespaced resource? Subresource wildcards do not count. */
export function rulesCoverPodCreate(rules: readonly RuleWithOperations[] | undefined): boolean {
  return (rules ?? []).some(
    (r) =>
      has(r.operations, 'CREATE') &&
      has(r.apiGroups, '') &&
      has(r.apiVersions, 'v1') &&
      (r.resources ?? []).some((res) => res === '*' || res === 'pods' || res === '*/*') &&
      (r.scope === undefined || r.scope === '*' || r.scope === 'Namespaced'),
  );
}

/** An unset selector of a stored webhook is {} (defaulted by the API server): it matches everything. */
function selectorOrEverything(selector: LabelSelector | undefined): LabelSelector {
  return selector ?? {};
}

// Without the Namespace's labels, a failing requirement on its name still decides (kube-system in the chart);
// with `assume`, so does a Namespace with no other labels.
function namespaceSelected(
  ns: string,
  selector: LabelSelector,
  namespaces: NamespaceLabels,
  assume: boolean,
): boolean | 'unknown' | 'assumed' {
  const field = 'webhooks[].namespaceSelector';
  const answer = isSelectorNamespace(ns, selector, namespaces, field);
  if (answer !== 'unknown') return answer;
  const compiled = compileLabelSelector(selector, field);
  const byName = compiled.requirements.filter((r) => r.key === LabelMetadataName);
  const nameOnly: LabelSelector = {
    matchExpressions: byName.map((r) => ({ key: r.key, operator: r.operator, values: [...r.values] })),
  };
  if (byName.length > 0 && !compileLabelSelector(nameOnly, field).matches({ [LabelMetadataName]: ns })) return false;
  if (!assume) return 'unknown';
  return compiled.matches({ [LabelMetadataName]: ns }) ? 'assumed' : 'unknown';
}

function describeFailurePolicy(policy: string): string {
  return policy === 'Ignore'
    ? 'failurePolicy Ignore: Pods are created without injection while no endpoint is ready'
    : 'failurePolicy Fail: Pod creation in scope fails while no endpoint is ready';
}

function backendsReady(objects: readonly (Endpoints | EndpointSlice)[]): boolean {
  return objects.some((o) =>
    o.kind === 'Endpoints'
      ? (o.subsets ?? []).some((s) => (s.addresses ?? []).length > 0)
      : (o.endpoints ?? []).some((e) => e.conditions?.ready !== false),
  );
}

/** Whether the API server would call Kruise's Pod webhook for `pod` on creation, and if not, why. */
export function podWebhookScope(pod: Pod, namespaces: NamespaceLabels, input: WebhookScopeInput): WebhookScope {
  const findings: WebhookFinding[] = [];
  const configuration = input.configuration;
  if (isUnknown(configuration)) {
    findings.push({
      code: 'WebhookUnchecked',
      effect: 'unchecked',
      message: `Kruise's webhook scope was not checked: ${configuration.unknown}`,
    });
    return { admits: 'unknown', findings };
  }
  if (configuration === null) {
    findings.push({
      code: 'WebhookConfigurationMissing',
      effect: 'blocks',
      message: `MutatingWebhookConfiguration "${KruiseMutatingWebhookConfiguration}" does not exist: Kruise's webhook is not installed, so no Pod is injected`,
    });
    return { admits: false, findings };
  }
  const name = configuration.metadata?.name ?? KruiseMutatingWebhookConfiguration;
  const webhook = findPodWebhook(configuration);
  if (webhook === undefined) {
    findings.push({
      code: 'PodWebhookMissing',
      effect: 'blocks',
      message: `MutatingWebhookConfiguration "${name}" has no Pod webhook (${KruisePodWebhookName}, path ${KruisePodWebhookPath}): Kruise runs with the PodWebhook feature gate off, so no Pod is injected`,
    });
    return { admits: false, configuration: name, findings };
  }
  const failurePolicy = webhook.failurePolicy ?? 'Fail';
  const scope: WebhookScope = { admits: true, configuration: name, webhook: webhook.name, failurePolicy, findings };
  let admits: boolean | 'unknown' = true;

  if (!rulesCoverPodCreate(webhook.rules)) {
    findings.push({
      code: 'WebhookRulesExcludePodCreate',
      effect: 'blocks',
      message: `webhook ${webhook.name}'s rules do not cover CREATE of pods (core/v1), so Kruise never sees a new Pod`,
    });
    admits = false;
  }
  const ns = podNamespace(pod);
  const nsSelector = selectorOrEverything(webhook.namespaceSelector);
  const inNamespace = namespaceSelected(ns, nsSelector, namespaces, input.assumeUnlabelledNamespaces === true);
  if (inNamespace === false) {
    const byName = namespaces.has(ns) ? '' : `, decided by its name (${LabelMetadataName})`;
    findings.push({
      code: 'WebhookNamespaceExcluded',
      effect: 'blocks',
      message: `webhook ${webhook.name} excludes namespace ${ns} (namespaceSelector ${labelSelectorText(nsSelector)}${byName}), so Kruise never sees its Pods`,
    });
    admits = false;
  } else if (inNamespace === 'assumed') {
    findings.push({
      code: 'WebhookNamespaceAssumed',
      effect: 'info',
      message: `Namespace ${ns} was not given: webhook ${webhook.name}'s namespaceSelector (${labelSelectorText(nsSelector)}) was decided by its name (${LabelMetadataName}), as for a Namespace with no other labels; give the Namespace object to decide on its labels`,
    });
  } else if (inNamespace === 'unknown') {
    findings.push({
      code: 'WebhookUnchecked',
      effect: 'unchecked',
      message: `webhook ${webhook.name}'s namespaceSelector needs the labels of Namespace "${ns}", which were not available`,
    });
    if (admits === true) admits = 'unknown';
  }
  const objectSelector = compileLabelSelector(
    selectorOrEverything(webhook.objectSelector),
    'webhooks[].objectSelector',
  );
  if (!objectSelector.matches(pod.metadata?.labels)) {
    findings.push({
      code: 'WebhookObjectExcluded',
      effect: 'blocks',
      message: `webhook ${webhook.name}'s objectSelector does not match the Pod's labels, so Kruise never sees it`,
    });
    admits = false;
  }
  if ((webhook.matchConditions ?? []).length > 0) {
    findings.push({
      code: 'WebhookMatchConditions',
      effect: 'unchecked',
      message: `webhook ${webhook.name} has matchConditions (${webhook.matchConditions!.map((c) => c.name).join(', ')}), CEL expressions not evaluated here`,
    });
    if (admits === true) admits = 'unknown';
  }
  checkBackends(webhook, failurePolicy, input.backends, findings);
  scope.admits = admits;
  return scope;
}

function checkBackends(
  webhook: MutatingWebhook,
  failurePolicy: string,
  backends: WebhookBackends | undefined,
  findings: WebhookFinding[],
): void {
  const service = webhook.clientConfig?.service;
  if (service === undefined || backends === undefined) return; // a URL webhook has no Service to look at
  const where = `service ${service.namespace}/${service.name}`;
  if (isUnknown(backends)) {
    findings.push({
      code: 'WebhookUnchecked',
      effect: 'unchecked',
      message: `the endpoints of ${where} were not checked: ${backends.unknown}`,
    });
    return;
  }
  if (backendsReady(backends.objects)) return;
  findings.push({
    code: 'WebhookNoReadyEndpoints',
    effect: failurePolicy === 'Ignore' ? 'blocks' : 'rejects',
    message: `${where} has no ready endpoints (kruise-controller-manager is down or not ready); ${describeFailurePolicy(failurePolicy)}`,
  });
}
