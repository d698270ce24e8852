// What every container of a Pod must satisfy (validateContainerCommon): name, image, termination message
// policy, ports, env, mounts and devices, pull policy, resources, resize policy, security context.
import type { Container } from '../api.js';
import {
  child,
  duplicate,
  forbidden,
  index,
  invalid,
  notFound,
  notSupported,
  required,
  type FieldError,
} from './field-errors.js';
import { dns1123LabelErrors, linuxIdErrors } from './names.js';
import { validateLocalDescendingPath, validatePathNoBacksteps } from './paths.js';
import { validateContainerPorts, validateEnv, validateEnvFrom } from './env.js';
import { validateResourceRequirements } from './resources.js';
import { isClaimVolume, isImageVolume, type VolumeSources } from './volumes.js';
import { asObj, list, str, type Obj } from './values.js';

export function validateContainerCommon(ctr: Container, volumes: VolumeSources, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = ctr.name ?? '';
  if (name.length === 0) errs.push(required(child(path, 'name')));
  else errs.push(...dns1123LabelErrors(name).map((msg) => invalid(child(path, 'name'), name, msg)));
  if ((ctr.image ?? '').length === 0) errs.push(required(child(path, 'image')));
  const tmp = str(ctr['terminationMessagePolicy']);
  if (tmp === '') errs.push(required(child(path, 'terminationMessagePolicy')));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.push(notSupported(child(path, 'terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));
  }
  const mounts = list(ctr.volumeMounts);
  const devices = list(ctr.volumeDevices);
  // name -> path maps, later entries winning, as Kubernetes builds them
  const mountPaths = new Map(mounts.map((m) => [str(m['name']), str(m['mountPath'])]));
  const devicePaths = new Map(devices.map((d) => [str(d['name']), str(d['devicePath'])]));
  errs.push(...validateContainerPorts(ctr['ports'], child(path, 'ports')));
  errs.push(...validateEnv(ctr.env, child(path, 'env')));
  errs.push(...validateEnvFrom(ctr['envFrom'], child(path, 'envFrom')));
  errs.push(...validateVolumeMounts(mounts, devicePaths, volumes, ctr, child(path, 'volumeMounts')));
  errs.push(...validateVolumeDevices(devices, mountPaths, volumes, child(path, 'volumeDevices')));
  errs.push(...validatePullPolicy(str(ctr['imagePullPolicy']), child(path, 'imagePullPolicy')));
  errs.push(...validateResourceRequirements(ctr.resources, child(path, 'resources')));
  errs.push(...validateResizePolicy(ctr['resizePolicy'], child(path, 'resizePolicy')));
  errs.push(...validateSecurityContext(ctr['securityContext'], child(path, 'securityContext')));
  return errs;
}

function validateVolumeMounts(
  mounts: Obj[],
  devicePaths: Map<string, string>,
  volumes: VolumeSources,
  ctr: Container,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  const devicePathSet = new Set(devicePaths.values());
  mounts.forEach((mnt, i) => {
    const at = index(path, i);
    const name = str(mnt['name']);
    const mountPath = str(mnt['mountPath']);
    const subPath = str(mnt['subPath']);
    const subPathExpr = str(mnt['subPathExpr']);
    if (name.length === 0) errs.push(required(child(at, 'name')));
    if (!volumes.has(name)) errs.push(notFound(child(at, 'name'), name));
    if (mountPath.length === 0) errs.push(required(child(at, 'mountPath')));
    if (mountPoints.has(mountPath)) errs.push(invalid(child(at, 'mountPath'), mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    if (devicePaths.has(name)) errs.push(invalid(child(at, 'name'), name, 'must not already exist in volumeDevices'));
    if (devicePathSet.has(mountPath))
      errs.push(invalid(child(at, 'mountPath'), mountPath, 'must not already exist as a path in volumeDevices'));
    if (isImageVolume(volumes.get(name))) {
      if (subPath) errs.push(invalid(child(at, 'subPath'), subPath, 'not allowed in image volume sources'));
      if (subPathExpr) errs.push(invalid(child(at, 'subPathExpr'), subPathExpr, 'not allowed in image volume sources'));
    }
    // Kubernetes reports the sub-path problems without the mount's index.
    if (subPath) errs.push(...validateLocalDescendingPath(subPath, child(path, 'subPath')));
    if (subPathExpr) {
      if (subPath)
        errs.push(invalid(child(at, 'subPathExpr'), subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(subPathExpr, child(path, 'subPathExpr')));
    }
    const propagation = mnt['mountPropagation'];
    if (typeof propagation === 'string')
      errs.push(...validateMountPropagation(propagation, ctr, child(path, 'mountPropagation')));
    errs.push(...validateRecursiveReadOnly(mnt, child(path, 'recursiveReadOnly')));
  });
  return errs;
}

const PROPAGATIONS = ['Bidirectional', 'HostToContainer', 'None'];

function validateMountPropagation(mode: string, ctr: Container, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!PROPAGATIONS.includes(mode)) errs.push(notSupported(path, mode, PROPAGATIONS));
  const privileged = asObj(ctr['securityContext'])?.['privileged'] === true;
  if (mode === 'Bidirectional' && !privileged) {
    errs.push(forbidden(path, 'Bidirectional mount propagation is available only to privileged containers'));
  }
  return errs;
}

function validateRecursiveReadOnly(mnt: Obj, path: string): FieldError[] {
  const rro = mnt['recursiveReadOnly'];
  if (typeof rro !== 'string') return [];
  if (rro === 'Disabled') return [];
  if (rro !== 'Enabled' && rro !== 'IfPossible')
    return [notSupported(path, rro, ['Disabled', 'Enabled', 'IfPossible'])];
  const errs: FieldError[] = [];
  if (mnt['readOnly'] !== true) errs.push(forbidden(path, 'may only be specified when readOnly is true'));
  const propagation = mnt['mountPropagation'];
  if (typeof propagation === 'string' && propagation !== 'None') {
    errs.push(forbidden(path, 'may only be specified when mountPropagation is None or not specified'));
  }
  return errs;
}

function validateVolumeDevices(
  devices: Obj[],
  mountPaths: Map<string, string>,
  volumes: VolumeSources,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const seenPaths = new Set<string>();
  const seenNames = new Set<string>();
  const mountPathSet = new Set(mountPaths.values());
  devices.forEach((dev, i) => {
    const at = index(path, i);
    const name = str(dev['name']);
    const devicePath = str(dev['devicePath']);
    const matched = volumes.has(name);
    if (name.length === 0) errs.push(required(child(at, 'name')));
    if (seenNames.has(name)) errs.push(invalid(child(at, 'name'), name, 'must be unique'));
    if (matched && !isClaimVolume(volumes.get(name))) {
      errs.push(
        invalid(
          child(at, 'name'),
          name,
          'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode',
        ),
      );
    }
    if (!matched) errs.push(notFound(child(at, 'name'), name));
    if (devicePath.length === 0) errs.push(required(child(at, 'devicePath')));
    if (seenPaths.has(devicePath)) errs.push(invalid(child(at, 'devicePath'), devicePath, 'must be unique'));
    if (devicePath.length > 0 && validatePathNoBacksteps(devicePath, '').length > 0) {
      errs.push(invalid(child(at, 'devicePath'), devicePath, "can not contain backsteps ('..')"));
    } else seenPaths.add(devicePath);
    if (mountPaths.has(name)) errs.push(invalid(child(at, 'name'), name, 'must not already exist in volumeMounts'));
    if (mountPathSet.has(devicePath))
      errs.push(invalid(child(at, 'devicePath'), devicePath, 'must not already exist as a path in volumeMounts'));
    if (name.length > 0) seenNames.add(name);
  });
  return errs;
}

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];

function validatePullPolicy(policy: string, path: string): FieldError[] {
  if (PULL_POLICIES.includes(policy)) return [];
  if (policy === '') return [required(path)];
  return [notSupported(path, policy, PULL_POLICIES)];
}

function validateResizePolicy(policies: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list(policies).forEach((p, i) => {
    const resource = str(p['resourceName']);
    if (seen.has(resource)) errs.push(duplicate(index(path, i), resource));
    seen.add(resource);
    if (resource === '') errs.push(required(path));
    else if (resource !== 'cpu' && resource !== 'memory') errs.push(notSupported(path, resource, ['cpu', 'memory']));
    const restart = str(p['restartPolicy']);
    if (restart === '') errs.push(required(path));
    else if (restart !== 'NotRequired' && restart !== 'RestartContainer') {
      errs.push(notSupported(path, restart, ['NotRequired', 'RestartContainer']));
    }
  });
  return errs;
}

const SECCOMP_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'];

// Privileged containers are allowed: kruise-manager runs with --allow-privileged=true by default.
function validateSecurityContext(raw: unknown, path: string): FieldError[] {
  const sc = asObj(raw);
  if (!sc) return [];
  const errs: FieldError[] = [];
  for (const f of ['runAsUser', 'runAsGroup']) {
    const id = sc[f];
    if (typeof id === 'number') errs.push(...linuxIdErrors(id).map((msg) => invalid(child(path, f), id, msg)));
  }
  const procMount = sc['procMount'];
  if (typeof procMount === 'string' && procMount !== 'Default' && procMount !== 'Unmasked') {
    errs.push(notSupported(child(path, 'procMount'), procMount, ['Default', 'Unmasked']));
  }
  const seccomp = asObj(sc['seccompProfile']);
  if (seccomp) {
    const seccompPath = child(path, 'seccompProfile');
    const type = str(seccomp['type']);
    if (type === '') errs.push(required(child(seccompPath, 'type'), 'type is required when seccompProfile is set'));
    else if (!SECCOMP_TYPES.includes(type)) errs.push(notSupported(child(seccompPath, 'type'), type, SECCOMP_TYPES));
    const profile = seccomp['localhostProfile'];
    if (type === 'Localhost') {
      if (typeof profile !== 'string')
        errs.push(required(child(seccompPath, 'localhostProfile'), 'must be set when seccomp type is Localhost'));
      else errs.push(...validateLocalDescendingPath(profile, child(seccompPath, 'localhostProfile')));
    } else if (typeof profile === 'string') {
      errs.push(
        invalid(child(seccompPath, 'localhostProfile'), seccomp, 'can only be set when seccomp type is Localhost'),
      );
    }
  }
  if (sc['allowPrivilegeEscalation'] === false) {
    if (sc['privileged'] === true)
      errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    const added = asObj(sc['capabilities'])?.['add'];
    for (const cap of Array.isArray(added) ? added : []) {
      if (cap === 'CAP_SYS_ADMIN')
        errs.push(
          invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'),
        );
    }
  }
  return errs;
}
