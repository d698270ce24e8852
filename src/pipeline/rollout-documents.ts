// The documents of plan-rollout's inputs sorted as it takes them: Pods, configuration (the SidecarSet, Namespaces),
// the rest (ignored, with a note).
import type { KruiseProfile } from '../kruise/apis/version.js';
import { SidecarsetError, UsageError } from '../errors.js';
import type { Pod } from '../k8s/api.js';
import type { SidecarSet } from '../kruise/apis/types.js';
import { asPlannedPod } from '../kruise/rollout/pod-record.js';
import type { PodRecord } from '../kruise/rollout/types.js';
import { toManifestDocument, type InputDocument } from '../manifests/json-source.js';
import { objectRef } from '../manifests/object-ref.js';
import { apiGroup, locatePodTemplate } from '../manifests/pod-template.js';
import type { ManifestDocument } from '../manifests/types.js';
import { buildConfiguration, where } from './configuration.js';
import { countOf } from '../words.js';

export interface RolloutInputs {
  /** as Kruise stores it: defaulted and re-hashed from a file (unless --keep-hash), as is from a cluster */
  sidecarSet: SidecarSet;
  /** the Pods as they are now, in input order, each with a namespace: the objects, or their plan records */
  pods: Pod[] | { records: PodRecord[] };
  /** Namespace name -> labels, for spec.namespaceSelector */
  namespaces: Map<string, Record<string, string>>;
  /** for the user, on stderr */
  notes: string[];
}

export class InputsReader {
  readonly pods: Pod[] = [];
  private readonly config: ManifestDocument[] = [];
  private readonly sidecarSets: ManifestDocument[] = [];
  private readonly ignored: string[] = [];

  constructor(private readonly opts: { keepHash: boolean; namespace: string; profile: KruiseProfile }) {}

  add(doc: InputDocument): void {
    const obj = doc.object;
    if (obj.kind === 'Pod' && apiGroup(obj.apiVersion) === '') {
      try {
        this.pods.push(asPlannedPod(obj, this.opts.namespace));
      } catch (err) {
        if (err instanceof SidecarsetError) throw err.at({ source: doc.source, document: doc.index });
        throw err;
      }
    } else if (locatePodTemplate(obj, this.opts.namespace) === 'config') {
      const md = toManifestDocument(doc);
      this.config.push(md);
      if (obj.kind === 'SidecarSet') this.sidecarSets.push(md);
    } else this.ignored.push(objectRef(obj));
  }

  finish(): Omit<RolloutInputs, 'pods'> {
    const { sidecarSets, ignored } = this;
    if (sidecarSets.length !== 1) {
      const found = sidecarSets.map((md) => `${nameOf(md)} (${where(md)})`).join(', ');
      throw new UsageError(
        sidecarSets.length === 0
          ? 'plan-rollout needs one SidecarSet among the inputs (-f), and found none'
          : `plan-rollout plans one SidecarSet at a time; the inputs hold ${sidecarSets.length}: ${found}`,
      );
    }
    const built = buildConfiguration(this.config, this.opts.keepHash, this.opts.profile);
    const notes = [...built.notes];
    if (ignored.length > 0) {
      const shown = ignored.slice(0, 5).join(', ') + (ignored.length > 5 ? ` and ${ignored.length - 5} more` : '');
      notes.push(
        `ignored ${countOf(ignored.length, 'object')} that ${ignored.length === 1 ? 'is' : 'are'} neither a Pod nor configuration: ${shown}`,
      );
    }
    return { sidecarSet: built.sidecarSets[0], namespaces: built.namespaces, notes };
  }
}

function nameOf(md: ManifestDocument): string {
  return String((md.object.metadata as { name?: string } | undefined)?.name ?? '<unnamed>');
}
