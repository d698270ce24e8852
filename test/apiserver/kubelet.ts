// A simulated scheduler and kubelet. A new Pod is bound to a node and, after `readyDelayMs`, runs Ready. When a
// container's image changes in the spec (an in-place update), that container restarts: restartCount + 1, not
// ready, then after `restartDelayMs` it runs the new image with a new imageID. Images listed in `badImages`
// never pull (ImagePullBackOff). Each change is a status write with its own resourceVersion, seen by watches.
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { ResourceType } from './resources.js';
import type { KubeObject, ObjectStore, StoreEvent } from './store.js';

export interface KubeletOptions {
  /** from creation to Running and Ready; default 20 ms */
  readyDelayMs?: number;
  /** from an image change to the restarted container being ready; default 20 ms */
  restartDelayMs?: number;
  /** from a graceful delete to the Pod being gone; default 0 ms */
  terminateDelayMs?: number;
  /** images that fail to pull */
  badImages?: string[];
  /** where Pods are bound; default 'node-1' */
  nodeName?: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The repository part of an image reference: no tag, no digest. */
function repository(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}

/** What a Docker-based kubelet reports as imageID: the repository and a digest (here a hash of the image). */
export function imageIdOf(image: string): string {
  return `docker-pullable://${repository(image)}@sha256:${sha256(image)}`;
}

type ContainerStatus = Record<string, any>;

export class Kubelet {
  private readonly timers = new Set<NodeJS.Timeout>();
  /** pod key + container name -> the image a pending start is for */
  private readonly starting = new Map<string, string>();
  private readonly unsubscribe: () => void;
  private readonly bad: Set<string>;
  private podCount = 0;
  private readonly ips = new Map<string, string>();

  constructor(
    private readonly store: ObjectStore,
    private readonly pods: ResourceType,
    private readonly options: KubeletOptions = {},
  ) {
    this.bad = new Set(options.badImages ?? []);
    this.unsubscribe = store.subscribe((e) => this.onEvent(e));
  }

  /** Pods already in the store when the kubelet starts (fixtures) get the same treatment as new ones. */
  adoptExisting(): void {
    for (const pod of this.store.list(this.pods)) this.reconcile(pod);
  }

  stop(): void {
    this.unsubscribe();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private onEvent(e: StoreEvent): void {
    if (e.resource !== this.pods || e.type === 'DELETED') return;
    // A kubelet hears of changes through its own watch, after the write that made them has been answered.
    this.later(0, () => {
      const pod = this.store.get(this.pods, e.object.metadata.namespace, e.object.metadata.name!);
      if (pod && pod.metadata.resourceVersion === e.object.metadata.resourceVersion) this.reconcile(pod);
    });
  }

  private write(pod: KubeObject): void {
    this.store.commit(this.pods, pod.metadata.namespace, pod.metadata.name!, pod);
  }

  private reconcile(current: KubeObject): void {
    const key = `${current.metadata.namespace}/${current.metadata.name}`;
    if (current.metadata.deletionTimestamp) {
      this.later(this.options.terminateDelayMs ?? 0, () => {
        const pod = this.store.get(this.pods, current.metadata.namespace, current.metadata.name!);
        if (pod && pod.metadata.uid === current.metadata.uid)
          this.store.commit(this.pods, pod.metadata.namespace, pod.metadata.name!, null);
      });
      return;
    }
    const pod = structuredClone(current);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    pod.spec ??= {};
    pod.status ??= {};
    if (!pod.spec.nodeName) {
      // The scheduler's binding: a Pod's spec.nodeName is set once, through pods/binding.
      pod.spec.nodeName = this.options.nodeName ?? 'node-1';
    }
    if (!this.ips.has(key)) {
      const n = ++this.podCount;
      this.ips.set(key, pod.status.podIP ?? `10.244.${Math.floor(n / 250)}.${(n % 250) + 2}`);
    }
    pod.status.hostIP ??= '192.168.0.10';
    pod.status.podIP ??= this.ips.get(key);
    pod.status.podIPs ??= [{ ip: pod.status.podIP }];
    pod.status.startTime ??= now;
    const statuses: ContainerStatus[] = pod.status.containerStatuses ?? [];
    pod.status.containerStatuses = (pod.spec.containers ?? []).map((c: any) =>
      this.containerStatus(key, pod, c, statuses, now),
    );
    this.podConditions(pod, now);
    if (!isDeepStrictEqual(pod.status, current.status) || pod.spec.nodeName !== current.spec?.nodeName) this.write(pod);
  }

  private containerStatus(
    podKey: string,
    pod: KubeObject,
    c: any,
    statuses: ContainerStatus[],
    now: string,
  ): ContainerStatus {
    const startKey = `${podKey}/${c.name}`;
    const old = statuses.find((s) => s.name === c.name);
    const pending = this.starting.get(startKey);
    if (old && old.image === c.image && !old.state?.waiting) return old;
    if (pending === c.image) return old!;
    if (this.bad.has(c.image)) {
      this.starting.delete(startKey);
      return {
        name: c.name,
        state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } },
        ...(old?.state?.running
          ? { lastState: { terminated: this.terminated(old, now) } }
          : old?.lastState
            ? { lastState: old.lastState }
            : { lastState: {} }),
        ready: false,
        restartCount: (old?.restartCount ?? 0) + (old?.state?.running ? 1 : 0),
        image: c.image,
        imageID: '',
        started: false,
      };
    }
    this.starting.set(startKey, c.image);
    const delay = old?.state?.running ? (this.options.restartDelayMs ?? 20) : (this.options.readyDelayMs ?? 20);
    this.later(delay, () => this.start(pod, c.name, c.image));
    if (!old) {
      return {
        name: c.name,
        state: { waiting: { reason: 'ContainerCreating' } },
        lastState: {},
        ready: false,
        restartCount: 0,
        image: c.image,
        imageID: '',
        started: false,
      };
    }
    // The running container is killed to be recreated with the new image: it is reported as not ready and
    // restarted while the new one starts; image and imageID stay the old ones until it runs.
    return {
      ...old,
      state: { waiting: { reason: 'ContainerCreating' } },
      ...(old.state?.running ? { lastState: { terminated: this.terminated(old, now) } } : {}),
      ready: false,
      started: false,
      restartCount: (old.restartCount ?? 0) + (old.state?.running ? 1 : 0),
    };
  }

