// `status` against a cluster: the SidecarSet as stored (v1beta1 where served, else v1alpha1 converted; its hash
// annotations kept), the Namespaces its namespaceSelector needs, and the Pods its selector selects, read in
// pages from the namespaces it allows; and, for -w, the same state kept true by watches and handed on after
// every change. The cluster layer's watch re-lists after a dropped watch or 410 Gone (a RESYNC event): the
// state of that source is then replaced whole.
import { SidecarsetError } from '../errors.js';
import type { LabelSelector, Pod } from '../k8s/api.js';
import { labelSelectorText } from '../k8s/selector-text.js';
import {
  SidecarSetHashAnnotation,
  SidecarSetHashWithoutImageAnnotation,
  type SidecarSet,
} from '../kruise/apis/types.js';
import type { NamespaceLabels } from '../kruise/sidecarcontrol/match.js';
import { isSelectorNamespace } from '../kruise/sidecarcontrol/match.js';
import { loadSidecarSet } from '../kruise/sidecarcontrol/sidecarset.js';
import type { StatusInput } from '../kruise/rollout/status.js';

type ClusterApi = typeof import('../cluster/index.js');
type Cluster = import('../cluster/index.js').Cluster;
type KubeObject = import('../cluster/index.js').KubeObject;
type WatchEvent = import('../cluster/index.js').WatchEvent;

export interface LiveStatusOptions {
  /** the SidecarSet's name */
  name: string;
  /** -n: only Pods of this namespace (else every namespace the SidecarSet allows) */
  namespace?: string;
  /** -l: only Pods that also have these labels */
  labelSelector?: string;
  pageSize?: number;
  /** a SidecarSet given (upgrade -f, where Kruise may not run): not read from the cluster, its Pods watched */
  sidecarSet?: SidecarSet;
}

export interface LiveInputs extends StatusInput {
  /** the served version the SidecarSet was read at */
  apiVersion: string;
  /** notes for stderr (the scope was narrowed by -n or -l) */
  notes: string[];
}

/** Reads the state once. */
export async function readLiveInputs(api: ClusterApi, cluster: Cluster, opts: LiveStatusOptions): Promise<LiveInputs> {
  const type = await api.sidecarSetType(cluster);
  const raw = await api.getObject(cluster, type, opts.name);
  const sidecarSet = asSidecarSet(raw);
  const scope = podScope(sidecarSet, opts, hashNote(raw));
  const namespaces = new Map<string, Record<string, string>>();
  let podNamespaces: (string | undefined)[] = [opts.namespace];
  if (scope.namespaceSelector) {
    for (const ns of (await api.listObjects(cluster, api.NAMESPACE, { pageSize: opts.pageSize })).items)
      namespaces.set(ns.metadata?.name ?? '', ns.metadata?.labels ?? {});
    podNamespaces = allowedNamespaces(scope.namespaceSelector, namespaces, opts.namespace);
  }
  const pods: Pod[] = [];
  if (scope.labelSelector !== null) {
    for (const namespace of podNamespaces) {
      const where = namespace === undefined ? { allNamespaces: true } : { namespace };
      for await (const page of api.listPages(cluster, api.POD, {
        ...where,
        labelSelector: scope.labelSelector,
        pageSize: opts.pageSize,
      })) {
        for (const p of page.items) pods.push(p as unknown as Pod);
      }
    }
  }
  return { sidecarSet, pods, namespaces, apiVersion: type.version, notes: scope.notes };
}

/**
 * Watches the SidecarSet, the Namespaces (when its namespaceSelector needs them) and its Pods, and yields the
 * whole state after every change (the first time once every source has been listed). A change to the
 * SidecarSet's selectors, or to the namespaces they allow, starts the Pod watches again on the new scope.
 * Ends when `signal` aborts; fails when the SidecarSet is deleted.
 */
