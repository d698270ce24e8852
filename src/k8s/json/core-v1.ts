// k8s.io/api core/v1 (v0.32, the version Kruise pins) as encoding/json sees it: every type a
// SidecarContainer reaches, fields in Go declaration order. Transcribed from the field tables in
// shared/kruise/hash-encoding.md §6; metav1.LabelSelector is added for the SidecarSet spec.
import {
  bool,
  inline,
  int32,
  int64,
  intOrString,
  map,
  opt,
  ptr,
  quantity,
  raw,
  req,
  slice,
  str,
  struct,
} from './schema.js';

export const LocalObjectReference = struct('LocalObjectReference', [opt('name', str)]);

export const ContainerPort = struct('ContainerPort', [
  opt('name', str),
  opt('hostPort', int32),
  req('containerPort', int32),
  opt('protocol', str),
  opt('hostIP', str),
]);

export const ConfigMapEnvSource = struct('ConfigMapEnvSource', [
  inline(LocalObjectReference),
  opt('optional', ptr(bool)),
]);
export const SecretEnvSource = struct('SecretEnvSource', [inline(LocalObjectReference), opt('optional', ptr(bool))]);

export const EnvFromSource = struct('EnvFromSource', [
  opt('prefix', str),
  opt('configMapRef', ptr(ConfigMapEnvSource)),
  opt('secretRef', ptr(SecretEnvSource)),
]);

export const ObjectFieldSelector = struct('ObjectFieldSelector', [opt('apiVersion', str), req('fieldPath', str)]);

export const ResourceFieldSelector = struct('ResourceFieldSelector', [
  opt('containerName', str),
  req('resource', str),
  opt('divisor', quantity),
]);

export const ConfigMapKeySelector = struct('ConfigMapKeySelector', [
  inline(LocalObjectReference),
  req('key', str),
  opt('optional', ptr(bool)),
]);

export const SecretKeySelector = struct('SecretKeySelector', [
  inline(LocalObjectReference),
  req('key', str),
  opt('optional', ptr(bool)),
]);

export const EnvVarSource = struct('EnvVarSource', [
  opt('fieldRef', ptr(ObjectFieldSelector)),
  opt('resourceFieldRef', ptr(ResourceFieldSelector)),
  opt('configMapKeyRef', ptr(ConfigMapKeySelector)),
  opt('secretKeyRef', ptr(SecretKeySelector)),
]);

export const EnvVar = struct('EnvVar', [req('name', str), opt('value', str), opt('valueFrom', ptr(EnvVarSource))]);

export const ResourceClaim = struct('ResourceClaim', [req('name', str), opt('request', str)]);

export const ResourceRequirements = struct('ResourceRequirements', [
  opt('limits', map(quantity)),
  opt('requests', map(quantity)),
  opt('claims', slice(ResourceClaim)),
]);

export const ContainerResizePolicy = struct('ContainerResizePolicy', [
  req('resourceName', str),
  req('restartPolicy', str),
]);

export const VolumeMount = struct('VolumeMount', [
  req('name', str),
  opt('readOnly', bool),
  opt('recursiveReadOnly', ptr(str)),
  req('mountPath', str),
  opt('subPath', str),
  opt('mountPropagation', ptr(str)),
  opt('subPathExpr', str),
]);

export const VolumeDevice = struct('VolumeDevice', [req('name', str), req('devicePath', str)]);

export const ExecAction = struct('ExecAction', [opt('command', slice(str))]);

export const HTTPHeader = struct('HTTPHeader', [req('name', str), req('value', str)]);

export const HTTPGetAction = struct('HTTPGetAction', [
  opt('path', str),
  req('port', intOrString),
  opt('host', str),
  opt('scheme', str),
  opt('httpHeaders', slice(HTTPHeader)),
]);

export const TCPSocketAction = struct('TCPSocketAction', [req('port', intOrString), opt('host', str)]);

export const GRPCAction = struct('GRPCAction', [req('port', int32), req('service', ptr(str))]);

export const SleepAction = struct('SleepAction', [req('seconds', int64)]);

export const ProbeHandler = struct('ProbeHandler', [
  opt('exec', ptr(ExecAction)),
  opt('httpGet', ptr(HTTPGetAction)),
  opt('tcpSocket', ptr(TCPSocketAction)),
  opt('grpc', ptr(GRPCAction)),
]);

