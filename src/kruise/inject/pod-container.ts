// What a SidecarSet container becomes in the Pod: its corev1.Container part only (Kruise injects
// sidecar.Container), keys in Go field order as the stored Pod has them, without an empty `resources: {}`.
import type { Container } from '../../k8s/api.js';
import type { SidecarContainer } from '../apis/types.js';
import { decodeGo } from '../../k8s/json/decode.js';
import { Container as ContainerType } from '../../k8s/json/core-v1.js';

export function toPodContainer(sidecar: SidecarContainer): Container {
  // Decoding as a plain Container drops the Kruise-only fields and orders the rest.
  const container = decodeGo(sidecar, ContainerType, '') as Record<string, unknown>;
  const resources = container.resources;
  if (typeof resources === 'object' && resources !== null && Object.keys(resources).length === 0)
    delete container.resources;
  return container as Container;
}
