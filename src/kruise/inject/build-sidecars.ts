// buildSidecars (pkg/webhook/pod/mutating/sidecarset.go) for a Pod being created: from each matched
// SidecarSet, the init containers and containers to inject (with shared mounts, transferred env, IS_INJECTED,
// hot-upgrade pairs and resourcesPolicy applied), the volumes they use, the imagePullSecrets and the
// annotations Kruise records on the Pod.
import type { EnvVar, LocalObjectReference, Pod, Volume } from '../../k8s/api.js';
import type { SidecarContainer, SidecarSet } from '../apis/types.js';
import {
  SidecarEnvKey,
  SidecarSetHashAnnotation,
  SidecarSetHashWithoutImageAnnotation,
  SidecarSetListAnnotation,
  SidecarSetWorkingHotUpgradeContainer,
} from '../apis/types.js';
import { applyResourcesPolicy } from '../resources/policy.js';
import { sortedGoSet } from '../../go/sort.js';
import { canonicalMetaTime } from '../../k8s/meta-time.js';
import { injectHotUpgradeContainers } from './hot-upgrade.js';
import { isHotUpgradeContainer } from '../sidecarcontrol/hot-upgrade.js';
import { mergeEnvVar, mergeVolumeDevices, mergeVolumeMounts } from './merge.js';
import {
  marshalStringMap,
  marshalUpgradeSpecs,
  mergeInjectedList,
  parseStringMapLeniently,
  parseUpgradeSpecs,
  recordUpgradeSpec,
} from '../sidecarcontrol/pod-annotations.js';
import { getInjectedVolumeDevices, getInjectedVolumeMountsAndEnvs } from './share-volumes.js';
import { getSidecarTransferEnvs } from './transfer-env.js';

/** Something injected, with the SidecarSet it comes from. */
export interface Owned<T> {
  owner: string;
  item: T;
}

export interface BuiltSidecars {
  containers: Owned<SidecarContainer>[];
  initContainers: Owned<SidecarContainer>[];
  imagePullSecrets: LocalObjectReference[];
  volumes: Owned<Volume>[];
  /** In the order they are set on the Pod. */
  annotations: [string, string][];
}

function isNativeSidecar(container: SidecarContainer): boolean {
  return container.restartPolicy === 'Always';
}

/**
 * `sidecarSets` are copies (they are modified) in processing order; `pod` is the Pod as the webhook sees it at
 * this point (metadata patched, nothing injected yet); `now` is the canonical injection timestamp, undefined
 * for each SidecarSet's own (injectionTimestamp).
 */
