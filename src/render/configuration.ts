// Gathers what configures injection from the input documents: SidecarSets (loaded as Kruise stores them,
// validated as its webhook would, conflicts between them included), Namespaces, ControllerRevisions and the kruise-configuration ConfigMap.
import type { ControllerRevision, SidecarSet } from '../kruise/api.js';
import { loadSidecarSet } from '../kruise/sidecarset.js';
import {
  formatFieldError,
  parsePatchPodMetadataWhitelist,
  validateSidecarSet,
  type PatchWhitelist,
} from '../kruise/validate/index.js';
import { SidecarsetError } from '../errors.js';
import type { ManifestDocument } from '../manifests/read.js';
import { apiGroup } from '../manifests/pod-template.js';

export interface InjectionConfiguration {
  sidecarSets: SidecarSet[];
  namespaces: Map<string, Record<string, string>>;
  revisions: ControllerRevision[];
  whitelist: PatchWhitelist | undefined;
  /** things the user should know that do not stop the render (replaced hashes, cluster-policy findings) */
  notes: string[];
}

interface Placed<T> {
  value: T;
  md: ManifestDocument;
}

/** Reads the configuration documents (already classified as 'config'); throws on anything Kruise would reject. */
export function buildConfiguration(docs: ManifestDocument[], keepHash: boolean): InjectionConfiguration {
  const notes: string[] = [];
  const sidecarSets: Placed<SidecarSet>[] = [];
  const namespaces = new Map<string, Record<string, string>>();
  const revisions: ControllerRevision[] = [];
  let whitelist: PatchWhitelist | undefined;

  for (const md of docs) {
    const obj = md.object;
    const group = apiGroup(obj.apiVersion);
    const meta = (obj.metadata ?? {}) as { name?: string; labels?: Record<string, string> };
    try {
      if (obj.kind === 'SidecarSet' && group === 'apps.kruise.io') {
        const loaded = loadSidecarSet(obj, { keepHash });
        const name = loaded.sidecarSet.metadata.name ?? '';
        const twin = sidecarSets.find((s) => s.value.metadata.name === name);
        if (twin) {
          throw new SidecarsetError(`SidecarSet "${name}" is given twice (also in ${where(twin.md)})`, { field: 'metadata.name' });
        }
        for (const r of loaded.replacedHashes) {
          notes.push(
            `${where(md)}: SidecarSet ${name}: ${r.annotation} recomputed as Kruise's webhook would ` +
              `(${short(r.was)} -> ${short(r.now)}); use --keep-hash to read it as stored`,
          );
        }
        sidecarSets.push({ value: loaded.sidecarSet, md });
      } else if (obj.kind === 'Namespace') {
        namespaces.set(meta.name ?? '', { ...(meta.labels ?? {}) });
      } else if (obj.kind === 'ControllerRevision') {
        revisions.push(obj as unknown as ControllerRevision);
      } else if (obj.kind === 'ConfigMap') {
        whitelist = parsePatchPodMetadataWhitelist((obj.data ?? {}) as Record<string, string>);
      }
    } catch (err) {
      throw placed(err, md);
    }
  }

  const all = sidecarSets.map((s) => s.value);
  // A stored SidecarSet (--keep-hash) was admitted when it was created: it is read, not validated again.
  if (keepHash) return { sidecarSets: all, namespaces, revisions, whitelist, notes };
  for (const { value, md } of sidecarSets) {
    const others = all.filter((s) => s !== value);
    const result = validateSidecarSet(value, { others, revisions, patchPodMetadataWhitelist: whitelist });
    if (result.errors.length > 0) {
      const [first, ...rest] = result.errors;
      const more = rest.length ? ` (and ${rest.length} more: ${rest.map(formatFieldError).join('; ')})` : '';
      const hint = result.errors.some((e) => e.field === 'revision' && e.type === 'Invalid') ? REVISION_HINT : '';
      throw new SidecarsetError(`SidecarSet ${value.metadata.name} would be rejected by Kruise: ${formatFieldError(first)}${more}${hint}`, {
        source: md.source,
        document: md.index,
      });
    }
    for (const finding of result.clusterPolicy) {
      notes.push(`${where(md)}: SidecarSet ${value.metadata.name}: ${formatFieldError(finding)} (a cluster's policy decides; not enforced offline)`);
    }
  }
  return { sidecarSets: all, namespaces, revisions, whitelist, notes };
}

const REVISION_HINT =
  '; give the ControllerRevisions (kubectl get controllerrevisions -n kruise-system -o yaml) with -f or --sidecarsets';

export function where(md: ManifestDocument): string {
  return `${md.source}: document ${md.index + 1}${md.listItem !== undefined ? ` item ${md.listItem + 1}` : ''}`;
}

export function placed(err: unknown, md: ManifestDocument): unknown {
  return err instanceof SidecarsetError ? err.at({ source: md.source, document: md.index }) : err;
}

function short(hash: string): string {
  return hash === '' ? '(empty)' : hash.length > 12 ? `${hash.slice(0, 12)}…` : hash;
}
