// Gathers what configures injection from the input documents: SidecarSets (loaded as Kruise stores them,
// validated as its webhook would, conflicts between them included), Namespaces, ControllerRevisions and the
// kruise-configuration ConfigMap. `inject` stops at the first SidecarSet Kruise would refuse; `validate`
// reports every one of them.
import type { ControllerRevision } from '../k8s/api.js';
import type { SidecarSet } from '../kruise/apis/types.js';
import { shortHash } from '../kruise/sidecarcontrol/short-hash.js';
import { loadSidecarSet, type LoadedSidecarSet } from '../kruise/sidecarcontrol/sidecarset.js';
import {
  formatFieldError,
  parsePatchPodMetadataWhitelist,
  validateSidecarSet,
  type PatchWhitelist,
  type ValidationResult,
} from '../kruise/validate/index.js';
import { canaryBaseOf } from '../kruise/validate/metadata.js';
import { SidecarsetError } from '../errors.js';
import {
  gateEnabled,
  SidecarSetPatchPodMetadataDefaultsAllowed,
  versionTraits,
  type KruiseProfile,
} from '../kruise/apis/version.js';
import type { MutatingWebhookConfiguration } from '../kruise/inject/webhook-scope.js';
import { apiGroup } from '../manifests/pod-template.js';
import type { ManifestDocument } from '../manifests/types.js';

export interface InjectionConfiguration {
  sidecarSets: SidecarSet[];
  namespaces: Map<string, Record<string, string>>;
  revisions: ControllerRevision[];
  whitelist: PatchWhitelist | undefined;
  /** Kruise's kruise-mutating-webhook-configuration, when given: the Pod webhook's scope */
  webhookConfiguration?: MutatingWebhookConfiguration;
  /** things the user should know that do not stop the render (replaced hashes, cluster-policy findings) */
  notes: string[];
}

/** One SidecarSet document of the inputs and what became of it. */
export interface SidecarSetEntry {
  md: ManifestDocument;
  /** metadata.name as written ('' when absent or not a string) */
  name: string;
  /** set when it decoded (and was defaulted and hashed, unless keepHash) */
  loaded?: LoadedSidecarSet;
  /** why Kruise's decoder would refuse it: wrong JSON types, unknown apiVersion */
  decodeError?: SidecarsetError;
  /** an earlier SidecarSet of the same name: this one is neither used nor validated */
  duplicateOf?: ManifestDocument;
  /** the webhook's verdict; absent when it could not be loaded or with keepHash */
  validation?: ValidationResult;
}

/** What a cluster already stores beside the documents: their SidecarSets are validated against it, as Kruise does. */
export interface StoredConfiguration {
  sidecarSets: SidecarSet[];
  revisions: ControllerRevision[];
  whitelist: PatchWhitelist | undefined;
  /** the stored objects of the SidecarSets the documents replace: each is validated as an update of its own */
  older?: SidecarSet[];
}

export interface GatheredConfiguration {
  entries: SidecarSetEntry[];
  namespaces: Map<string, Record<string, string>>;
  revisions: ControllerRevision[];
  whitelist: PatchWhitelist | undefined;
  webhookConfiguration?: MutatingWebhookConfiguration;
  /** the Kruise release and feature gates the SidecarSets were validated for */
  profile: KruiseProfile;
}

/**
 * Reads the configuration documents (already classified as 'config') and validates every SidecarSet that could be
 * loaded against the others (skipped with keepHash: a stored SidecarSet was admitted when it was created).
 * Throws only for a kruise-configuration ConfigMap whose whitelist cannot be read.
 */
export function gatherConfiguration(
  docs: ManifestDocument[],
  keepHash: boolean,
  profile: KruiseProfile,
  stored?: StoredConfiguration,
): GatheredConfiguration {
  const entries: SidecarSetEntry[] = [];
  const namespaces = new Map<string, Record<string, string>>();
  const revisions: ControllerRevision[] = [];
  let whitelist: PatchWhitelist | undefined;
  let webhookConfiguration: MutatingWebhookConfiguration | undefined;

  for (const md of docs) {
    const obj = md.object;
    const meta = (obj.metadata ?? {}) as { name?: unknown; labels?: Record<string, string> };
    if (obj.kind === 'SidecarSet' && apiGroup(obj.apiVersion) === 'apps.kruise.io') {
      entries.push(loadEntry(md, keepHash, entries));
    } else if (obj.kind === 'Namespace') {
      namespaces.set(typeof meta.name === 'string' ? meta.name : '', { ...(meta.labels ?? {}) });
    } else if (obj.kind === 'ControllerRevision') {
      revisions.push(obj as unknown as ControllerRevision);
    } else if (obj.kind === 'MutatingWebhookConfiguration') {
      webhookConfiguration = obj as unknown as MutatingWebhookConfiguration;
    } else if (obj.kind === 'ConfigMap') {
      try {
        whitelist = parsePatchPodMetadataWhitelist((obj.data ?? {}) as Record<string, string>);
      } catch (err) {
        throw placed(err, md);
      }
    }
  }

  if (!keepHash) {
    const usable = entries.filter((e) => e.loaded && !e.duplicateOf);
    const all = usable.map((e) => e.loaded!.sidecarSet);
    const canaries = versionTraits(profile.version).canarySidecarSets;
    for (const entry of usable) {
      const ss = entry.loaded!.sidecarSet;
      entry.validation = validateSidecarSet(ss, {
        others: [...all.filter((s) => s !== ss && !(canaries && isCanaryOf(s, ss))), ...(stored?.sidecarSets ?? [])],
        revisions: [...revisions, ...(stored?.revisions ?? [])],
        patchPodMetadataWhitelist: whitelist ?? stored?.whitelist,
        patchPodMetadataDefaultsAllowed: gateEnabled(profile, SidecarSetPatchPodMetadataDefaultsAllowed),
        profile,
        older: storedVersion(ss, stored),
      });
    }
  }
  const gathered: GatheredConfiguration = { entries, namespaces, revisions, whitelist, profile };
  if (webhookConfiguration) gathered.webhookConfiguration = webhookConfiguration;
  return gathered;
}

