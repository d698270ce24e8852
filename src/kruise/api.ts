// The Kubernetes and Kruise types the core works on, in their wire (JSON) shape.
// Only fields the core reads are spelled out; everything else rides along untouched.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A JSON object (not null, not an array): the one guard for untyped wire values. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
  [key: string]: unknown;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: Record<string, unknown>;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
  subPathExpr?: string;
  mountPropagation?: string;
  [key: string]: unknown;
}

export interface VolumeDevice {
  name: string;
  devicePath: string;
}

export type ResourceList = Record<string, string | number>;

export interface ResourceRequirements {
  limits?: ResourceList;
  requests?: ResourceList;
  [key: string]: unknown;
}

export interface Container {
  name: string;
  image?: string;
  env?: EnvVar[];
  volumeMounts?: VolumeMount[];
  volumeDevices?: VolumeDevice[];
  resources?: ResourceRequirements;
  restartPolicy?: string;
  [key: string]: unknown;
}

export interface Volume {
  name: string;
  [key: string]: unknown;
}

export interface LocalObjectReference {
  name?: string;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  imagePullSecrets?: LocalObjectReference[];
  [key: string]: unknown;
}

export interface Pod {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: PodSpec;
  status?: { phase?: string; [key: string]: unknown };
}

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

export type IntOrString = number | string;

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

export interface ControllerRevision {
  apiVersion?: string;
  kind: 'ControllerRevision';
  metadata: ObjectMeta;
  data?: unknown;
  revision?: number;
}

export interface Namespace {
  apiVersion?: string;
  kind: 'Namespace';
  metadata: ObjectMeta;
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
export const LabelMetadataName = 'kubernetes.io/metadata.name';
export const SidecarSetCustomVersionLabel = 'apps.kruise.io/sidecarset-custom-version';
