// The options of the KRM function, read from its functionConfig: our own SidecarSetInjector object (kustomize
// transformer config, kpt configPath) or a ConfigMap (kpt's `-- key=value` arguments).
import path from 'node:path';
import { SidecarsetError } from '../../errors.js';
import { isObject } from '../../k8s/api.js';
import {
  DefaultKruiseVersion,
  kruiseProfile,
  parseFeatureGates,
  parseKruiseVersion,
  type KruiseProfile,
} from '../../kruise/apis/version.js';

export const INJECTOR_KIND = 'SidecarSetInjector';
export const INJECTOR_API_VERSION = 'sidecarset.kruise.io/v1alpha1';

export interface FunctionOptions {
  /** SidecarSet files or directories to use but not print, resolved against the kustomization root */
  sidecarSetPaths: string[];
  /** namespace of objects that name none */
  namespace: string;
  keepHash: boolean;
  recursive: boolean;
  /** the Kruise release and feature gates modelled (kruiseVersion, featureGates) */
  profile: KruiseProfile;
}

const DEFAULTS: Omit<FunctionOptions, 'profile'> = {
  sidecarSetPaths: [],
  namespace: 'default',
  keepHash: false,
  recursive: false,
};

/**
 *   kind: SidecarSetInjector          kind: ConfigMap
 *   spec:                             data:
 *     sidecarSets: [platform/]          sidecarSets: platform/,more.yaml
 *     namespace: apps                   namespace: apps
 *     keepHash: false                   keepHash: "false"
 *     recursive: false                  recursive: "false"
 *     kruiseVersion: v1.9.0             kruiseVersion: v1.9.0
 *     featureGates: A=true              featureGates: A=true
 * `baseDir` is where relative paths start: the kustomization's directory.
 */
export function readFunctionConfig(config: unknown, baseDir: string): FunctionOptions {
  if (config === undefined || config === null) return { ...DEFAULTS, profile: kruiseProfile() };
  if (!isObject(config)) throw new SidecarsetError('functionConfig must be an object');
  const fields = config.kind === 'ConfigMap' ? config.data : config.kind === INJECTOR_KIND ? config.spec : undefined;
  if (fields === undefined && config.kind !== 'ConfigMap' && config.kind !== INJECTOR_KIND) {
    throw new SidecarsetError(
      `functionConfig must be a ${INJECTOR_KIND} or a ConfigMap, not a ${String(config.kind)}`,
      { field: 'kind' },
    );
  }
  const at = config.kind === 'ConfigMap' ? 'data' : 'spec';
  if (fields === undefined || fields === null) return { ...DEFAULTS, profile: kruiseProfile() };
  if (!isObject(fields)) throw new SidecarsetError(`functionConfig.${at} must be an object`, { field: at });
  const known = new Set(['sidecarSets', 'namespace', 'keepHash', 'recursive', 'kruiseVersion', 'featureGates']);
  for (const key of Object.keys(fields)) {
    if (!known.has(key))
      throw new SidecarsetError(`unknown option "${key}"; known: ${[...known].join(', ')}`, { field: `${at}.${key}` });
  }
  return {
    sidecarSetPaths: pathList(fields.sidecarSets, `${at}.sidecarSets`).map((p) => path.resolve(baseDir, p)),
    namespace: text(fields.namespace, `${at}.namespace`) ?? DEFAULTS.namespace,
    keepHash: flag(fields.keepHash, `${at}.keepHash`),
    recursive: flag(fields.recursive, `${at}.recursive`),
    profile: profileOf(fields, at),
  };
}

function profileOf(fields: Record<string, unknown>, at: string): KruiseProfile {
  const versionText = text(fields.kruiseVersion, `${at}.kruiseVersion`);
  const gates = text(fields.featureGates, `${at}.featureGates`);
  const version = placedAt(`${at}.kruiseVersion`, () =>
    versionText === undefined ? DefaultKruiseVersion : parseKruiseVersion(versionText),
  );
  return placedAt(`${at}.featureGates`, () =>
    kruiseProfile(version, gates === undefined ? new Map() : parseFeatureGates(gates, version)),
  );
}

function placedAt<T>(field: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (!(err instanceof SidecarsetError)) throw err;
    throw new SidecarsetError(err.message, { field });
  }
}

function pathList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string')
    return value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new SidecarsetError('must be a list of paths (or one comma-separated string)', { field });
}

function text(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new SidecarsetError('must be a string', { field });
  return value;
}

function flag(value: unknown, field: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new SidecarsetError('must be true or false', { field });
}
