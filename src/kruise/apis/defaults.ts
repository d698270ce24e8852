// What a SidecarSet gains between `kubectl apply` and storage: the CRD's structural defaults
// (API server), then Kruise's SetDefaultsSidecarSetV1beta1 (apis/apps/defaults/v1beta1.go), which
// also runs Kubernetes' own container, probe, resource-list and volume defaults.
// Defaults only fill empty fields; an explicit value is never re-derived.
import { SidecarsetError } from '../../errors.js';
import type { SidecarContainer, SidecarSet } from './types.js';
import { defaultImagePullPolicy } from '../../k8s/imageref.js';
import { VOLUME_SOURCE_KEYS } from '../../k8s/json/core-v1.js';
import { marshalQuantity, parseQuantity, roundUpQuantity, zeroQuantity } from '../../k8s/quantity.js';
import { goNumberText } from '../../k8s/json/schema.js';

type Obj = Record<string, unknown>;

const MILLI = -3;
/** 0644, the mode Kubernetes gives secret, configMap, downwardAPI and projected volumes */
const DEFAULT_VOLUME_MODE = 0o644;
const DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600;

/** The API server's CRD defaults followed by Kruise's webhook defaults. Returns a new object. */
export function setDefaultsSidecarSet(ss: SidecarSet): SidecarSet {
  const out = setCrdStructuralDefaults(ss);
  const spec = (out.spec ??= {});

  const strategy = (spec.updateStrategy ??= {});
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.maxUnavailable == null) strategy.maxUnavailable = 1;
  if (strategy.partition == null) strategy.partition = 0;

  spec.initContainers?.forEach((c, i) =>
    setDefaultSidecarContainer(c, 'AfterAppContainer', `spec.initContainers[${i}]`),
  );
  spec.containers?.forEach((c, i) => setDefaultSidecarContainer(c, 'BeforeAppContainer', `spec.containers[${i}]`));

  for (const v of spec.volumes ?? []) setDefaultVolume(v as Obj);

  if (spec.revisionHistoryLimit == null) spec.revisionHistoryLimit = 10;
  for (const patch of spec.patchPodMetadata ?? []) if (!patch.patchPolicy) patch.patchPolicy = 'Retain';
  const revision = spec.injectionStrategy?.revision;
  if (revision && !revision.policy) revision.policy = 'Always';
  return out;
}

/**
 * Defaults the SidecarSet CRD's schema declares, which the API server applies before any webhook
 * (only to absent keys): resourcesPolicy.targetContainersNameRegex ".*",
 * injectionStrategy.revision.policy "Always", imagePullSecrets[].name "". Returns a new object.
 */
export function setCrdStructuralDefaults(ss: SidecarSet): SidecarSet {
  const out = structuredClone(ss);
  const spec = out.spec;
  if (!spec) return out;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const policy = c.resourcesPolicy;
    if (policy && policy.targetContainersNameRegex === undefined) policy.targetContainersNameRegex = '.*';
  }
  const revision = spec.injectionStrategy?.revision;
  if (revision && revision.policy === undefined) revision.policy = 'Always';
  for (const secret of spec.imagePullSecrets ?? []) if (secret.name === undefined) secret.name = '';
  return out;
}

function setDefaultSidecarContainer(c: SidecarContainer, injectPolicy: string, path: string): void {
  if (!c.podInjectPolicy) c.podInjectPolicy = injectPolicy;
  const upgrade = (c.upgradeStrategy ??= {});
  if (!upgrade.upgradeType) upgrade.upgradeType = 'ColdUpgrade';
  const share = (c.shareVolumePolicy ??= {});
  if (!share.type) share.type = 'disabled';
  setDefaultContainer(c, path);
}

