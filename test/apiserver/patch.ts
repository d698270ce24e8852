// The three PATCH bodies the API server takes. JSON patch (RFC 6902) goes through fast-json-patch, a
// maintained implementation; merge patch (RFC 7386) and the strategic merge patch of built-in kinds are small
// enough to write here. The strategic merge knows the list merge keys of the fields a Pod template uses.
import jsonPatch from 'fast-json-patch';
import { errors } from './status.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

/** What the API server accepts, in the order its 415 message lists them. */
export function acceptedPatchTypes(custom: boolean): string[] {
  return custom
    ? [JSON_PATCH, MERGE_PATCH, APPLY_PATCH]
    : [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH];
}

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

// The library's error names, reworded as the Go library the API server uses words them.
function jsonPatchMessage(error: { name?: string; operation?: { op?: string; path?: string } }): string {
  const op = error.operation?.op ?? 'patch';
  const path = error.operation?.path ?? '';
  switch (error.name) {
    case 'TEST_OPERATION_FAILED':
      return `testing value ${path} failed: test failed`;
    case 'OPERATION_PATH_UNRESOLVABLE':
    case 'OPERATION_PATH_CANNOT_ADD':
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `${op} operation does not apply: doc is missing path: "${path}": missing value`;
    default:
      return `${op} operation does not apply: ${String((error as Error).message ?? error).split('\n')[0]}`;
  }
}

export function applyJsonPatch(document: Json, body: Json): Json {
  if (!Array.isArray(body))
    throw errors.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  const problem = jsonPatch.validate(body as jsonPatch.Operation[]);
  if (problem && problem.name !== 'OPERATION_PATH_UNRESOLVABLE' && problem.name !== 'TEST_OPERATION_FAILED') {
    throw errors.badRequest(`invalid JSON patch: ${problem.message.split('\n')[0]}`);
  }
  try {
    return jsonPatch.applyPatch(structuredClone(document), body as jsonPatch.Operation[], true, true).newDocument;
  } catch (e) {
    throw errors.patchNotApplied(jsonPatchMessage(e as { name?: string }));
  }
}

/** RFC 7386: objects merge, null deletes, anything else replaces. */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

/** patchMergeKey of list fields in the built-in API types (by field name; the same key wherever it appears). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  hostAliases: 'ip',
  ownerReferences: 'uid',
  conditions: 'type',
  topologySpreadConstraints: 'topologyKey',
  readinessGates: 'conditionType',
  resourceClaims: 'name',
};

/** Lists of scalars whose patch strategy is merge (a set union). */
const MERGED_SCALAR_LISTS = new Set(['finalizers']);

const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

export function applyStrategicMergePatch(target: Json, patch: Json): Json {
  return mergeMap(isObject(target) ? target : {}, isObject(patch) ? patch : {});
}

function mergeMap(target: Record<string, Json>, patch: Record<string, Json>): Record<string, Json> {
  const directive = patch.$patch;
  if (directive === 'replace') {
    const { $patch: _, ...rest } = patch;
    return structuredClone(rest);
  }
  const out: Record<string, Json> = { ...target };
  const retain = Array.isArray(patch.$retainKeys) ? new Set(patch.$retainKeys as string[]) : undefined;
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith(SET_ORDER)) continue;
    if (k.startsWith(DELETE_FROM)) {
      const field = k.slice(DELETE_FROM.length);
      const drop = new Set((v as Json[]).map((x) => JSON.stringify(x)));
      if (Array.isArray(out[field])) out[field] = (out[field] as Json[]).filter((x) => !drop.has(JSON.stringify(x)));
      continue;
    }
    if (v === null) delete out[k];
    else if (isObject(v) && v.$patch === 'delete') delete out[k];
    else if (Array.isArray(v)) out[k] = mergeList(k, out[k], v);
    else if (isObject(v)) out[k] = mergeMap(isObject(out[k]) ? (out[k] as Record<string, Json>) : {}, v);
    else out[k] = v;
  }
  if (retain) for (const k of Object.keys(out)) if (!retain.has(k)) delete out[k];
  return out;
}

function mergeList(field: string, current: Json, patch: Json[]): Json[] {
  const base = Array.isArray(current) ? current : [];
  if (patch.some((item) => isObject(item) && item.$patch === 'replace')) {
    return structuredClone(patch.filter((item) => !(isObject(item) && item.$patch === 'replace')));
  }
  if (MERGED_SCALAR_LISTS.has(field)) {
    const seen = new Set(base.map((x) => JSON.stringify(x)));
    return [...base, ...patch.filter((x) => !seen.has(JSON.stringify(x)))];
  }
  const key = MERGE_KEYS[field];
  if (!key) return structuredClone(patch);
  const out = [...base];
  for (const item of patch) {
    if (!isObject(item)) continue;
    const at = out.findIndex((x) => isObject(x) && x[key] === item[key]);
    if (item.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) {
      out[at] = mergeMap(out[at] as Record<string, Json>, item);
    } else {
      out.push(mergeMap({}, item));
    }
  }
  return out;
}