export async function* watchLiveInputs(
  api: ClusterApi,
  cluster: Cluster,
  opts: LiveStatusOptions,
  signal: AbortSignal,
): AsyncGenerator<LiveInputs> {
  const given = opts.sidecarSet;
  const type = given ? undefined : await api.sidecarSetType(cluster);
  const apiVersion = type?.version ?? given?.apiVersion ?? '';
  const events = new EventQueue(signal);
  const sources = new Set<AbortController>();
  const start = (source: string, run: (signal: AbortSignal) => AsyncGenerator<WatchEvent>): AbortController => {
    const ctl = new AbortController();
    const stop = () => ctl.abort();
    signal.addEventListener('abort', stop, { once: true });
    sources.add(ctl);
    void (async () => {
      try {
        for await (const ev of run(ctl.signal)) events.push({ source, ev });
      } catch (err) {
        if (!ctl.signal.aborted) events.fail(err);
      } finally {
        signal.removeEventListener('abort', stop);
      }
    })();
    return ctl;
  };

  let sidecarSet: SidecarSet | undefined;
  const namespaces = new Map<string, Record<string, string>>();
  let pods = new Map<string, Map<string, Pod>>(); // per pod source: namespace/name -> Pod
  let podWatches: AbortController[] = [];
  let scopeKey = '';
  let listed = new Set<string>();
  let scope: PodScope | undefined;
  let generation = 0; // names the Pod sources of one scope, so events of an older scope's watches are dropped

  const restartPods = () => {
    for (const w of podWatches) w.abort();
    podWatches = [];
    pods = new Map();
    listed = new Set([...listed].filter((s) => !s.startsWith('pods/')));
    const s = scope!;
    if (s.labelSelector === null) return;
    generation++;
    const targets = s.namespaceSelector
      ? allowedNamespaces(s.namespaceSelector, namespaces, opts.namespace)
      : [opts.namespace];
    for (const namespace of targets) {
      const source = `pods/${generation}/${namespace ?? '*'}`;
      pods.set(source, new Map());
      const where = namespace === undefined ? { allNamespaces: true } : { namespace };
      podWatches.push(
        start(source, (sig) =>
          api.watchObjects(cluster, api.POD, {
            ...where,
            labelSelector: s.labelSelector!,
            pageSize: opts.pageSize,
            signal: sig,
          }),
        ),
      );
    }
  };

  if (type) start('sidecarsets', (sig) => api.watchObjects(cluster, type, { signal: sig, pageSize: opts.pageSize }));
  else {
    const raw = given as unknown as KubeObject;
    events.push({
      source: 'sidecarsets',
      ev: { type: 'RESYNC', objects: [raw], resourceVersion: '', reason: 'initial' },
    });
  }
  let namespaceWatch: AbortController | undefined;
  try {
    for (;;) {
      const batch = await events.next();
      if (batch === undefined) return;
      let rescope = false;
      for (const { source, ev } of batch) {
        if (source === 'sidecarsets') {
          const mine = pick(ev, opts.name);
          if (mine === 'deleted') throw new SidecarsetError(`the SidecarSet "${opts.name}" was deleted`);
          if (mine === 'absent') throw new SidecarsetError(`sidecarsets.${type?.group} "${opts.name}" not found`);
          if (mine === undefined) continue;
          sidecarSet = given ?? asSidecarSet(mine);
          listed.add(source);
          const next = podScope(sidecarSet, opts, hashNote(mine));
          if (next.namespaceSelector && !namespaceWatch) {
            namespaceWatch = start('namespaces', (sig) =>
              api.watchObjects(cluster, api.NAMESPACE, { signal: sig, pageSize: opts.pageSize }),
            );
          }
          scope = next;
          rescope = true;
        } else if (source === 'namespaces') {
          apply(
            ev,
            namespaces,
            (o) => o.metadata?.name ?? '',
            (o) => o.metadata?.labels ?? {},
          );
          listed.add(source);
          rescope = true;
        } else {
          const state = pods.get(source);
          if (!state) continue; // a watch of an older scope
          apply(
            ev,
            state,
            (o) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`,
            (o) => o as unknown as Pod,
          );
          listed.add(source);
        }
      }
      if (!sidecarSet || !scope) continue;
      if (scope.namespaceSelector && !listed.has('namespaces')) continue;
      if (rescope) {
        const key = scopeKeyOf(scope, namespaces, opts);
        if (key !== scopeKey) {
          scopeKey = key;
          restartPods();
        }
      }
      if ([...pods.keys()].some((s) => !listed.has(s))) continue;
      const all: Pod[] = [];
      for (const state of pods.values()) all.push(...state.values());
      yield { sidecarSet, pods: all, namespaces: new Map(namespaces), apiVersion, notes: scope.notes };
    }
  } finally {
    for (const s of sources) s.abort();
  }
}

// ---- the scope ----

interface PodScope {
  /** the labelSelector to list Pods with; null when spec.selector selects nothing */
  labelSelector: string | null;
  namespaceSelector: LabelSelector | undefined;
  notes: string[];
}

function podScope(sidecarSet: SidecarSet, opts: LiveStatusOptions, notes: string[]): PodScope {
  const selector = sidecarSet.spec?.selector;
  if (opts.namespace !== undefined)
    notes.push(
      `only Pods of namespace ${opts.namespace} are read (-n): the counts, percentages and batches cover those Pods only`,
    );
  if (opts.labelSelector)
    notes.push(
      `only Pods with ${opts.labelSelector} are read (-l): the counts, percentages and batches cover those Pods only`,
    );
  // a missing spec.selector selects no Pod (the core says why for the Pods it is given: there are none)
  const own = selector ? labelSelectorText(selector) : null;
  const labelSelector = own === null ? null : [own, opts.labelSelector ?? ''].filter((s) => s !== '').join(',');
  return { labelSelector, namespaceSelector: sidecarSet.spec?.namespaceSelector ?? undefined, notes };
}

/** The namespaces whose Pods Kruise lists (FetchSidecarSetMatchedNamespace), within -n when given. */
function allowedNamespaces(selector: LabelSelector, namespaces: NamespaceLabels, only: string | undefined): string[] {
  const names = [...namespaces.keys()].filter((ns) => isSelectorNamespace(ns, selector, namespaces) === true).sort();
  return only === undefined ? names : names.filter((n) => n === only);
}

function scopeKeyOf(scope: PodScope, namespaces: NamespaceLabels, opts: LiveStatusOptions): string {
  const where = scope.namespaceSelector
    ? allowedNamespaces(scope.namespaceSelector, namespaces, opts.namespace).join(',')
    : (opts.namespace ?? '*');
  return `${scope.labelSelector}\n${where}`;
}

export function asSidecarSet(raw: KubeObject): SidecarSet {
  // As stored: converted to v1beta1 when read at v1alpha1, the hash annotations kept. Only a SidecarSet that
  // carries neither (it never went through Kruise's webhook) has them computed, as the webhook would.
  const annotations = raw.metadata?.annotations ?? {};
  const hashed = SidecarSetHashAnnotation in annotations || SidecarSetHashWithoutImageAnnotation in annotations;
  return loadSidecarSet(raw, { keepHash: hashed }).sidecarSet;
}

/** The note for a SidecarSet whose hashes had to be computed. */
function hashNote(raw: KubeObject): string[] {
  const annotations = raw.metadata?.annotations ?? {};
  if (SidecarSetHashAnnotation in annotations || SidecarSetHashWithoutImageAnnotation in annotations) return [];
  return [
    `the SidecarSet carries no ${SidecarSetHashAnnotation} annotations (Kruise's webhook did not store it): computed as the webhook would`,
  ];
}

// ---- events ----

/** This SidecarSet in a SidecarSet event: the object, 'deleted', 'absent' (a list without it), or undefined (another one). */
function pick(ev: WatchEvent, name: string): KubeObject | 'deleted' | 'absent' | undefined {
  if (ev.type === 'RESYNC') return ev.objects.find((o) => o.metadata?.name === name) ?? 'absent';
  if (ev.object.metadata?.name !== name) return undefined;
  return ev.type === 'DELETED' ? 'deleted' : ev.object;
}

function apply<T>(
  ev: WatchEvent,
  state: Map<string, T>,
  key: (o: KubeObject) => string,
  value: (o: KubeObject) => T,
): void {
  if (ev.type === 'RESYNC') {
    // a re-list after a drop or 410: what was not listed is gone
    state.clear();
    for (const o of ev.objects) state.set(key(o), value(o));
  } else if (ev.type === 'DELETED') state.delete(key(ev.object));
  else state.set(key(ev.object), value(ev.object));
}

/** Events of every source in arrival order, taken in batches: what arrived while the last batch was handled. */
class EventQueue {
  private queue: { source: string; ev: WatchEvent }[] = [];
  private error: unknown;
  private failed = false;
  private wake: (() => void) | undefined;

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener('abort', () => this.wake?.(), { once: true });
  }

  push(item: { source: string; ev: WatchEvent }): void {
    this.queue.push(item);
    this.wake?.();
  }

  fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.error = err;
    this.wake?.();
  }

  async next(): Promise<{ source: string; ev: WatchEvent }[] | undefined> {
    while (this.queue.length === 0 && !this.failed && !this.signal.aborted) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    if (this.failed) throw this.error;
    if (this.signal.aborted) return undefined;
    const batch = this.queue;
    this.queue = [];
    return batch;
  }
}
