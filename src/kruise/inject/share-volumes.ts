// shareVolumePolicy / shareVolumeDevicePolicy: a sidecar also mounts what the Pod's app containers mount
// (GetInjectedVolumeMountsAndEnvs, GetInjectedVolumeDevices in pkg/control/sidecarcontrol/util.go).
import type { Container, EnvVar, Pod, VolumeDevice, VolumeMount } from '../../k8s/api.js';
import type { SidecarContainer } from '../apis/types.js';
import { SidecarEnvKey } from '../apis/types.js';

/** A container carrying IS_INJECTED=true was injected by Kruise and is no app container. */
export function isInjectedSidecarContainer(container: Container): boolean {
  return (container.env ?? []).find((e) => e.name === SidecarEnvKey)?.value === 'true';
}

const SUBPATH_EXPR_ENV = /\$\(([-._a-zA-Z][-._a-zA-Z0-9]*)\)/g;

/**
 * With shareVolumePolicy enabled: every volumeMount of the app containers in spec.containers, and the env vars a
 * mount's subPathExpr refers to (taken from that container; missing ones skipped).
 */
export function getInjectedVolumeMountsAndEnvs(
  sidecar: SidecarContainer,
  pod: Pod,
): { mounts: VolumeMount[]; envs: EnvVar[] } {
  const mounts: VolumeMount[] = [];
  const envs: EnvVar[] = [];
  if (sidecar.shareVolumePolicy?.type !== 'enabled') return { mounts, envs };
  for (const app of pod.spec?.containers ?? []) {
    if (isInjectedSidecarContainer(app)) continue;
    for (const mount of app.volumeMounts ?? []) {
      mounts.push(mount);
      for (const m of (mount.subPathExpr ?? '').matchAll(SUBPATH_EXPR_ENV)) {
        const env = (app.env ?? []).find((e) => e.name === m[1]);
        if (env) envs.push(env);
      }
    }
  }
  return { mounts, envs };
}

/** With shareVolumeDevicePolicy enabled: every volumeDevice of the app containers in spec.containers. */
export function getInjectedVolumeDevices(sidecar: SidecarContainer, pod: Pod): VolumeDevice[] {
  if (sidecar.shareVolumeDevicePolicy?.type !== 'enabled') return [];
  return (pod.spec?.containers ?? [])
    .filter((c) => !isInjectedSidecarContainer(c))
    .flatMap((c) => c.volumeDevices ?? []);
}
