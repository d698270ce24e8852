// `validate`: every SidecarSet among the inputs, judged as Kruise's validating webhook judges a create after
// its defaults, with every error it would answer; or an update, when the stored objects are given (--stored
// files, or the cluster's with --live). The other configuration documents (Namespaces, ControllerRevisions, the
// kruise-configuration ConfigMap) stand for the cluster; anything else is ignored.
import { gateEnabled, SidecarSetPatchPodMetadataDefaultsAllowed, type KruiseProfile } from '../kruise/apis/version.js';
import type { Readable } from 'node:stream';
import { SidecarsetError } from '../errors.js';
import {
  formatFieldError,
  validateSidecarSet,
  type FieldError,
  type FieldErrorType,
} from '../kruise/validate/index.js';
import { canaryBaseOf } from '../kruise/validate/metadata.js';
import { GoValue } from '../k8s/validation/field-errors.js';
import { readManifests } from '../manifests/documents.js';
import { objectRef } from '../manifests/object-ref.js';
import { locatePodTemplate } from '../manifests/pod-template.js';
import type { ManifestDocument } from '../manifests/types.js';
import type { ClusterFlags } from '../cluster/index.js';
import {
  buildConfiguration,
  gatherConfiguration,
  isCanaryOf,
  storedVersion,
  where,
  type GatheredConfiguration,
  type SidecarSetEntry,
  type StoredConfiguration,
} from './configuration.js';

export interface ValidateOptions {
  filenames: string[];
  recursive: boolean;
  /** the Kruise release and feature gates modelled */
  profile: KruiseProfile;
  /** files with the objects as stored: a SidecarSet of the same name among the inputs is judged as their update */
  stored?: string[];
  /** the cluster's objects are the stored ones (as `kubectl apply` sees them) */
  live?: { flags: ClusterFlags; env: Record<string, string | undefined> };
}

/** One error, as the JSON output carries it. */
export interface ReportedFieldError {
  /** Kruise's field path, e.g. spec.containers[0].image ('' when the whole object is concerned) */
  field: string;
  /** field.ErrorType as Kruise reports it, or Decode when its decoder refuses the JSON */
  type: FieldErrorType | 'Decode';
  /** the whole error as Kruise prints it */
  message: string;
  /** the part after the type and value ('' when there is none) */
  detail: string;
  /** the offending value, when Kruise shows it */
  value?: unknown;
}

export interface SidecarSetVerdict {
  name: string;
  /** sidecarset.apps.kruise.io/NAME */
  ref: string;
  source: string;
  /** 1-based document in the source */
  document: number;
  /** 1-based item of a List document */
  item?: number;
  valid: boolean;
  errors: ReportedFieldError[];
  warnings: string[];
}

export interface ValidationReport {
  valid: boolean;
  sidecarSets: SidecarSetVerdict[];
}

export async function validateManifests(options: ValidateOptions, stdin: Readable): Promise<ValidationReport> {
  const docs = await configurationDocs(options.filenames, options.recursive, stdin);
  const names = new Set(docs.filter((md) => md.object.kind === 'SidecarSet').map(nameOf));
  const stored = await storedConfiguration(options, stdin, names);
  const gathered = gatherConfiguration(docs, false, options.profile, stored);
  if (gathered.entries.length === 0) {
    throw new SidecarsetError('no SidecarSet (apps.kruise.io/v1alpha1 or v1beta1) found among the inputs');
  }
  const sidecarSets = gathered.entries.map((entry) => verdict(entry, gathered, stored));
  return { valid: sidecarSets.every((s) => s.valid), sidecarSets };
}

async function configurationDocs(
  filenames: string[],
  recursive: boolean,
  stdin: Readable,
): Promise<ManifestDocument[]> {
  const docs: ManifestDocument[] = [];
  for await (const md of readManifests(filenames, { recursive, stdin })) {
    if (locatePodTemplate(md.object) === 'config') docs.push(md);
  }
  return docs;
}

