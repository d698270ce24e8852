// The names HotUpgrade sidecars live under, shared by the Pod webhook and the controller
// (pkg/control/sidecarcontrol/util_hotupgrade.go): NAME-1 and NAME-2 in the Pod, and the version
// annotations each of them reads its SIDECARSET_VERSION / SIDECARSET_VERSION_ALT env from.
import type { SidecarContainer } from '../apis/types.js';

export function isHotUpgradeContainer(sidecar: SidecarContainer): boolean {
  return sidecar.upgradeStrategy?.upgradeType === 'HotUpgrade';
}

export function hotUpgradeContainerNames(name: string): [string, string] {
  return [`${name}-1`, `${name}-2`];
}

export function podSidecarSetVersionAnnotation(containerName: string): string {
  return `version.sidecarset.kruise.io/${containerName}`;
}

export function podSidecarSetVersionAltAnnotation(containerName: string): string {
  return `versionalt.sidecarset.kruise.io/${containerName}`;
}
