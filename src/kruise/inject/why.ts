// Why a Pod was or was not injected by each SidecarSet, across the layers that decide it: whether Kruise's Pod
// webhook sees the Pod (webhook-scope.ts), when the Pod was created against the SidecarSet's history
// (injection-time.ts), the SidecarSet's own rules (the injection core: sidecarSetInjectsPod,
// getSuitableRevisionSidecarSet, canary replacement, conflicts), and what injecting it now would render
// (owned-diff.ts). Pure: every cluster object comes in as data, and a missing one is said, not guessed.
import { SidecarsetError } from '../../errors.js';
import type { Pod } from '../../k8s/api.js';
import { compareGoStrings } from '../../go/sort.js';
import { SidecarSetHashAnnotation, type SidecarSet } from '../apis/types.js';
import { dropCanaryBases, sidecarSetInjectsPod, type SkipReason } from '../sidecarcontrol/match.js';
import { getSuitableRevisionSidecarSet } from '../sidecarcontrol/revision.js';
import { injectPod, type InjectionContext, type InjectionOutcome } from './index.js';
import {
  injectionTimeFindings,
  podSidecarSetRecord,
  type PodSidecarSetRecord,
  type TimeCode,
} from './injection-time.js';
import { diffOwnedParts, type OwnedNames, type OwnedPartDiff } from './owned-diff.js';
import {
  podWebhookScope,
  type ReasonEffect,
  type WebhookFinding,
  type WebhookScopeCode,
  type WebhookScopeInput,
} from './webhook-scope.js';

export const ExplanationApiVersion = 'kubectl-sidecarset/v1';
export const ExplanationKind = 'InjectionExplanation';

export type SidecarSetRuleCode =
  | SkipReason
  | 'InvalidSelector'
  | 'RevisionPinned'
  | 'RevisionUnavailable'
  | 'SidecarSetConflict'
  | 'NothingToInject'
  | 'Matched';

export type ReasonCode = WebhookScopeCode | TimeCode | SidecarSetRuleCode;
export type ReasonLayer = 'webhook' | 'time' | 'sidecarset';

export interface Reason {
  code: ReasonCode;
  layer: ReasonLayer;
  effect: ReasonEffect;
  message: string;
}

/** What happens to a Pod like this one created now. */
export type NewPodOutcome = 'injected' | 'notInjected' | 'rejected' | 'unknown';

export interface SidecarSetExplanation {
  name: string;
  /** The live Pod carries this SidecarSet's injection (its annotations say so). */
  injected: boolean;
  podRevision?: { hash?: string; hashWithoutImage?: string; controllerRevision?: string };
  revision: { hash: string; controllerRevision?: string };
  newPod: NewPodOutcome;
  reasons: Reason[];
  /** What injecting now renders for this SidecarSet, against the live Pod's parts. */
  render: { revision?: string; parts: OwnedPartDiff[] };
}

export interface ExplanationTarget {
  /** Pod, or the workload kind whose template is explained. */
  kind: string;
  namespace: string;
  name: string;
  /** A workload's template: a Pod that would be created now (no creation time, nothing recorded). */
  template: boolean;
  creationTimestamp?: string;
}

export interface InjectionExplanation {
  apiVersion: typeof ExplanationApiVersion;
  kind: typeof ExplanationKind;
  target: ExplanationTarget;
  webhook: {
    admits: boolean | 'unknown';
    configuration?: string;
    name?: string;
    failurePolicy?: string;
    reasons: Reason[];
  };
  sidecarSets: SidecarSetExplanation[];
  /** Inputs that could not be read and what that leaves unchecked. */
  notes: string[];
}

export interface ExplanationInput {
  pod: Pod;
  target: ExplanationTarget;
  injection: InjectionContext;
  webhook: WebhookScopeInput;
  /** Set when the ControllerRevisions could not be read: a pinned revision is then unchecked, not missing. */
  revisionsUnavailable?: string;
  notes?: string[];
}

function nameOf(sidecarSet: SidecarSet): string {
  return sidecarSet.metadata?.name ?? '';
}

function webhookReason(f: WebhookFinding): Reason {
  return { code: f.code, layer: 'webhook', effect: f.effect, message: f.message };
}

function rule(code: SidecarSetRuleCode, effect: ReasonEffect, message: string): Reason {
  return { code, layer: 'sidecarset', effect, message };
}

/** Per SidecarSet, what the core's rules decide for a Pod created now (before rendering). */
interface RuleVerdict {
  sidecarSet: SidecarSet;
  reasons: Reason[];
  /** Matched and its revision available: it takes part in the render. */
  renders: boolean;
  revision?: string;
}

