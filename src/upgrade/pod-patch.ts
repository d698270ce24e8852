// The one JSON Patch (RFC 6902) that takes a live Pod to the Pod Kruise would write, and the one that takes it
// back. Each starts with its preconditions, so the API server applies it whole or not at all: the Pod's
// resourceVersion, the name of every container it changes at that container's index, every old value it
// replaces. What may change is fixed: images of sidecar containers (those Kruise injected: IS_INJECTED=true)
// and annotations. Anything else in the difference is refused, before anything is sent.
import jsonPatch from 'fast-json-patch';
import { SidecarsetError } from '../errors.js';
import type { Container, Pod } from '../k8s/api.js';
import { SidecarEnvKey } from '../kruise/apis/types.js';
import type { JsonPatchOperation } from '../cluster/write.js';

export type { JsonPatchOperation };

/** What a Pod had before a run, for `--undo`: images by container name, annotations (null: absent). */
export interface PodSnapshot {
  images: Record<string, string>;
  annotations: Record<string, string | null>;
}

const CONTAINER_LISTS = ['containers', 'initContainers'] as const;
type ContainerList = (typeof CONTAINER_LISTS)[number];

const IMAGE_PATH = /^\/spec\/(containers|initContainers)\/(\d+)\/image$/;
const ANNOTATION_PATH = /^\/metadata\/annotations\/([^/]*)$/;

/** The patch from `before` (the live Pod) to `after` (upgradePod's Pod). Throws SidecarsetError past the guard. */
export function upgradePatch(before: Pod, after: Pod): JsonPatchOperation[] {
  const changes = jsonPatch.compare(before, after) as JsonPatchOperation[];
  const tests: JsonPatchOperation[] = [resourceVersionTest(before)];
  const oldValues: JsonPatchOperation[] = [];
  const named = new Set<string>();
  for (const op of changes) {
    const place = allowedPlace(before, after, op);
    if (place.container && !named.has(place.container.path)) {
      named.add(place.container.path);
      tests.push({ op: 'test', path: `${place.container.path}/name`, value: place.container.name });
    }
    if (op.op === 'replace' || op.op === 'remove') {
      oldValues.push({ op: 'test', path: op.path, value: jsonPatch.getValueByPointer(before, op.path) });
    }
  }
  if (changes.length === 0) return [];
  return [...tests, ...oldValues, ...changes];
}

interface Place {
  /** the container the operation changes, for the name test */
  container?: { path: string; name: string };
}

function allowedPlace(before: Pod, after: Pod, op: JsonPatchOperation): Place {
  if (op.op !== 'add' && op.op !== 'replace' && op.op !== 'remove') throw refused(op, 'only add, replace and remove');
  const image = IMAGE_PATH.exec(op.path);
  if (image) {
    const list = image[1] as ContainerList;
    const index = Number(image[2]);
    const was = before.spec?.[list]?.[index];
    const now = after.spec?.[list]?.[index];
    if (!was || !now || was.name !== now.name) throw refused(op, 'a container moved');
    if (!isInjectedSidecar(was)) throw refused(op, `container "${was.name}" is not a sidecar Kruise injected`);
    return { container: { path: `/spec/${list}/${index}`, name: was.name } };
  }
  if (ANNOTATION_PATH.test(op.path)) return {};
  if (op.path === '/metadata/annotations' && op.op === 'add' && before.metadata?.annotations === undefined) return {};
  throw refused(op, 'only sidecar images and annotations change in place');
}

/** IsInjectedSidecarContainerInPod: the container carries IS_INJECTED=true. */
function isInjectedSidecar(c: Container): boolean {
  return (c.env ?? []).some((e) => e.name === SidecarEnvKey && e.value === 'true');
}

function resourceVersionTest(pod: Pod): JsonPatchOperation {
  const rv = pod.metadata?.resourceVersion;
  if (typeof rv !== 'string' || rv === '') {
    throw new SidecarsetError(`pod ${podName(pod)} has no metadata.resourceVersion: the patch cannot be guarded`, {
      field: 'metadata.resourceVersion',
    });
  }
  return { op: 'test', path: '/metadata/resourceVersion', value: rv };
}

function refused(op: JsonPatchOperation, why: string): SidecarsetError {
  return new SidecarsetError(`refusing to ${op.op} ${op.path}: ${why}`, { field: fieldOf(op.path) });
}

/** A JSON pointer as a field path: /spec/containers/1/image -> spec.containers[1].image. */
function fieldOf(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => jsonPatch.unescapePathComponent(p))
    .reduce((out, p) => (/^\d+$/.test(p) ? `${out}[${p}]` : out === '' ? p : `${out}.${p}`), '');
}

function podName(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/** What `pod` has of the containers and annotations a run touches (to journal before patching). */
export function snapshotOf(pod: Pod, touched: { containers: string[]; annotations: string[] }): PodSnapshot {
  const images: Record<string, string> = {};
  for (const name of touched.containers) {
    const c = findContainer(pod, name);
    if (c) images[name] = c.container.image ?? '';
  }
  const annotations: Record<string, string | null> = {};
  for (const key of touched.annotations) annotations[key] = pod.metadata?.annotations?.[key] ?? null;
  return { images, annotations };
}

/**
 * The patch that gives `current` back what `previous` recorded. With `wrote` (the snapshot of what the run
 * wrote, same keys), every value must still be what the run wrote, else the answer is a conflict naming the
 * field; without it, only a container that is gone is a conflict. An empty patch: nothing to undo.
 */
export function undoPatch(
  current: Pod,
  previous: PodSnapshot,
  wrote?: PodSnapshot,
): JsonPatchOperation[] | { conflict: string } {
  const target = structuredClone(current);
  for (const [name, image] of Object.entries(previous.images)) {
    const found = findContainer(target, name);
    if (!found) return { conflict: `spec.containers[${name}] (the container is gone)` };
    const now = found.container.image ?? '';
    if (wrote && name in wrote.images && wrote.images[name] !== now)
      return { conflict: `spec.containers[${name}].image` };
    if (image === '') delete found.container.image;
    else found.container.image = image;
  }
  for (const [key, value] of Object.entries(previous.annotations)) {
    const now = current.metadata?.annotations?.[key] ?? null;
    if (wrote && key in wrote.annotations && wrote.annotations[key] !== now)
      return { conflict: `metadata.annotations[${key}]` };
    const annotations = (target.metadata.annotations ??= {});
    if (value === null) delete annotations[key];
    else annotations[key] = value;
  }
  return upgradePatch(current, target);
}

function findContainer(pod: Pod, name: string): { list: ContainerList; container: Container } | undefined {
  for (const list of CONTAINER_LISTS) {
    const container = (pod.spec?.[list] ?? []).find((c) => c.name === name);
    if (container) return { list, container };
  }
  return undefined;
}
