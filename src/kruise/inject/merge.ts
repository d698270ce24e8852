// Kruise's merge helpers (pkg/util/pods.go, and mergeSidecarContainers / mergeSidecarSecrets of the Pod
// webhook). Each keeps what is already there and appends only what is new, by name or by path.
import { toPodContainer } from './pod-container.js';
import type { Container, EnvVar, LocalObjectReference, Volume, VolumeDevice, VolumeMount } from '../../k8s/api.js';
import type { SidecarContainer } from '../apis/types.js';

/** MergeVolumeMounts: the container's mounts, then additional ones whose mountPath is not taken (by a mount or a device). */
export function mergeVolumeMounts(container: Container, additional: readonly VolumeMount[]): VolumeMount[] {
  const taken = new Set<string>();
  const out: VolumeMount[] = [];
  for (const m of container.volumeMounts ?? []) {
    taken.add(m.mountPath);
    out.push(m);
  }
  for (const d of container.volumeDevices ?? []) taken.add(d.devicePath);
  for (const m of additional) {
    if (taken.has(m.mountPath)) continue;
    out.push(m);
    taken.add(m.mountPath);
  }
  return out;
}

/** MergeVolumeDevices: the container's devices, then additional ones whose devicePath is not taken (by a device or a mount). */
export function mergeVolumeDevices(container: Container, additional: readonly VolumeDevice[]): VolumeDevice[] {
  const taken = new Set<string>();
  const out: VolumeDevice[] = [];
  for (const d of container.volumeDevices ?? []) {
    taken.add(d.devicePath);
    out.push(d);
  }
  for (const m of container.volumeMounts ?? []) taken.add(m.mountPath);
  for (const d of additional) {
    if (taken.has(d.devicePath)) continue;
    out.push(d);
    taken.add(d.devicePath);
  }
  return out;
}

/** MergeEnvVar: `original` untouched (duplicates included), then additional vars whose name is new. */
export function mergeEnvVar(original: readonly EnvVar[], additional: readonly EnvVar[]): EnvVar[] {
  const exists = new Set(original.map((e) => e.name));
  const out = [...original];
  for (const e of additional) {
    if (exists.has(e.name)) continue;
    out.push(e);
    exists.add(e.name);
  }
  return out;
}

/** MergeVolumes: same rule by volume name; the first definition of a name wins. */
export function mergeVolumes(original: readonly Volume[], additional: readonly Volume[]): Volume[] {
  const exists = new Set(original.map((v) => v.name));
  const out = [...original];
  for (const v of additional) {
    if (exists.has(v.name)) continue;
    out.push(v);
    exists.add(v.name);
  }
  return out;
}

/** mergeSidecarSecrets: the Pod's secrets de-duplicated, then the SidecarSets' new ones. */
export function mergeSidecarSecrets(
  inPod: readonly LocalObjectReference[],
  inSidecars: readonly LocalObjectReference[],
): LocalObjectReference[] {
  const seen = new Set<string | undefined>();
  const out: LocalObjectReference[] = [];
  for (const s of [...inPod, ...inSidecars]) {
    if (seen.has(s.name)) continue;
    seen.add(s.name);
    out.push(s);
  }
  return out;
}

/**
 * mergeSidecarContainers: a sidecar named like a container already in the list replaces it where it stands;
 * the others go in front (BeforeAppContainer) or at the end (AfterAppContainer, or no policy), in the given
 * order. Used for containers and for init containers alike. Injected containers enter as Pod containers.
 */
export function mergeSidecarContainers(
  origins: readonly Container[],
  injected: readonly SidecarContainer[],
): Container[] {
  const index = new Map<string, number>();
  origins.forEach((c, i) => index.set(c.name, i));
  const middle = [...origins];
  const before: Container[] = [];
  const after: Container[] = [];
  for (const sidecar of injected) {
    const container = toPodContainer(sidecar);
    const at = index.get(sidecar.name);
    if (at !== undefined) middle[at] = container;
    else if (sidecar.podInjectPolicy === 'BeforeAppContainer') before.push(container);
    else after.push(container);
  }
  return [...before, ...middle, ...after];
}