function ruleVerdicts(pod: Pod, ctx: InjectionContext, revisionsUnavailable: string | undefined): RuleVerdict[] {
  const verdicts: RuleVerdict[] = [];
  for (const sidecarSet of [...ctx.sidecarSets].sort((a, b) => compareGoStrings(nameOf(a), nameOf(b)))) {
    const reasons: Reason[] = [];
    const verdict: RuleVerdict = { sidecarSet, reasons, renders: false };
    verdicts.push(verdict);
    let outcome;
    try {
      outcome = sidecarSetInjectsPod(pod, sidecarSet, ctx.namespaces);
    } catch (err) {
      if (!(err instanceof SidecarsetError)) throw err;
      reasons.push(
        rule('InvalidSelector', 'rejects', `${err.message}; Kruise's webhook fails on it and rejects the Pod`),
      );
      continue;
    }
    if (!outcome.matched) {
      const effect: ReasonEffect = outcome.reason === 'NamespaceLabelsUnknown' ? 'unchecked' : 'blocks';
      reasons.push(rule(outcome.reason, effect, outcome.detail));
      continue;
    }
    const pinned = sidecarSet.spec?.injectionStrategy?.revision;
    if (pinned?.revisionName != null || pinned?.customVersion != null) {
      try {
        const suitable = getSuitableRevisionSidecarSet(sidecarSet, pod, ctx.revisions);
        verdict.revision = suitable.revision;
        const which =
          pinned.revisionName != null
            ? `revisionName "${pinned.revisionName}"`
            : `customVersion "${pinned.customVersion}"`;
        const gets =
          suitable.revision !== undefined ? `ControllerRevision ${suitable.revision}` : 'the latest revision';
        reasons.push(
          rule(
            'RevisionPinned',
            'info',
            `spec.injectionStrategy.revision pins ${which} (policy ${pinned.policy ?? 'Always'}): a new Pod gets ${gets}, not necessarily the current spec`,
          ),
        );
      } catch (err) {
        if (!(err instanceof SidecarsetError)) throw err;
        if (revisionsUnavailable !== undefined) {
          reasons.push(
            rule(
              'RevisionPinned',
              'unchecked',
              `spec.injectionStrategy.revision pins a revision, and the ControllerRevisions could not be read (${revisionsUnavailable})`,
            ),
          );
          continue;
        }
        reasons.push(
          rule(
            'RevisionUnavailable',
            'rejects',
            `${err.message}; Kruise's webhook rejects the Pod when it cannot find it`,
          ),
        );
        continue;
      }
    }
    const spec = sidecarSet.spec ?? {};
    if ((spec.containers ?? []).length === 0 && (spec.initContainers ?? []).length === 0) {
      reasons.push(
        rule('NothingToInject', 'info', 'the SidecarSet selects the Pod but defines no containers or init containers'),
      );
    }
    verdict.renders = true;
  }
  const { replaced } = dropCanaryBases(
    verdicts.filter((v) => v.renders),
    ctx.profile.version,
  );
  for (const { item, canary } of replaced) {
    item.renders = false;
    item.reasons.push(rule('ReplacedByCanary', 'blocks', `canary SidecarSet "${canary}" replaces it`));
  }
  return verdicts;
}

// One render of every SidecarSet that takes part, as the webhook does it; when two of them clash (the core
// refuses to produce a Pod the API server would reject), each is rendered alone and the clash named.
function render(pod: Pod, ctx: InjectionContext, verdicts: RuleVerdict[]): Map<string, InjectionOutcome> {
  const taking = verdicts.filter((v) => v.renders);
  const outcomes = new Map<string, InjectionOutcome>();
  try {
    const joint = injectPod(pod, { ...ctx, sidecarSets: taking.map((v) => v.sidecarSet) });
    for (const v of taking) outcomes.set(nameOf(v.sidecarSet), joint);
    return outcomes;
  } catch (err) {
    if (!(err instanceof SidecarsetError)) throw err;
    for (const v of taking) {
      try {
        outcomes.set(nameOf(v.sidecarSet), injectPod(pod, { ...ctx, sidecarSets: [v.sidecarSet] }));
      } catch (alone) {
        if (!(alone instanceof SidecarsetError)) throw alone;
        v.renders = false;
        v.reasons.push(rule('SidecarSetConflict', 'rejects', alone.message));
      }
    }
    markConflicts(
      taking.filter((v) => v.renders),
      outcomes,
      err.message,
    );
    return outcomes;
  }
}

function markConflicts(taking: RuleVerdict[], outcomes: Map<string, InjectionOutcome>, message: string): void {
  const owners = new Map<string, string[]>();
  for (const v of taking) {
    const injection = outcomes.get(nameOf(v.sidecarSet))?.injected[0];
    for (const c of [...(injection?.containers ?? []), ...(injection?.initContainers ?? [])]) {
      owners.set(c, [...(owners.get(c) ?? []), nameOf(v.sidecarSet)]);
    }
  }
  let marked = false;
  for (const v of taking) {
    const name = nameOf(v.sidecarSet);
    const clashes = [...owners].filter(([, o]) => o.length > 1 && o.includes(name));
    if (clashes.length === 0) continue;
    const text = clashes
      .map(
        ([c, o]) =>
          `container "${c}" is also injected by ${o
            .filter((x) => x !== name)
            .map((x) => `"${x}"`)
            .join(', ')}`,
      )
      .join('; ');
    v.reasons.push(
      rule(
        'SidecarSetConflict',
        'rejects',
        `${text}: the Pod would have duplicate containers, which the API server rejects`,
      ),
    );
    marked = true;
  }
  if (!marked) for (const v of taking) v.reasons.push(rule('SidecarSetConflict', 'rejects', message));
}