  private terminated(old: ContainerStatus, now: string) {
    return {
      exitCode: 0,
      reason: 'Completed',
      startedAt: old.state.running.startedAt,
      finishedAt: now,
      containerID: old.containerID,
    };
  }

  private start(created: KubeObject, name: string, image: string): void {
    const key = `${created.metadata.namespace}/${created.metadata.name}`;
    if (this.starting.get(`${key}/${name}`) !== image) return;
    this.starting.delete(`${key}/${name}`);
    const pod = this.store.get(this.pods, created.metadata.namespace, created.metadata.name!);
    if (!pod || pod.metadata.uid !== created.metadata.uid || pod.metadata.deletionTimestamp) return;
    const container = (pod.spec?.containers ?? []).find((c: any) => c.name === name);
    if (!container || container.image !== image) return;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const statuses: ContainerStatus[] = pod.status?.containerStatuses ?? [];
    const old = statuses.find((s) => s.name === name) ?? {};
    const restartCount = old.restartCount ?? 0;
    const running: ContainerStatus = {
      name,
      state: { running: { startedAt: now } },
      lastState: old.lastState ?? {},
      ready: true,
      restartCount,
      image,
      imageID: imageIdOf(image),
      containerID: `containerd://${sha256(`${pod.metadata.uid}/${name}/${restartCount}/${image}`)}`,
      started: true,
    };
    pod.status.containerStatuses = statuses.map((s) => (s.name === name ? running : s));
    this.podConditions(pod, now);
    this.write(pod);
  }

  private podConditions(pod: KubeObject, now: string): void {
    const statuses: ContainerStatus[] = pod.status.containerStatuses;
    const containersReady = statuses.length > 0 && statuses.every((s) => s.ready);
    const conditions: any[] = pod.status.conditions ?? [];
    const gate = (type: string) => conditions.find((c) => c.type === type)?.status === 'True';
    const gatesReady = (pod.spec.readinessGates ?? []).every((g: any) => gate(g.conditionType));
    const everRan = statuses.length > 0 && statuses.every((s) => s.state?.running || s.lastState?.terminated);
    pod.status.phase = everRan ? 'Running' : 'Pending';
    pod.status.qosClass ??= 'BestEffort';
    const set = (type: string, value: boolean) => {
      const status = value ? 'True' : 'False';
      const existing = conditions.find((c) => c.type === type);
      if (existing?.status === status) return;
      const next = { type, status, lastProbeTime: null, lastTransitionTime: now };
      if (existing) conditions.splice(conditions.indexOf(existing), 1, next);
      else conditions.push(next);
    };
    set('PodReadyToStartContainers', true);
    set('Initialized', true);
    set('Ready', containersReady && gatesReady);
    set('ContainersReady', containersReady);
    set('PodScheduled', true);
    pod.status.conditions = conditions;
  }
}