export function buildSidecars(pod: Pod, sidecarSets: SidecarSet[], now: string | undefined): BuiltSidecars {
  const hashes = parseUpgradeSpecs(pod, SidecarSetHashAnnotation);
  const hashesWithoutImage = parseUpgradeSpecs(pod, SidecarSetHashWithoutImageAnnotation);
  const hotUpgradeWorkInfo = parseStringMapLeniently(pod.metadata?.annotations?.[SidecarSetWorkingHotUpgradeContainer]);
  const built: BuiltSidecars = {
    containers: [],
    initContainers: [],
    imagePullSecrets: [],
    volumes: [],
    annotations: [],
  };
  const hotAnnotations: [string, string][] = [];
  let hotUpgraded = false;

  for (const sidecarSet of sidecarSets) {
    const owner = sidecarSet.metadata?.name ?? '';
    // The last definition of a name wins, as in Kruise's volumes map.
    const volumesByName = new Map((sidecarSet.spec?.volumes ?? []).map((v) => [v.name, v]));
    const useVolumes = (sidecar: SidecarContainer): void => {
      for (const ref of [...(sidecar.volumeMounts ?? []), ...(sidecar.volumeDevices ?? [])]) {
        const volume = volumesByName.get(ref.name);
        if (volume) built.volumes.push({ owner, item: volume });
      }
    };
    const sidecarList: string[] = [];
    let injecting = false;

    const prepare = (sidecar: SidecarContainer): void => {
      if (sidecar.resourcesPolicy) applyResourcesPolicy(pod, sidecar, sidecarSets);
      const shared = getInjectedVolumeMountsAndEnvs(sidecar, pod);
      const transferEnvs = mergeEnvVar(getSidecarTransferEnvs(sidecar, pod), shared.envs);
      useVolumes(sidecar);
      setList(sidecar, 'volumeMounts', mergeVolumeMounts(sidecar, shared.mounts));
      const injectedEnv: EnvVar = { name: SidecarEnvKey, value: 'true' };
      sidecar.env = mergeEnvVar([...(sidecar.env ?? []), injectedEnv], transferEnvs);
      setList(sidecar, 'volumeDevices', mergeVolumeDevices(sidecar, getInjectedVolumeDevices(sidecar, pod)));
      injecting = true;
    };
    const hotUpgrade = (sidecar: SidecarContainer): SidecarContainer[] => {
      const { containers, annotations } = injectHotUpgradeContainers(sidecar, hotUpgradeWorkInfo);
      hotAnnotations.push(...annotations);
      hotUpgraded = true;
      return containers;
    };

    // Init containers and imagePullSecrets are injected only when the Pod is created.
    for (const sidecar of sidecarSet.spec?.initContainers ?? []) {
      if (isNativeSidecar(sidecar)) sidecarList.push(sidecar.name);
      prepare(sidecar);
      const injected = isNativeSidecar(sidecar) && isHotUpgradeContainer(sidecar) ? hotUpgrade(sidecar) : [sidecar];
      for (const item of injected) built.initContainers.push({ owner, item });
    }
    built.imagePullSecrets.push(...(sidecarSet.spec?.imagePullSecrets ?? []));

    for (const sidecar of sidecarSet.spec?.containers ?? []) {
      sidecarList.push(sidecar.name);
      prepare(sidecar);
      const injected = isHotUpgradeContainer(sidecar) ? hotUpgrade(sidecar) : [sidecar];
      for (const item of injected) built.containers.push({ owner, item });
    }

    if (injecting) {
      const list = sortedGoSet(sidecarList);
      const updateTimestamp = now ?? injectionTimestamp(sidecarSet);
      recordUpgradeSpec(hashes, {
        updateTimestamp,
        hash: sidecarSet.metadata?.annotations?.[SidecarSetHashAnnotation] ?? '',
        sidecarSetName: owner,
        sidecarList: list,
        controllerRevision: sidecarSet.status?.latestRevision ?? '',
      });
      recordUpgradeSpec(hashesWithoutImage, {
        updateTimestamp,
        hash: sidecarSet.metadata?.annotations?.[SidecarSetHashWithoutImageAnnotation] ?? '',
        sidecarSetName: owner,
        sidecarList: [...list],
        controllerRevision: '',
      });
    }
  }

  built.annotations.push(
    [SidecarSetHashAnnotation, marshalUpgradeSpecs(hashes)],
    [SidecarSetHashWithoutImageAnnotation, marshalUpgradeSpecs(hashesWithoutImage)],
    [
      SidecarSetListAnnotation,
      mergeInjectedList(
        pod,
        SidecarSetListAnnotation,
        sidecarSets.map((s) => s.metadata?.name ?? ''),
      ),
    ],
  );
  if (hotUpgraded) built.annotations.push([SidecarSetWorkingHotUpgradeContainer, marshalStringMap(hotUpgradeWorkInfo)]);
  built.annotations.push(...hotAnnotations);
  return built;
}

// Go omits an empty list (omitempty); so do we, unless the container spelled it out.
function setList<K extends 'volumeMounts' | 'volumeDevices'>(
  sidecar: SidecarContainer,
  key: K,
  value: NonNullable<SidecarContainer[K]>,
): void {
  if (value.length === 0 && sidecar[key] === undefined) return;
  sidecar[key] = value;
}

const UNIX_EPOCH = '1970-01-01T00:00:00Z';

/**
 * The updateTimestamp written without a clock: the SidecarSet's creationTimestamp (a stored object has one),
 * else the Unix epoch. Kruise stamps the Pod's admission, which a template rendered ahead of time cannot know,
 * and reads the field nowhere; a time taken from the inputs keeps two renders of them identical.
 */
export function injectionTimestamp(sidecarSet: SidecarSet): string {
  const created = sidecarSet.metadata?.creationTimestamp;
  const canonical = typeof created === 'string' ? canonicalMetaTime(created) : undefined;
  return typeof canonical === 'string' ? canonical : UNIX_EPOCH;
}
