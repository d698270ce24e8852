// Sidecar containers (validateContainersForSidecarSet): Kruise's own fields first, then core Pod
// validation of a fake Pod carrying them. Kruise's own problems are reported on irregular paths
// (`spec[<i>]…`, `spec.container.podInjectPolicy`), kept here as Kruise prints them.
import type { Container, Volume } from '../../k8s/api.js';
import type { SidecarContainer, TransferEnvVar } from '../apis/types.js';
import { child, index, invalid, type FieldError } from '../../k8s/validation/field-errors.js';
import { splitSubscriptedPath, validateObjectFieldSelector } from '../../k8s/validation/paths.js';
import { validateFakePodCreate } from '../../k8s/validation/pod.js';
import { validateResourcesPolicy } from './resources-policy.js';

// The stand-in regular container when a SidecarSet has only init containers (the Pod needs one).
const DUMMY_CONTAINER: Container = {
  name: 'test',
  image: 'busybox',
  imagePullPolicy: 'IfNotPresent',
  terminationMessagePolicy: 'File',
};

/** `root` is the spec path. */
export function validateSidecarContainers(
  initContainers: readonly SidecarContainer[],
  containers: readonly SidecarContainer[],
  volumes: readonly Volume[] | undefined,
  root: string,
): FieldError[] {
  const errs: FieldError[] = [];
  initContainers.forEach((c, i) => {
    if (!c.resourcesPolicy) return;
    const at = child(index(root, i), 'resourcesPolicy');
    if (c.restartPolicy !== 'Always') {
      errs.push(
        invalid(at, c.resourcesPolicy, 'resourcesPolicy is only supported for containers with RestartPolicy Always'),
      );
    }
    errs.push(...validateResourcesPolicy(c, at));
  });
  containers.forEach((c, i) => {
    const at = index(root, i);
    if (c.podInjectPolicy !== 'BeforeAppContainer' && c.podInjectPolicy !== 'AfterAppContainer') {
      errs.push(
        invalid(child(root, 'container', 'podInjectPolicy'), c.podInjectPolicy ?? '', 'unsupported pod inject policy'),
      );
    }
    const shareType = c.shareVolumePolicy?.type;
    if (shareType !== 'enabled' && shareType !== 'disabled') {
      errs.push(
        invalid(
          child(root, 'container', 'shareVolumePolicy'),
          c.shareVolumePolicy ?? {},
          'unsupported share volume policy',
        ),
      );
    }
    errs.push(...validateTransferEnv(c.transferEnv, child(at, 'transferEnv')));
    if (c.resourcesPolicy) errs.push(...validateResourcesPolicy(c, child(at, 'resourcesPolicy')));
  });
  errs.push(
    ...validateFakePodCreate({
      initContainers,
      containers: containers.length > 0 ? containers : [DUMMY_CONTAINER],
      volumes,
    }),
  );
  return errs;
}

const TRANSFER_ENV_PATHS: ReadonlySet<string> = new Set(['metadata.annotations', 'metadata.labels', 'metadata.name']);

// Kruise's ConvertDownwardAPIFieldLabel accepts only subscripted labels and annotations, so a plain
// `metadata.name`, though listed above, fails conversion.
function convertTransferEnvLabel(apiVersion: string, label: string): { path?: string; error?: string } {
  if (apiVersion !== 'v1') return { error: `unsupported pod version: ${apiVersion}` };
  const split = splitSubscriptedPath(label);
  if (split.subscript === undefined) return { error: `field label not supported: ${label}` };
  if (split.path === 'metadata.annotations' || split.path === 'metadata.labels') return { path: label };
  return { error: `field path not supported: ${split.path}` };
}

function validateTransferEnv(envs: readonly TransferEnvVar[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const env of envs ?? []) {
    const fieldRef = env.sourceContainerNameFrom?.fieldRef;
    if (fieldRef)
      errs.push(
        ...validateObjectFieldSelector(fieldRef, TRANSFER_ENV_PATHS, child(path, 'fieldRef'), convertTransferEnvLabel),
      );
  }
  return errs;
}
