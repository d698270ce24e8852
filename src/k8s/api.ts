// The Kubernetes core types the tool works on, in their wire (JSON) shape.
// Only fields the code reads are spelled out; everything else rides along untouched.

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

export type IntOrString = number | string;

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

export const LabelMetadataName = 'kubernetes.io/metadata.name';