export const Probe = struct('Probe', [
  inline(ProbeHandler),
  opt('initialDelaySeconds', int32),
  opt('timeoutSeconds', int32),
  opt('periodSeconds', int32),
  opt('successThreshold', int32),
  opt('failureThreshold', int32),
  opt('terminationGracePeriodSeconds', ptr(int64)),
]);

export const LifecycleHandler = struct('LifecycleHandler', [
  opt('exec', ptr(ExecAction)),
  opt('httpGet', ptr(HTTPGetAction)),
  opt('tcpSocket', ptr(TCPSocketAction)),
  opt('sleep', ptr(SleepAction)),
]);

export const Lifecycle = struct('Lifecycle', [
  opt('postStart', ptr(LifecycleHandler)),
  opt('preStop', ptr(LifecycleHandler)),
]);

export const Capabilities = struct('Capabilities', [opt('add', slice(str)), opt('drop', slice(str))]);

export const SELinuxOptions = struct('SELinuxOptions', [
  opt('user', str),
  opt('role', str),
  opt('type', str),
  opt('level', str),
]);

export const WindowsSecurityContextOptions = struct('WindowsSecurityContextOptions', [
  opt('gmsaCredentialSpecName', ptr(str)),
  opt('gmsaCredentialSpec', ptr(str)),
  opt('runAsUserName', ptr(str)),
  opt('hostProcess', ptr(bool)),
]);

export const SeccompProfile = struct('SeccompProfile', [req('type', str), opt('localhostProfile', ptr(str))]);
export const AppArmorProfile = struct('AppArmorProfile', [req('type', str), opt('localhostProfile', ptr(str))]);

export const SecurityContext = struct('SecurityContext', [
  opt('capabilities', ptr(Capabilities)),
  opt('privileged', ptr(bool)),
  opt('seLinuxOptions', ptr(SELinuxOptions)),
  opt('windowsOptions', ptr(WindowsSecurityContextOptions)),
  opt('runAsUser', ptr(int64)),
  opt('runAsGroup', ptr(int64)),
  opt('runAsNonRoot', ptr(bool)),
  opt('readOnlyRootFilesystem', ptr(bool)),
  opt('allowPrivilegeEscalation', ptr(bool)),
  opt('procMount', ptr(str)),
  opt('seccompProfile', ptr(SeccompProfile)),
  opt('appArmorProfile', ptr(AppArmorProfile)),
]);

export const Container = struct('Container', [
  req('name', str),
  opt('image', str),
  opt('command', slice(str)),
  opt('args', slice(str)),
  opt('workingDir', str),
  opt('ports', slice(ContainerPort)),
  opt('envFrom', slice(EnvFromSource)),
  opt('env', slice(EnvVar)),
  opt('resources', ResourceRequirements),
  opt('resizePolicy', slice(ContainerResizePolicy)),
  opt('restartPolicy', ptr(str)),
  opt('volumeMounts', slice(VolumeMount)),
  opt('volumeDevices', slice(VolumeDevice)),
  opt('livenessProbe', ptr(Probe)),
  opt('readinessProbe', ptr(Probe)),
  opt('startupProbe', ptr(Probe)),
  opt('lifecycle', ptr(Lifecycle)),
  opt('terminationMessagePath', str),
  opt('terminationMessagePolicy', str),
  opt('imagePullPolicy', str),
  opt('securityContext', ptr(SecurityContext)),
  opt('stdin', bool),
  opt('stdinOnce', bool),
  opt('tty', bool),
]);

/** corev1.VolumeSource's members (one is set), in Go order. Their insides ride along untyped. */
export const VOLUME_SOURCE_KEYS = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
] as const;

export const Volume = struct('Volume', [req('name', str), ...VOLUME_SOURCE_KEYS.map((k) => opt(k, ptr(raw)))]);

export const LabelSelectorRequirement = struct('LabelSelectorRequirement', [
  req('key', str),
  req('operator', str),
  opt('values', slice(str)),
]);

export const LabelSelector = struct('LabelSelector', [
  opt('matchLabels', map(str)),
  opt('matchExpressions', slice(LabelSelectorRequirement)),
]);

/** metav1.ObjectMeta: the fields the core reads are typed, the rest rides along. */
export const ObjectMeta = struct(
  'ObjectMeta',
  [
    opt('name', str),
    opt('generateName', str),
    opt('namespace', str),
    opt('labels', map(str)),
    opt('annotations', map(str)),
  ],
  true,
);
