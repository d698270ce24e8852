// Pod volumes (ValidateVolumes / validateVolumeSource): names are unique DNS labels, exactly one source each.
// Only volumes without errors can be mounted, as in Kubernetes.
import type { Volume } from '../api.js';
import {
  child,
  duplicate,
  forbidden,
  index,
  invalid,
  notSupported,
  required,
  tooLong,
  type FieldError,
} from './field-errors.js';
import { dns1123LabelErrors, dns1123SubdomainErrors } from './names.js';
import {
  validateLocalDescendingPath,
  validateLocalNonReservedPath,
  validateObjectFieldSelector,
  validatePathNoBacksteps,
} from './paths.js';
import { decodeQuantity } from './resources.js';
import { validateResourceFieldSelector } from './env.js';
import type { ObjectFieldSelector } from './paths.js';
import { asObj, list, num, str, type Obj } from './values.js';

/** Volume name -> its source, for the volumes that validated. */
export type VolumeSources = Map<string, Obj>;

// The Go field order of VolumeSource decides which source counts first; the second one is Forbidden
// (at the wire name, except Kubernetes' own typos for cephfs and downwardAPI).
const SOURCES: readonly {
  key: string;
  forbiddenAt?: string;
  checkAt?: string;
  check?: (src: Obj, path: string) => FieldError[];
}[] = [
  { key: 'emptyDir', check: checkEmptyDir },
  { key: 'hostPath', check: checkHostPath },
  {
    key: 'gitRepo',
    check: (s, p) => [
      ...requireString(s, 'repository', p),
      ...validateLocalDescendingPath(str(s['directory']), child(p, 'directory')),
    ],
  },
  { key: 'gcePersistentDisk', checkAt: 'persistentDisk', check: (s, p) => checkDisk(s, 'pdName', p) },
  { key: 'awsElasticBlockStore', check: (s, p) => checkDisk(s, 'volumeID', p) },
  { key: 'secret', check: checkSecret },
  { key: 'nfs', check: checkNfs },
  { key: 'iscsi' },
  { key: 'glusterfs', check: (s, p) => [...requireString(s, 'endpoints', p), ...requireString(s, 'path', p)] },
  { key: 'flocker' },
  { key: 'persistentVolumeClaim', check: (s, p) => requireString(s, 'claimName', p) },
  { key: 'rbd', check: (s, p) => [...requireList(s, 'monitors', p), ...requireString(s, 'image', p)] },
  { key: 'cinder', check: (s, p) => requireString(s, 'volumeID', p) },
  { key: 'cephfs', forbiddenAt: 'cephFS', check: (s, p) => requireList(s, 'monitors', p) },
  { key: 'quobyte' },
  { key: 'downwardAPI', forbiddenAt: 'downwarAPI', check: checkDownwardAPI },
  { key: 'fc' },
  { key: 'flexVolume', check: (s, p) => requireString(s, 'driver', p) },
  { key: 'configMap', check: checkConfigMap },
  { key: 'azureFile', check: (s, p) => [...requireString(s, 'secretName', p), ...requireString(s, 'shareName', p)] },
  { key: 'vsphereVolume' },
  { key: 'photonPersistentDisk' },
  { key: 'portworxVolume' },
  { key: 'azureDisk' },
  { key: 'storageos' },
  { key: 'projected', check: checkProjected },
  { key: 'scaleIO' },
  { key: 'csi', check: checkCsi },
  { key: 'ephemeral', check: (s, p) => (s['volumeClaimTemplate'] ? [] : [required(child(p, 'volumeClaimTemplate'))]) },
  { key: 'image' },
];

const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

/** ValidateVolumes for the fake Pod named `podName`. */
export function validateVolumes(
  volumes: readonly Volume[] | undefined,
  path: string,
  podName: string,
): { sources: VolumeSources; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const sources: VolumeSources = new Map();
  const list = volumes ?? [];
  const createdClaims = new Set(list.filter((v) => v['ephemeral']).map((v) => `${podName}-${v.name}`));
  list.forEach((vol, i) => {
    const at = index(path, i);
    const name = vol.name ?? '';
    const own = validateVolumeSource(vol as Obj, at, name, podName);
    if (name.length === 0) own.push(required(child(at, 'name')));
    else own.push(...dns1123LabelErrors(name).map((msg) => invalid(child(at, 'name'), name, msg)));
    if (sources.has(name)) own.push(duplicate(child(at, 'name'), name));
    if (own.length === 0) sources.set(name, vol as Obj);
    else errs.push(...own);
    const claim = str(asObj(vol['persistentVolumeClaim'])?.['claimName']);
    if (vol['persistentVolumeClaim'] && createdClaims.has(claim)) {
      errs.push(
        invalid(
          child(at, 'persistentVolumeClaim', 'claimName'),
          claim,
          'must not reference a PVC that gets created for an ephemeral volume',
        ),
      );
    }
  });
  return { sources, errs };
}