/**
 * A canary is created after its base (its base must exist): given together, the base is judged as Kruise judged
 * its create, before the canary existed.
 */
export function isCanaryOf(other: SidecarSet, ss: SidecarSet): boolean {
  return canaryBaseOf(other) === ss.metadata.name;
}

/** The stored object a document's SidecarSet updates, when there is one. */
export function storedVersion(ss: SidecarSet, stored: StoredConfiguration | undefined): SidecarSet | undefined {
  return stored?.older?.find((o) => o.metadata.name === ss.metadata.name);
}

function loadEntry(md: ManifestDocument, keepHash: boolean, earlier: SidecarSetEntry[]): SidecarSetEntry {
  const rawName = (md.object.metadata as { name?: unknown } | undefined)?.name;
  const entry: SidecarSetEntry = { md, name: typeof rawName === 'string' ? rawName : '' };
  try {
    entry.loaded = loadSidecarSet(md.object, { keepHash });
  } catch (err) {
    if (!(err instanceof SidecarsetError)) throw err;
    entry.decodeError = err;
    return entry;
  }
  entry.name = entry.loaded.sidecarSet.metadata.name ?? '';
  entry.duplicateOf = earlier.find((e) => e.loaded && !e.duplicateOf && e.name === entry.name)?.md;
  return entry;
}

/** Why an entry cannot be used at all, as the error inject stops on; undefined when it loaded. */
export function loadProblem(entry: SidecarSetEntry): SidecarsetError | undefined {
  if (entry.decodeError) return entry.decodeError;
  if (entry.duplicateOf) {
    return new SidecarsetError(`SidecarSet "${entry.name}" is given twice (also in ${where(entry.duplicateOf)})`, {
      field: 'metadata.name',
    });
  }
  return undefined;
}

/** The configuration inject runs with; throws at the first SidecarSet Kruise would refuse. */
export function buildConfiguration(
  docs: ManifestDocument[],
  keepHash: boolean,
  profile: KruiseProfile,
  stored?: StoredConfiguration,
): InjectionConfiguration {
  const gathered = gatherConfiguration(docs, keepHash, profile, stored);
  const notes: string[] = [];
  for (const entry of gathered.entries) {
    const problem = loadProblem(entry);
    if (problem) throw placed(problem, entry.md);
    for (const r of entry.loaded!.replacedHashes) {
      notes.push(
        `${where(entry.md)}: SidecarSet ${entry.name}: ${r.annotation} recomputed as Kruise's webhook would ` +
          `(${shortHash(r.was, 12, '(empty)')} -> ${shortHash(r.now, 12, '(empty)')}); use --keep-hash to read it as stored`,
      );
    }
  }
  for (const { md, name, validation } of gathered.entries) {
    if (!validation) continue;
    if (validation.errors.length > 0) {
      const [first, ...rest] = validation.errors;
      const more = rest.length ? ` (and ${rest.length} more: ${rest.map(formatFieldError).join('; ')})` : '';
      const hint = validation.errors.some((e) => e.field === 'revision' && e.type === 'Invalid') ? REVISION_HINT : '';
      throw new SidecarsetError(
        `SidecarSet ${name} would be rejected by Kruise: ${formatFieldError(first)}${more}${hint}`,
        {
          source: md.source,
          document: md.index,
        },
      );
    }
    for (const finding of validation.clusterPolicy) {
      notes.push(
        `${where(md)}: SidecarSet ${name}: ${formatFieldError(finding)} (a cluster's policy decides; not enforced offline)`,
      );
    }
  }
  const { namespaces, revisions, whitelist, webhookConfiguration } = gathered;
  const sidecarSets = gathered.entries.map((e) => e.loaded!.sidecarSet);
  const config: InjectionConfiguration = { sidecarSets, namespaces, revisions, whitelist, notes };
  if (webhookConfiguration) config.webhookConfiguration = webhookConfiguration;
  return config;
}

const REVISION_HINT =
  '; give the ControllerRevisions (kubectl get controllerrevisions -n kruise-system -o yaml) with -f or --sidecarsets';

export function where(md: ManifestDocument): string {
  return `${md.source}: document ${md.index + 1}${md.listItem !== undefined ? ` item ${md.listItem + 1}` : ''}`;
}

export function placed(err: unknown, md: ManifestDocument): unknown {
  return err instanceof SidecarsetError ? err.at({ source: md.source, document: md.index }) : err;
}
