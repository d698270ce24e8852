// The Kruise types the core works on, in their wire (JSON) shape.
// Only fields the core reads are spelled out; everything else rides along untouched.

import type { Container, IntOrString, LabelSelector, LocalObjectReference, ObjectMeta, Volume } from '../../k8s/api.js';

// ---- Kruise SidecarSet (v1beta1 shape; v1alpha1 is converted on load) ----

export type PodInjectPolicy = 'BeforeAppContainer' | 'AfterAppContainer';
export type SidecarContainerUpgradeType = 'ColdUpgrade' | 'HotUpgrade';
export type ShareVolumePolicyType = 'enabled' | 'disabled';

export interface SidecarContainerUpgradeStrategy {
  upgradeType?: string;
  hotUpgradeEmptyImage?: string;
}

export interface ShareVolumePolicy {
  type?: string;
}

export interface ObjectFieldSelector {
  apiVersion?: string;
  fieldPath: string;
}

export interface TransferEnvVar {
  sourceContainerName?: string;
  sourceContainerNameFrom?: { fieldRef?: ObjectFieldSelector };
  envName?: string;
  envNames?: string[];
}

export interface ResourcesPolicy {
  targetContainersMode: string;
  targetContainersNameRegex?: string;
  resourcesExpr: {
    limits?: { cpu?: string; memory?: string };
    requests?: { cpu?: string; memory?: string };
  };
}

export interface SidecarContainer extends Container {
  podInjectPolicy?: string;
  upgradeStrategy?: SidecarContainerUpgradeStrategy;
  shareVolumePolicy?: ShareVolumePolicy;
  shareVolumeDevicePolicy?: ShareVolumePolicy;
  transferEnv?: TransferEnvVar[];
  resourcesPolicy?: ResourcesPolicy;
}

export interface SidecarSetUpdateStrategy {
  type?: string;
  paused?: boolean;
  selector?: LabelSelector;
  partition?: IntOrString;
  maxUnavailable?: IntOrString;
  priorityStrategy?: Record<string, unknown>;
  scatterStrategy?: { key: string; value: string }[];
}

export interface SidecarSetInjectRevision {
  customVersion?: string;
  revisionName?: string;
  policy?: string;
}

export interface SidecarSetPatchPodMetadata {
  annotations?: Record<string, string>;
  patchPolicy?: string;
}

export interface SidecarSetSpec {
  selector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  initContainers?: SidecarContainer[];
  containers?: SidecarContainer[];
  volumes?: Volume[];
  updateStrategy?: SidecarSetUpdateStrategy;
  injectionStrategy?: { paused?: boolean; revision?: SidecarSetInjectRevision };
  imagePullSecrets?: LocalObjectReference[];
  revisionHistoryLimit?: number;
  patchPodMetadata?: SidecarSetPatchPodMetadata[];
  customVersion?: string;
  [key: string]: unknown;
}

export interface SidecarSet {
  apiVersion: string;
  kind: 'SidecarSet';
  metadata: ObjectMeta;
  spec: SidecarSetSpec;
  status?: { latestRevision?: string; [key: string]: unknown };
}

// ---- names Kruise writes and reads ----

export const KRUISE_GROUP = 'apps.kruise.io';
export const SidecarSetHashAnnotation = 'kruise.io/sidecarset-hash';
export const SidecarSetHashWithoutImageAnnotation = 'kruise.io/sidecarset-hash-without-image';
export const SidecarSetListAnnotation = 'kruise.io/sidecarset-injected-list';
export const SidecarSetWorkingHotUpgradeContainer = 'kruise.io/sidecarset-working-hotupgrade-container';
export const SidecarSetCanaryAnnotation = 'apps.kruise.io/sidecarset-canary';
export const SidecarSetBaseAnnotation = 'apps.kruise.io/sidecarset-base';
export const SidecarEnvKey = 'IS_INJECTED';
export const SidecarSetCustomVersionLabel = 'apps.kruise.io/sidecarset-custom-version';