function validateVolumeSource(vol: Obj, path: string, volName: string, podName: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const source of SOURCES) {
    const src = asObj(vol[source.key]);
    if (!src) continue;
    if (count > 0) {
      errs.push(forbidden(child(path, source.forbiddenAt ?? source.key), 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    if (source.check) errs.push(...source.check(src, child(path, source.checkAt ?? source.key)));
    if (source.key === 'ephemeral' && volName !== '') {
      const claimName = `${podName}-${volName}`;
      for (const msg of dns1123SubdomainErrors(claimName)) {
        errs.push(invalid(child(path, 'name'), volName, `PVC name "${claimName}": ${msg}`));
      }
    }
  }
  if (count === 0) errs.push(required(path, 'must specify a volume type'));
  return errs;
}

/** The kind of source behind a validated volume (block devices need a claim). */
export function isClaimVolume(source: Obj | undefined): boolean {
  return !!source && (!!asObj(source['persistentVolumeClaim']) || !!asObj(source['ephemeral']));
}

export function isImageVolume(source: Obj | undefined): boolean {
  return !!source && !!asObj(source['image']);
}

function checkEmptyDir(src: Obj, path: string): FieldError[] {
  if (src['sizeLimit'] === undefined || src['sizeLimit'] === null) return [];
  const decoded = decodeQuantity(src['sizeLimit'], child(path, 'sizeLimit'));
  if (decoded.error) return [decoded.error];
  if (decoded.quantity.value < 0n)
    return [forbidden(child(path, 'sizeLimit'), 'SizeLimit field must be a valid resource quantity')];
  return [];
}

const HOST_PATH_TYPES = [
  '',
  'BlockDevice',
  'CharDevice',
  'Directory',
  'DirectoryOrCreate',
  'File',
  'FileOrCreate',
  'Socket',
];

function checkHostPath(src: Obj, path: string): FieldError[] {
  const target = str(src['path']);
  if (target.length === 0) return [required(child(path, 'path'))];
  const errs = validatePathNoBacksteps(target, child(path, 'path'));
  const type = src['type'];
  if (typeof type === 'string' && !HOST_PATH_TYPES.includes(type)) {
    errs.push(notSupported(child(path, 'type'), type, HOST_PATH_TYPES));
  }
  return errs;
}

function checkDisk(src: Obj, idField: string, path: string): FieldError[] {
  const errs = requireString(src, idField, path);
  const partition = num(src['partition']);
  if (partition < 0 || partition > 255)
    errs.push(invalid(child(path, 'partition'), partition, 'must be between 1 and 255, inclusive'));
  return errs;
}

function checkNfs(src: Obj, path: string): FieldError[] {
  const errs = [...requireString(src, 'server', path), ...requireString(src, 'path', path)];
  const target = str(src['path']);
  if (!target.startsWith('/')) errs.push(invalid(child(path, 'path'), target, 'must be an absolute path'));
  return errs;
}

function checkMode(value: unknown, path: string): FieldError[] {
  if (typeof value !== 'number') return [];
  return value > 0o777 || value < 0 ? [invalid(path, value, FILE_MODE_ERROR)] : [];
}

function checkKeyToPath(item: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (str(item['key']).length === 0) errs.push(required(child(path, 'key')));
  if (str(item['path']).length === 0) errs.push(required(child(path, 'path')));
  errs.push(...validateLocalNonReservedPath(str(item['path']), child(path, 'path')));
  errs.push(...checkMode(item['mode'], child(path, 'mode')));
  return errs;
}

function checkItems(src: Obj, path: string): FieldError[] {
  return list(src['items']).flatMap((item, i) => checkKeyToPath(item, index(child(path, 'items'), i)));
}

function checkSecret(src: Obj, path: string): FieldError[] {
  return [
    ...requireString(src, 'secretName', path),
    ...checkMode(src['defaultMode'], child(path, 'defaultMode')),
    ...checkItems(src, path),
  ];
}

function checkConfigMap(src: Obj, path: string): FieldError[] {
  return [
    ...requireString(src, 'name', path),
    ...checkMode(src['defaultMode'], child(path, 'defaultMode')),
    ...checkItems(src, path),
  ];
}

const VOLUME_DOWNWARD_PATHS = new Set([
  'metadata.name',
  'metadata.namespace',
  'metadata.labels',
  'metadata.annotations',
  'metadata.uid',
]);

function checkDownwardAPIFile(file: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const target = str(file['path']);
  if (target.length === 0) errs.push(required(child(path, 'path')));
  errs.push(...validateLocalNonReservedPath(target, child(path, 'path')));
  const fieldRef = asObj(file['fieldRef']);
  const resourceFieldRef = asObj(file['resourceFieldRef']);
  if (fieldRef) {
    errs.push(
      ...validateObjectFieldSelector(fieldRef as ObjectFieldSelector, VOLUME_DOWNWARD_PATHS, child(path, 'fieldRef')),
    );
    if (resourceFieldRef)
      errs.push(invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (resourceFieldRef) {
    errs.push(...validateResourceFieldSelector(resourceFieldRef, child(path, 'resourceFieldRef'), true));
  } else {
    errs.push(required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...checkMode(file['mode'], child(path, 'mode')));
  return errs;
}

// Items are reported at the downwardAPI path itself, without their index, as Kubernetes does.
function checkDownwardAPI(src: Obj, path: string): FieldError[] {
  return [
    ...checkMode(src['defaultMode'], child(path, 'defaultMode')),
    ...list(src['items']).flatMap((f) => checkDownwardAPIFile(f, path)),
  ];
}

function checkProjected(src: Obj, path: string): FieldError[] {
  const errs = checkMode(src['defaultMode'], child(path, 'defaultMode'));
  const seenPaths = new Set<string>();
  const claimPath = (p: string, value: string) => {
    if (p.length === 0) return;
    if (seenPaths.has(p)) errs.push(invalid(path, value, 'conflicting duplicate paths'));
    else seenPaths.add(p);
  };
  list(src['sources']).forEach((source, i) => {
    const at = index(child(path, 'sources'), i);
    let count = 0;
    for (const kind of ['secret', 'configMap'] as const) {
      const ref = asObj(source[kind]);
      if (!ref) continue;
      count++;
      const refPath = child(at, kind);
      if (str(ref['name']).length === 0) errs.push(required(child(refPath, 'name')));
      list(ref['items']).forEach((item, j) => {
        errs.push(...checkKeyToPath(item, index(child(refPath, 'items'), j)));
        claimPath(str(item['path']), str(ref['name']));
      });
    }
    const downward = asObj(source['downwardAPI']);
    if (downward) {
      count++;
      for (const file of list(downward['items'])) {
        errs.push(...checkDownwardAPIFile(file, child(at, 'downwardAPI')));
        claimPath(str(file['path']), str(file['path']));
      }
    }
    const token = asObj(source['serviceAccountToken']);
    if (token) {
      count++;
      const seconds = num(token['expirationSeconds']);
      const secondsPath = child(at, 'serviceAccountToken', 'expirationSeconds');
      if (seconds < 600) errs.push(invalid(secondsPath, seconds, 'may not specify a duration less than 10 minutes'));
      if (seconds > 2 ** 32)
        errs.push(invalid(secondsPath, seconds, 'may not specify a duration larger than 2^32 seconds'));
      const tokenPath = str(token['path']);
      if (tokenPath === '') errs.push(required(child(path, 'path')));
      else errs.push(...validateLocalNonReservedPath(tokenPath, child(path, 'path')));
    }
    if (asObj(source['clusterTrustBundle'])) count++;
    if (count > 1) errs.push(forbidden(at, 'may not specify more than 1 volume type per source'));
  });
  return errs;
}

function checkCsi(src: Obj, path: string): FieldError[] {
  const driver = str(src['driver']);
  const driverPath = child(path, 'driver');
  const errs: FieldError[] = [];
  if (driver.length === 0) errs.push(required(driverPath));
  if (driver.length > 63) errs.push(tooLong(driverPath, 63));
  errs.push(...dns1123SubdomainErrors(driver.toLowerCase()).map((msg) => invalid(driverPath, driver, msg)));
  const secretRef = asObj(src['nodePublishSecretRef']);
  if (secretRef) {
    const name = str(secretRef['name']);
    if (name.length === 0) errs.push(required(child(path, 'nodePublishSecretRef', 'name')));
    else errs.push(...dns1123SubdomainErrors(name).map((msg) => invalid(child(path, 'name'), name, msg)));
  }
  return errs;
}

// ---- small readers for the untyped parts of the wire shape ----

function requireString(src: Obj, field: string, path: string): FieldError[] {
  return str(src[field]).length === 0 ? [required(child(path, field))] : [];
}

function requireList(src: Obj, field: string, path: string): FieldError[] {
  return list(src[field]).length === 0 ? [required(child(path, field))] : [];
}
