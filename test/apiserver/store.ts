// The object store: every change gets the next value of one global resourceVersion counter and is kept as an
// event, like etcd's revisions. The event history serves watches that start from a resourceVersion and lets
// a paginated list read the snapshot it started from; `compact()` forgets it, as etcd compaction does, after
// which older resourceVersions answer 410 Expired.
import type { ResourceType } from './resources.js';
import { errors } from './status.js';

export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    generateName?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: any;
};

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  rv: number;
  type: EventType;
  resource: ResourceType;
  key: string;
  /** the object after the change (for DELETED: as it was when deleted, with the deletion's resourceVersion) */
  object: KubeObject;
  /** the object before the change; undefined for ADDED */
  previous?: KubeObject;
}

export type Listener = (event: StoreEvent) => void;

export function objectKey(resource: ResourceType, namespace: string | undefined, name: string): string {
  return `${resource.group}/${resource.resource}/${resource.namespaced ? (namespace ?? '') : ''}/${name}`;
}

function typePrefix(resource: ResourceType): string {
  return `${resource.group}/${resource.resource}/`;
}

export class ObjectStore {
  private readonly objects = new Map<string, { resource: ResourceType; object: KubeObject }>();
  private history: StoreEvent[] = [];
  private readonly listeners = new Set<Listener>();
  private rv = 0;
  /** resourceVersions at or below this are no longer in the history */
  private compactedRv = 0;

  constructor(private readonly historyLimit = 10_000) {}

  get resourceVersion(): number {
    return this.rv;
  }

  get oldestResourceVersion(): number {
    return this.compactedRv;
  }

  get(resource: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const entry = this.objects.get(objectKey(resource, namespace, name));
    return entry && structuredClone(entry.object);
  }

  /** Objects of one resource (in one namespace, or all), in key order as etcd returns them. */
  list(resource: ResourceType, namespace?: string): KubeObject[] {
    return this.keysOf(resource, namespace).map((k) => structuredClone(this.objects.get(k)!.object));
  }

  /** The same list as it was at resourceVersion `rv`; 410 Expired when that is older than the history. */
  listAt(resource: ResourceType, namespace: string | undefined, rv: number): KubeObject[] {
    if (rv < this.compactedRv) throw this.tooOld(rv);
    const state = new Map<string, KubeObject>();
    for (const k of this.keysOf(resource, undefined)) state.set(k, this.objects.get(k)!.object);
    // Undo, newest first, every change made after rv.
    for (let i = this.history.length - 1; i >= 0 && this.history[i].rv > rv; i--) {
      const e = this.history[i];
      if (e.resource !== resource) continue;
      if (e.previous) state.set(e.key, e.previous);
      else state.delete(e.key);
    }
    const prefix = namespace === undefined ? typePrefix(resource) : `${typePrefix(resource)}${namespace}/`;
    return [...state.keys()]
      .filter((k) => k.startsWith(prefix))
      .sort()
      .map((k) => structuredClone(state.get(k)!));
  }

  /** Events after `rv`, oldest first; 410 Expired when some of them were compacted away. */
  eventsSince(rv: number): StoreEvent[] {
    if (rv < this.compactedRv) throw this.tooOld(rv);
    const first = this.history.findIndex((e) => e.rv > rv);
    return first < 0 ? [] : this.history.slice(first);
  }

  private tooOld(rv: number) {
    return errors.expired(`too old resource version: ${rv} (${this.compactedRv})`);
  }

  private keysOf(resource: ResourceType, namespace: string | undefined): string[] {
    const prefix = namespace === undefined ? typePrefix(resource) : `${typePrefix(resource)}${namespace}/`;
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  /** Stores `object` (or deletes it when null), stamping the next resourceVersion, and tells every listener. */
  commit(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
    object: KubeObject | null,
  ): KubeObject | undefined {
    const key = objectKey(resource, namespace, name);
    const before = this.objects.get(key)?.object;
    if (!object && !before) return undefined;
    const rv = ++this.rv;
    let stored: KubeObject;
    if (object) {
      stored = structuredClone(object);
      stored.metadata.resourceVersion = String(rv);
      this.objects.set(key, { resource, object: stored });
    } else {
      stored = structuredClone(before!);
      stored.metadata.resourceVersion = String(rv);
      this.objects.delete(key);
    }
    const event: StoreEvent = {
      rv,
      type: !object ? 'DELETED' : before ? 'MODIFIED' : 'ADDED',
      resource,
      key,
      object: stored,
      previous: before,
    };
    this.history.push(event);
    if (this.history.length > this.historyLimit)
      this.compactTo(this.history[this.history.length - this.historyLimit - 1].rv);
    this.dispatch(event);
    return structuredClone(stored);
  }

  // Listeners may commit in turn (the kubelet does); their events wait in the queue, so every listener
  // sees every event in resourceVersion order.
  private readonly queue: StoreEvent[] = [];
  private dispatching = false;

  private dispatch(event: StoreEvent): void {
    this.queue.push(event);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let e = this.queue.shift(); e; e = this.queue.shift()) {
        for (const listener of [...this.listeners]) listener(e);
      }
    } finally {
      this.dispatching = false;
    }
  }

  /** Forgets the history up to `rv` (default: all of it). */
  compactTo(rv = this.rv): void {
    this.history = this.history.filter((e) => e.rv > rv);
    this.compactedRv = Math.max(this.compactedRv, rv);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