function setDefaultContainer(c: SidecarContainer, path: string): void {
  // Kubernetes' SetDefaults_Container
  if (!c.imagePullPolicy) c.imagePullPolicy = defaultImagePullPolicy(c.image ?? '');
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';

  for (const p of (c.ports as Obj[] | undefined) ?? []) if (!p.protocol) p.protocol = 'TCP';

  c.transferEnv?.forEach((t, i) => {
    const from = t.sourceContainerNameFrom;
    if (!from) return;
    if (!from.fieldRef) {
      // Kruise dereferences the missing fieldRef: its webhook crashes and the request fails.
      const field = `${path}.transferEnv[${i}].sourceContainerNameFrom.fieldRef`;
      throw new SidecarsetError("required when sourceContainerNameFrom is set (Kruise's webhook fails without it)", {
        field,
      });
    }
    setDefaultObjectFieldSelector(from.fieldRef);
  });
  for (const e of c.env ?? []) {
    const fieldRef = (e.valueFrom as Obj | undefined)?.fieldRef as Obj | undefined;
    if (fieldRef) setDefaultObjectFieldSelector(fieldRef);
  }

  const resources = c.resources;
  if (resources?.limits) resources.limits = roundUpResourceList(resources.limits);
  if (resources?.requests) resources.requests = roundUpResourceList(resources.requests);

  for (const probe of [c.livenessProbe, c.readinessProbe] as (Obj | undefined)[]) {
    if (!probe) continue;
    if (!probe.timeoutSeconds) probe.timeoutSeconds = 1;
    if (!probe.periodSeconds) probe.periodSeconds = 10;
    if (!probe.successThreshold) probe.successThreshold = 1;
    if (!probe.failureThreshold) probe.failureThreshold = 3;
    setDefaultHTTPGetAction(probe.httpGet as Obj | undefined);
  }
  const lifecycle = c.lifecycle as Obj | undefined;
  for (const hook of [lifecycle?.postStart, lifecycle?.preStop] as (Obj | undefined)[]) {
    setDefaultHTTPGetAction(hook?.httpGet as Obj | undefined);
  }
}

/** SetDefaults_ResourceList: every quantity rounded up to milli, written back as Go writes it. */
function roundUpResourceList(list: Record<string, string | number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(list)) {
    // a null entry decodes to the zero Quantity
    const q = value == null ? zeroQuantity() : parseQuantity(typeof value === 'number' ? goNumberText(value) : value);
    out[name] = marshalQuantity(roundUpQuantity(q, MILLI));
  }
  return out;
}

function setDefaultHTTPGetAction(action: Obj | undefined): void {
  if (!action) return;
  if (!action.path) action.path = '/';
  if (!action.scheme) action.scheme = 'HTTP';
}

function setDefaultObjectFieldSelector(selector: { apiVersion?: unknown }): void {
  if (!selector.apiVersion) selector.apiVersion = 'v1';
}

/** Kruise's SetDefaultPodVolumes, volume by volume. */
function setDefaultVolume(v: Obj): void {
  if (VOLUME_SOURCE_KEYS.every((k) => v[k] == null)) v.emptyDir = {};
  const hostPath = v.hostPath as Obj | undefined;
  if (hostPath && hostPath.type == null) hostPath.type = '';
  for (const key of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const source = v[key] as Obj | undefined;
    if (source && source.defaultMode == null) source.defaultMode = DEFAULT_VOLUME_MODE;
  }
  for (const item of ((v.downwardAPI as Obj | undefined)?.items as Obj[] | undefined) ?? []) {
    if (item?.fieldRef) setDefaultObjectFieldSelector(item.fieldRef as Obj);
  }
  for (const source of ((v.projected as Obj | undefined)?.sources as Obj[] | undefined) ?? []) {
    for (const item of ((source?.downwardAPI as Obj | undefined)?.items as Obj[] | undefined) ?? []) {
      if (item?.fieldRef) setDefaultObjectFieldSelector(item.fieldRef as Obj);
    }
    const token = source?.serviceAccountToken as Obj | undefined;
    if (token && token.expirationSeconds == null) token.expirationSeconds = DEFAULT_TOKEN_EXPIRATION_SECONDS;
  }
}
