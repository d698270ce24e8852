// Kruise's SidecarSet types (apis/apps/v1beta1 and v1alpha1 sidecarset_types.go) as encoding/json
// sees them. The two versions share every container type; their specs differ only in
// v1alpha1's `namespace` and v1beta1's `customVersion`.
import {
  Container,
  LabelSelector,
  LocalObjectReference,
  ObjectFieldSelector,
  ObjectMeta,
  Volume,
} from '../../k8s/json/core-v1.js';
import {
  bool,
  type GoField,
  inline,
  int32,
  intOrString,
  map,
  opt,
  ptr,
  raw,
  req,
  slice,
  str,
  struct,
} from '../../k8s/json/schema.js';

export const SidecarContainerUpgradeStrategy = struct('SidecarContainerUpgradeStrategy', [
  opt('upgradeType', str),
  opt('hotUpgradeEmptyImage', str),
]);

export const ShareVolumePolicy = struct('ShareVolumePolicy', [opt('type', str)]);

export const SourceContainerNameSource = struct('SourceContainerNameSource', [
  opt('fieldRef', ptr(ObjectFieldSelector)),
]);

export const TransferEnvVar = struct('TransferEnvVar', [
  opt('sourceContainerName', str),
  opt('sourceContainerNameFrom', ptr(SourceContainerNameSource)),
  opt('envName', str),
  opt('envNames', slice(str)),
]);

const ResourceExpr = (name: string) => struct(name, [opt('cpu', str), opt('memory', str)]);

export const ResourcesExpr = struct('ResourcesExpr', [
  opt('limits', ptr(ResourceExpr('ResourceExprLimits'))),
  opt('requests', ptr(ResourceExpr('ResourceExprRequests'))),
]);

export const ResourcesPolicy = struct('ResourcesPolicy', [
  req('targetContainersMode', str),
  opt('targetContainersNameRegex', str),
  req('resourcesExpr', ResourcesExpr),
]);

export const SidecarContainer = struct('SidecarContainer', [
  inline(Container),
  opt('podInjectPolicy', str),
  opt('upgradeStrategy', SidecarContainerUpgradeStrategy),
  opt('shareVolumePolicy', ShareVolumePolicy),
  opt('shareVolumeDevicePolicy', ptr(ShareVolumePolicy)),
  opt('transferEnv', slice(TransferEnvVar)),
  opt('resourcesPolicy', ptr(ResourcesPolicy)),
]);

export const UpdatePriorityStrategy = struct('UpdatePriorityStrategy', [
  opt('orderPriority', slice(struct('UpdatePriorityOrderTerm', [req('orderedKey', str)]))),
  opt(
    'weightPriority',
    slice(struct('UpdatePriorityWeightTerm', [req('weight', int32), req('matchSelector', LabelSelector)])),
  ),
]);

export const SidecarSetUpdateStrategy = struct('SidecarSetUpdateStrategy', [
  opt('type', str),
  opt('paused', bool),
  opt('selector', ptr(LabelSelector)),
  opt('partition', ptr(intOrString)),
  opt('maxUnavailable', ptr(intOrString)),
  opt('priorityStrategy', ptr(UpdatePriorityStrategy)),
  opt('scatterStrategy', slice(struct('UpdateScatterTerm', [req('key', str), req('value', str)]))),
]);

export const SidecarSetInjectRevision = struct('SidecarSetInjectRevision', [
  opt('customVersion', ptr(str)),
  opt('revisionName', ptr(str)),
  opt('policy', str),
]);

export const SidecarSetInjectionStrategy = struct('SidecarSetInjectionStrategy', [
  opt('paused', bool),
  opt('revision', ptr(SidecarSetInjectRevision)),
]);

export const SidecarSetPatchPodMetadata = struct('SidecarSetPatchPodMetadata', [
  opt('annotations', map(str)),
  opt('patchPolicy', str),
]);

function spec(name: string, namespaceField: GoField[], customVersionField: GoField[]) {
  return struct(name, [
    opt('selector', ptr(LabelSelector)),
    ...namespaceField,
    opt('namespaceSelector', ptr(LabelSelector)),
    opt('initContainers', slice(SidecarContainer)),
    opt('containers', slice(SidecarContainer)),
    opt('volumes', slice(Volume)),
    opt('updateStrategy', SidecarSetUpdateStrategy),
    opt('injectionStrategy', SidecarSetInjectionStrategy),
    opt('imagePullSecrets', slice(LocalObjectReference)),
    opt('revisionHistoryLimit', ptr(int32)),
    opt('patchPodMetadata', slice(SidecarSetPatchPodMetadata)),
    ...customVersionField,
  ]);
}

export const SidecarSetSpecV1beta1 = spec('SidecarSetSpec', [], [opt('customVersion', str)]);
export const SidecarSetSpecV1alpha1 = spec('SidecarSetSpec', [opt('namespace', str)], []);

const TypeMeta = struct('TypeMeta', [opt('apiVersion', str), opt('kind', str)]);

function sidecarSet(specType: ReturnType<typeof spec>) {
  return struct('SidecarSet', [
    inline(TypeMeta),
    opt('metadata', ObjectMeta),
    opt('spec', specType),
    // status is written by the controller; it is carried as given
    opt('status', raw),
  ]);
}

export const SidecarSetV1beta1 = sidecarSet(SidecarSetSpecV1beta1);
export const SidecarSetV1alpha1 = sidecarSet(SidecarSetSpecV1alpha1);
