// Hot upgrade: a sidecar with upgradeStrategy.upgradeType HotUpgrade is injected twice, NAME-1 working with
// the real image and NAME-2 idle with hotUpgradeEmptyImage (sidecarset_hotupgrade.go, util_hotupgrade.go).
import type { EnvVar } from '../../k8s/api.js';
import type { SidecarContainer } from '../apis/types.js';
import {
  hotUpgradeContainerNames,
  podSidecarSetVersionAltAnnotation,
  podSidecarSetVersionAnnotation,
} from '../sidecarcontrol/hot-upgrade.js';

export const SidecarSetVersionEnvKey = 'SIDECARSET_VERSION';
export const SidecarSetVersionAltEnvKey = 'SIDECARSET_VERSION_ALT';

/**
 * injectHotUpgradeContainers: the two containers (SIDECARSET_VERSION / _ALT env appended to each, read from
 * the version annotations) and the version annotations of a first injection ("1"/"0" for the working one,
 * "0"/"1" for the idle one). Records NAME -> NAME-1 in `workInfo` (the working-container map).
 */
export function injectHotUpgradeContainers(
  sidecar: SidecarContainer,
  workInfo: Map<string, string>,
): { containers: [SidecarContainer, SidecarContainer]; annotations: [string, string][] } {
  const [name1, name2] = hotUpgradeContainerNames(sidecar.name);
  const working: SidecarContainer = { ...structuredClone(sidecar), name: name1 };
  const idle: SidecarContainer = { ...structuredClone(sidecar), name: name2 };
  // Go assigns "" when hotUpgradeEmptyImage is unset; image is omitempty, so the key disappears.
  const emptyImage = sidecar.upgradeStrategy?.hotUpgradeEmptyImage ?? '';
  if (emptyImage === '') delete idle.image;
  else idle.image = emptyImage;
  for (const c of [working, idle]) c.env = [...(c.env ?? []), ...versionEnv(c.name)];
  workInfo.set(sidecar.name, name1);
  return {
    containers: [working, idle],
    annotations: [
      [podSidecarSetVersionAnnotation(name1), '1'],
      [podSidecarSetVersionAltAnnotation(name1), '0'],
      [podSidecarSetVersionAnnotation(name2), '0'],
      [podSidecarSetVersionAltAnnotation(name2), '1'],
    ],
  };
}

function versionEnv(containerName: string): EnvVar[] {
  const fieldRef = (annotation: string): EnvVar['valueFrom'] => ({
    fieldRef: { fieldPath: `metadata.annotations['${annotation}']` },
  });
  return [
    { name: SidecarSetVersionEnvKey, valueFrom: fieldRef(podSidecarSetVersionAnnotation(containerName)) },
    { name: SidecarSetVersionAltEnvKey, valueFrom: fieldRef(podSidecarSetVersionAltAnnotation(containerName)) },
  ];
}