function newPodOutcome(
  admits: boolean | 'unknown',
  webhookReasons: Reason[],
  reasons: Reason[],
  renders: boolean,
  injects: boolean,
): NewPodOutcome {
  const all = [...webhookReasons, ...reasons];
  if (all.some((r) => r.effect === 'rejects')) return 'rejected';
  if (admits === false || all.some((r) => r.effect === 'blocks' && r.layer !== 'time')) return 'notInjected';
  if (admits === 'unknown' || all.some((r) => r.effect === 'unchecked')) return 'unknown';
  return renders && injects ? 'injected' : 'notInjected';
}

// A SidecarSet that would not inject now renders nothing: what the live Pod holds of it shows as removed.
const NOTHING_RENDERED: Pod = { metadata: {}, spec: { containers: [] } };

function renderedParts(
  pod: Pod,
  outcome: InjectionOutcome | undefined,
  injected: boolean,
  sidecarSet: SidecarSet,
  owned: OwnedNames,
): OwnedPartDiff[] {
  if (outcome !== undefined) return diffOwnedParts(pod, outcome.pod, sidecarSet, owned);
  return injected ? diffOwnedParts(pod, NOTHING_RENDERED, sidecarSet, owned) : [];
}

/** The whole explanation for one Pod (or a workload's Pod template) and every SidecarSet given. */
export function explainInjection(input: ExplanationInput): InjectionExplanation {
  const { pod, injection: ctx } = input;
  const scope = podWebhookScope(pod, ctx.namespaces, input.webhook);
  const webhookReasons = scope.findings.map(webhookReason);
  const verdicts = ruleVerdicts(pod, ctx, input.revisionsUnavailable);
  const outcomes = render(pod, ctx, verdicts);

  const sidecarSets = verdicts.map((v): SidecarSetExplanation => {
    const name = nameOf(v.sidecarSet);
    const annotations = v.sidecarSet.metadata?.annotations ?? {};
    const record: PodSidecarSetRecord = input.target.template ? { injected: false } : podSidecarSetRecord(pod, name);
    const outcome = v.renders ? outcomes.get(name) : undefined;
    const injection = outcome?.injected.find((i) => i.sidecarSet === name);
    const owned = { containers: injection?.containers ?? [], initContainers: injection?.initContainers ?? [] };
    const reasons: Reason[] = [];
    if (!input.target.template) {
      for (const f of injectionTimeFindings(pod, v.sidecarSet, record, ctx.revisions, v.renders)) {
        reasons.push({ code: f.code, layer: 'time', effect: f.effect, message: f.message });
      }
    }
    reasons.push(...v.reasons);
    const injects = owned.containers.length + owned.initContainers.length > 0;
    if (v.renders && injects && !v.reasons.some((r) => r.effect === 'rejects')) {
      reasons.push(rule('Matched', 'info', "the SidecarSet's selectors match the Pod and injection is not paused"));
    }
    const explanation: SidecarSetExplanation = {
      name,
      injected: record.injected,
      revision: { hash: annotations[SidecarSetHashAnnotation] ?? '' },
      newPod: newPodOutcome(scope.admits, webhookReasons, v.reasons, v.renders, injects),
      reasons,
      render: { parts: renderedParts(pod, outcome, record.injected, v.sidecarSet, owned) },
    };
    const latest = v.sidecarSet.status?.latestRevision;
    if (latest !== undefined) explanation.revision.controllerRevision = latest;
    if (v.revision !== undefined) explanation.render.revision = v.revision;
    if (record.injected) {
      const podRevision: SidecarSetExplanation['podRevision'] = {};
      if (record.hash !== undefined) podRevision.hash = record.hash;
      if (record.hashWithoutImage !== undefined) podRevision.hashWithoutImage = record.hashWithoutImage;
      if (record.controllerRevision !== undefined) podRevision.controllerRevision = record.controllerRevision;
      explanation.podRevision = podRevision;
    }
    return explanation;
  });

  const webhook: InjectionExplanation['webhook'] = { admits: scope.admits, reasons: webhookReasons };
  if (scope.configuration !== undefined) webhook.configuration = scope.configuration;
  if (scope.webhook !== undefined) webhook.name = scope.webhook;
  if (scope.failurePolicy !== undefined) webhook.failurePolicy = scope.failurePolicy;
  return {
    apiVersion: ExplanationApiVersion,
    kind: ExplanationKind,
    target: input.target,
    webhook,
    sidecarSets,
    notes: [...(input.notes ?? [])],
  };
}
