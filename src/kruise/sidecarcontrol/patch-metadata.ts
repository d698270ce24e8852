// patchPodMetadata: annotations a SidecarSet sets on the Pods it injects (PatchPodMetadata in
// pkg/control/sidecarcontrol/util.go). Retain (the default) adds missing keys, Overwrite sets them,
// MergePatchJson merges JSON into the value already there (see merge-patch.ts for the exact output);
// other policies are ignored, as in Kruise.
import { SidecarsetError } from '../../errors.js';
import type { ObjectMeta } from '../../k8s/api.js';
import type { SidecarSetPatchPodMetadata } from '../apis/types.js';
import { goMergePatch, MergePatchError } from '../../k8s/merge-patch.js';

/** Applies the patches to `metadata.annotations` in place. Returns whether any annotation changed. */
export function patchPodMetadata(
  metadata: ObjectMeta,
  patches: readonly SidecarSetPatchPodMetadata[] | undefined,
  sidecarSetName: string,
): boolean {
  const annotations = metadata.annotations ?? {};
  let changed = false;
  const set = (key: string, value: string): void => {
    if (annotations[key] !== value) changed = true;
    annotations[key] = value;
  };
  (patches ?? []).forEach((patch, i) => {
    for (const [key, value] of Object.entries(patch.annotations ?? {})) {
      switch (patch.patchPolicy ?? '') {
        case '':
        case 'Retain':
          if (!Object.prototype.hasOwnProperty.call(annotations, key)) set(key, value);
          break;
        case 'Overwrite':
          set(key, value);
          break;
        case 'MergePatchJson': {
          const origin = annotations[key];
          if (origin === undefined || origin === '') set(key, value);
          else set(key, mergeJson(origin, value, sidecarSetName, i, key));
          break;
        }
      }
    }
  });
  if (Object.keys(annotations).length > 0 || metadata.annotations !== undefined) metadata.annotations = annotations;
  return changed;
}

function mergeJson(origin: string, patch: string, sidecarSetName: string, index: number, key: string): string {
  try {
    return goMergePatch(origin, patch);
  } catch (err) {
    if (!(err instanceof MergePatchError)) throw err;
    throw new SidecarsetError(
      `SidecarSet "${sidecarSetName}" cannot merge its patch into the Pod annotation "${key}": ${err.message}`,
      { field: `spec.patchPodMetadata[${index}].annotations[${key}]` },
    );
  }
}