function nameOf(md: ManifestDocument): string {
  const name = (md.object.metadata as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : '';
}

/** What an update is judged against: the stored objects, read as stored (annotations kept, not re-validated). */
async function storedConfiguration(
  options: ValidateOptions,
  stdin: Readable,
  names: Set<string>,
): Promise<StoredConfiguration | undefined> {
  const { storedBeside, readClusterConfiguration } = await import('./cluster/inputs.js');
  if (options.stored && options.stored.length > 0) {
    const docs = await configurationDocs(options.stored, options.recursive, stdin);
    return storedBeside(buildConfiguration(docs, true, options.profile), names);
  }
  if (!options.live) return undefined;
  const { connect } = await import('../cluster/index.js'); // only --live reaches a cluster
  const cluster = await connect(options.live.flags, options.live.env);
  return storedBeside(
    await readClusterConfiguration(cluster, { namespaces: [], sidecarSetsRequired: true, profile: options.profile }),
    names,
  );
}

function verdict(
  entry: SidecarSetEntry,
  gathered: GatheredConfiguration,
  stored: StoredConfiguration | undefined,
): SidecarSetVerdict {
  const { errors, warnings } = judge(entry, gathered, stored);
  const out: SidecarSetVerdict = {
    name: entry.name,
    ref: objectRef(entry.md.object),
    source: entry.md.source,
    document: entry.md.index + 1,
    valid: errors.length === 0,
    errors,
    warnings,
  };
  if (entry.md.listItem !== undefined) out.item = entry.md.listItem + 1;
  return out;
}

function judge(
  entry: SidecarSetEntry,
  gathered: GatheredConfiguration,
  stored: StoredConfiguration | undefined,
): { errors: ReportedFieldError[]; warnings: string[] } {
  if (entry.decodeError) return { errors: [decodeError(entry.decodeError)], warnings: [] };
  if (entry.duplicateOf) {
    const e: FieldError = {
      type: 'Duplicate',
      field: 'metadata.name',
      value: entry.name,
      message: `already given in ${where(entry.duplicateOf)}`,
    };
    return { errors: [reported(e)], warnings: [] };
  }
  const ss = entry.loaded!.sidecarSet;
  const others = gathered.entries
    .filter((e) => e !== entry && e.loaded && !e.duplicateOf)
    .map((e) => e.loaded!.sidecarSet)
    .filter((o) => !isCanaryOf(o, ss));
  // Everything but the conflicts: against its canary base alone, which the conflict check skips.
  const base = canaryBaseOf(ss);
  const own = validateSidecarSet(ss, {
    others: [...others, ...(stored?.sidecarSets ?? [])].filter((o) => base !== undefined && o.metadata.name === base),
    revisions: [...gathered.revisions, ...(stored?.revisions ?? [])],
    patchPodMetadataWhitelist: gathered.whitelist ?? stored?.whitelist,
    older: storedVersion(ss, stored),
    patchPodMetadataDefaultsAllowed: gateEnabled(gathered.profile, SidecarSetPatchPodMetadataDefaultsAllowed),
    profile: gathered.profile,
  });
  const errors = withWhitelistErrors(own.errors, own.clusterPolicy);
  const warnings: string[] = [];
  if (errors.length === 0) {
    // gatherConfiguration validated against all the others: with nothing else wrong, what it found are conflicts
    errors.push(...(entry.validation?.errors ?? []));
  } else if ([...others, ...(stored?.sidecarSets ?? [])].some((o) => o.metadata.name !== base)) {
    warnings.push(
      'conflicts with the other SidecarSets were not checked: Kruise checks them only once everything else passes',
    );
  }
  return { errors: dedupe(errors).map(reported), warnings };
}

/**
 * Kruise reports the whitelist (cluster policy) failure among the spec's errors, just before the
 * patchPodMetadata rules of the SidecarSet itself, which are the last ones it checks on create.
 */
function withWhitelistErrors(errors: FieldError[], clusterPolicy: FieldError[]): FieldError[] {
  let at = errors.length;
  while (at > 0 && isPatchRuleError(errors[at - 1])) at--;
  return [...errors.slice(0, at), ...clusterPolicy, ...errors.slice(at)];
}

function isPatchRuleError(e: FieldError): boolean {
  return e.field === 'spec.patchPodMetadata' || e.field.startsWith('patchPodMetadata');
}

/** The API server answers an error list with each distinct message once (ErrorList.ToAggregate). */
function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const text = formatFieldError(e);
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}

function reported(e: FieldError): ReportedFieldError {
  const out: ReportedFieldError = { field: e.field, type: e.type, message: formatFieldError(e), detail: e.message };
  if (e.value !== undefined) out.value = jsonSafe(e.value instanceof GoValue ? e.value.value : e.value);
  return out;
}

function decodeError(err: SidecarsetError): ReportedFieldError {
  return { field: err.place.field ?? '', type: 'Decode', message: err.fieldMessage, detail: err.message };
}

/** Values as JSON can carry them (int64s decode as bigint). */
function jsonSafe(v: unknown): unknown {
  return JSON.parse(
    JSON.stringify(v, (_k, x: unknown) =>
      typeof x === 'bigint' ? (Number.isSafeInteger(Number(x)) ? Number(x) : String(x)) : x,
    ),
  );
}
