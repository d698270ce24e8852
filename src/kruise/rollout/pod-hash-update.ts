// UpdatePodSidecarSetHash (pkg/control/sidecarcontrol/util.go): after an in-place upgrade the Pod's
// kruise.io/sidecarset-hash entry for the SidecarSet names its current hash. The other entries are kept. A Pod
// whose annotation is not in the current form (absent, legacy {"name":"hash"}, unreadable) has it rebuilt, and
// then its hash-without-image annotation too, when that one is in the legacy form: Kruise converts it with the
// legacy entries of the hash annotation merged in, each stamped with this SidecarSet's name and the time.
import type { Pod } from '../../k8s/api.js';
import { isObject } from '../../k8s/api.js';
import { sortedGoSet } from '../../go/sort.js';
import { SidecarSetHashAnnotation, SidecarSetHashWithoutImageAnnotation, type SidecarSet } from '../apis/types.js';
import {
  marshalUpgradeSpecs,
  parseUpgradeSpecs,
  type SidecarSetUpgradeSpec,
  type UpgradeSpecs,
} from '../sidecarcontrol/pod-annotations.js';
import { SidecarsetError } from '../../errors.js';

/** Writes the hash annotations on `pod` (owned by the caller) as Kruise does; `now` is metav1.Time text, canonical. */
export function updatePodSidecarSetHash(pod: Pod, sidecarSet: SidecarSet, now: string): void {
  const annotations = (pod.metadata.annotations ??= {});
  const name = sidecarSet.metadata?.name ?? '';
  let specs = currentForm(pod);
  if (specs === undefined) {
    // json.Unmarshal into the struct map failed: the legacy form is converted, anything else starts afresh
    const legacy = legacyEntries(annotations[SidecarSetHashAnnotation]) ?? new Map<string, string>();
    specs = new Map([...legacy].map(([k, v]) => [k, legacySpec(v, name, now)]));
    const withoutImage = legacyEntries(annotations[SidecarSetHashWithoutImageAnnotation]);
    if (withoutImage !== undefined) {
      // Kruise decodes it into the same map the hash annotation's legacy entries are in
      const merged = new Map([...legacy, ...withoutImage]);
      annotations[SidecarSetHashWithoutImageAnnotation] = marshalUpgradeSpecs(
        new Map([...merged].map(([k, v]) => [k, legacySpec(v, name, now)])),
      );
    }
  }
  specs.set(name, {
    updateTimestamp: now,
    hash: sidecarSet.metadata?.annotations?.[SidecarSetHashAnnotation] ?? '',
    sidecarSetName: name,
    sidecarList: sidecarNames(sidecarSet),
    controllerRevision: typeof sidecarSet.status?.latestRevision === 'string' ? sidecarSet.status.latestRevision : '',
  });
  annotations[SidecarSetHashAnnotation] = marshalUpgradeSpecs(specs);
}

/** listSidecarNameInSidecarSet: native-sidecar init containers and containers, sorted, without repeats. */
export function sidecarNames(sidecarSet: SidecarSet): string[] {
  const init = (sidecarSet.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name);
  return sortedGoSet([...init, ...(sidecarSet.spec?.containers ?? []).map((c) => c.name)]);
}

function legacySpec(hash: string, sidecarSetName: string, now: string): SidecarSetUpgradeSpec {
  return { updateTimestamp: now, hash, sidecarSetName, sidecarList: null, controllerRevision: '' };
}

/** The annotation decoded into map[string]SidecarSetUpgradeSpec, or undefined when Go's Unmarshal fails. */
function currentForm(pod: Pod): UpgradeSpecs | undefined {
  const text = pod.metadata.annotations?.[SidecarSetHashAnnotation];
  if (text === undefined || text === '' || hasStringEntry(text)) return undefined;
  try {
    return parseUpgradeSpecs(pod, SidecarSetHashAnnotation);
  } catch (err) {
    if (err instanceof SidecarsetError) return undefined;
    throw err;
  }
}

// a string where the struct is expected makes Go's Unmarshal fail (null entries decode as zero values)
function hasStringEntry(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) && Object.values(parsed).some((v) => typeof v === 'string');
  } catch {
    return false;
  }
}

/**
 * json.Unmarshal into map[string]string: the entries, or undefined when it fails (absent, "", not JSON, a
 * value that is not a string). JSON null decodes as no entries.
 */
function legacyEntries(text: string | undefined): Map<string, string> | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const out = new Map<string, string>();
  if (parsed === null) return out;
  if (!isObject(parsed)) return undefined;
  for (const [k, v] of Object.entries(parsed)) {
    if (v !== null && typeof v !== 'string') return undefined;
    out.set(k, v ?? '');
  }
  return out;
}
