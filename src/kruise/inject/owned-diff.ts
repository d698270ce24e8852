// The SidecarSet-owned parts of a Pod, live against rendered: the containers and init containers a SidecarSet
// injects (hot-upgrade pairs NAME-1/NAME-2 included), the volumes it defines, its entries of Kruise's
// annotations and the annotations its patchPodMetadata sets. Everything else in the Pod belongs to the app.
import type { Container, Pod, Volume } from '../../k8s/api.js';
import { deepEqual } from '../../k8s/deep-equal.js';
import {
  SidecarSetHashAnnotation,
  SidecarSetHashWithoutImageAnnotation,
  SidecarSetListAnnotation,
  type SidecarSet,
} from '../apis/types.js';
import { podSidecarSetRecord } from './injection-time.js';

export type PartKind = 'container' | 'initContainer' | 'volume' | 'annotation';
export type PartChange = 'added' | 'removed' | 'changed' | 'unchanged';

export interface OwnedPartDiff {
  kind: PartKind;
  name: string;
  change: PartChange;
  /** Top-level fields that differ, for a changed container or volume. */
  fields?: string[];
  /** Short live/rendered values: images of a container, hashes of an annotation entry. */
  live?: string;
  rendered?: string;
}

export interface OwnedNames {
  containers: readonly string[];
  initContainers: readonly string[];
}

function byName<T extends { name: string }>(list: readonly T[] | undefined): Map<string, T> {
  return new Map((list ?? []).map((item) => [item.name, item]));
}

// The API server stores `resources: {}` where a render has none, and Go drops empty values on output: an
// empty object, list or null says the same as an absent field.
function meaningful(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map(meaningful);
  if (typeof v !== 'object' || v === null) return v === null ? undefined : v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const m = meaningful(x);
    if (m !== undefined) out[k] = m;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

function differingFields(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => !deepEqual(meaningful(a[k]), meaningful(b[k])));
}

function diffItem<T extends { name: string }>(
  kind: PartKind,
  name: string,
  live: T | undefined,
  rendered: T | undefined,
): OwnedPartDiff | undefined {
  if (live === undefined && rendered === undefined) return undefined;
  if (live === undefined) return { kind, name, change: 'added' };
  if (rendered === undefined) return { kind, name, change: 'removed' };
  const fields = differingFields(live, rendered);
  if (fields.length === 0) return { kind, name, change: 'unchanged' };
  const diff: OwnedPartDiff = { kind, name, change: 'changed', fields };
  if (fields.includes('image')) {
    diff.live = String((live as unknown as Container).image ?? '');
    diff.rendered = String((rendered as unknown as Container).image ?? '');
  }
  return diff;
}

// A base name recorded in sidecarList stands for itself or its hot-upgrade pair.
function liveNames(base: readonly string[], present: ReadonlyMap<string, unknown>): string[] {
  return base.flatMap((n) => (present.has(n) ? [n] : [`${n}-1`, `${n}-2`].filter((h) => present.has(h))));
}

function hashOf(pod: Pod, annotation: string, name: string): string | undefined {
  const record = podSidecarSetRecord(pod, name);
  return annotation === SidecarSetHashAnnotation ? record.hash : record.hashWithoutImage;
}

/**
 * One SidecarSet's parts of `live` against `rendered`. `owned` names what the render injected for it; names
 * the live Pod recorded for it (sidecarList) are compared too, so a sidecar that would no longer be injected
 * shows as removed.
 */
export function diffOwnedParts(live: Pod, rendered: Pod, sidecarSet: SidecarSet, owned: OwnedNames): OwnedPartDiff[] {
  const name = sidecarSet.metadata?.name ?? '';
  const out: OwnedPartDiff[] = [];
  const liveContainers = byName<Container>(live.spec?.containers);
  const liveInit = byName<Container>(live.spec?.initContainers);
  const renderedContainers = byName<Container>(rendered.spec?.containers);
  const renderedInit = byName<Container>(rendered.spec?.initContainers);
  const recorded = podSidecarSetRecord(live, name).sidecarList ?? [];
  const sidecarInit = new Set((sidecarSet.spec?.initContainers ?? []).map((c) => c.name));

  const containerNames = new Set([
    ...owned.containers,
    ...liveNames(
      recorded.filter((n) => !sidecarInit.has(n)),
      liveContainers,
    ),
  ]);
  for (const n of containerNames) push(out, diffItem('container', n, liveContainers.get(n), renderedContainers.get(n)));
  const initNames = new Set([
    ...owned.initContainers,
    ...liveNames(
      recorded.filter((n) => sidecarInit.has(n)),
      liveInit,
    ),
  ]);
  for (const n of initNames) push(out, diffItem('initContainer', n, liveInit.get(n), renderedInit.get(n)));

  const liveVolumes = byName<Volume>(live.spec?.volumes);
  const renderedVolumes = byName<Volume>(rendered.spec?.volumes);
  for (const v of new Set((sidecarSet.spec?.volumes ?? []).map((v) => v.name))) {
    push(out, diffItem('volume', v, liveVolumes.get(v), renderedVolumes.get(v)));
  }

  for (const annotation of [SidecarSetHashAnnotation, SidecarSetHashWithoutImageAnnotation]) {
    push(out, diffValue(`${annotation}[${name}]`, hashOf(live, annotation, name), hashOf(rendered, annotation, name)));
  }
  const listed = (pod: Pod): string | undefined =>
    (pod.metadata?.annotations?.[SidecarSetListAnnotation] ?? '').split(',').includes(name) ? name : undefined;
  push(out, diffValue(`${SidecarSetListAnnotation}[${name}]`, listed(live), listed(rendered)));
  const patched = new Set((sidecarSet.spec?.patchPodMetadata ?? []).flatMap((p) => Object.keys(p.annotations ?? {})));
  for (const key of [...patched].sort()) {
    push(out, diffValue(key, live.metadata?.annotations?.[key], rendered.metadata?.annotations?.[key]));
  }
  return out;
}

function diffValue(name: string, live: string | undefined, rendered: string | undefined): OwnedPartDiff | undefined {
  if (live === undefined && rendered === undefined) return undefined;
  const change: PartChange =
    live === undefined ? 'added' : rendered === undefined ? 'removed' : live === rendered ? 'unchanged' : 'changed';
  const diff: OwnedPartDiff = { kind: 'annotation', name, change };
  if (live !== undefined) diff.live = live;
  if (rendered !== undefined) diff.rendered = rendered;
  return diff;
}

function push(out: OwnedPartDiff[], diff: OwnedPartDiff | undefined): void {
  if (diff !== undefined) out.push(diff);
}
