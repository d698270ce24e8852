// `inject --verify`: each rendered Pod's input sent to the server as a dry-run create (dryRun=All), so the
// cluster's own admission (Kruise's Pod webhook, where it runs) answers; then what the server would store is
// compared with our render on the parts a SidecarSet owns: containers, initContainers, volumes and the
// kruise.io/sidecarset-* annotations.
//
// Rules of the comparison, so that only real disagreements are reported:
// - entries of containers, initContainers and volumes are matched by name; one missing on a side, or in
//   another order, is a difference;
// - within an entry, every field we render must be on the server's side with the same value (lists of the
//   same length element by element); fields only the server has are its defaults (imagePullPolicy, terminationMessagePath, ...), not differences;
// - annotations are compared whole, except updateTimestamp inside the JSON ones: each side's clock.
import type { Pod } from '../../k8s/api.js';
import { deepEqual } from '../../k8s/deep-equal.js';
import { POD, createObject, type Cluster, type KubeObject } from '../../cluster/index.js';

export interface VerifyItem {
  /** kubectl-style reference of the rendered object, and its namespace */
  ref: string;
  namespace: string;
  /** the Pod as it is created (before injection) */
  input: Pod;
  /** our render of it */
  ours: Pod;
}

export interface Difference {
  ref: string;
  namespace: string;
  path: string;
  /** JSON text, or undefined when the side has nothing there */
  ours?: string;
  theirs?: string;
}

const OWNED_ANNOTATION = 'kruise.io/sidecarset';

/** Dry-run creates one after the other (a webhook is the slow part; order keeps messages stable). */
export async function verifyWithServer(cluster: Cluster, items: VerifyItem[]): Promise<Difference[]> {
  const out: Difference[] = [];
  for (const item of items) {
    const theirs = (await createObject(cluster, POD, dryRunPod(item.input), {
      dryRun: true,
      retry: true,
      namespace: item.namespace,
    })) as unknown as Pod;
    for (const d of ownedDifferences(item.ours, theirs)) out.push({ ref: item.ref, namespace: item.namespace, ...d });
  }
  return out;
}

/**
 * The Pod to send: a template's Pod, or a Pod read back, under a generated name (a live Pod's own name
 * exists already), without what the server sets itself.
 */
export function dryRunPod(pod: Pod): KubeObject {
  const {
    name,
    uid: _u,
    resourceVersion: _r,
    creationTimestamp: _c,
    deletionTimestamp: _d,
    managedFields: _m,
    generateName,
    ...metadata
  } = (pod.metadata ?? {}) as Record<string, unknown>;
  const base =
    typeof generateName === 'string' && generateName
      ? generateName
      : typeof name === 'string' && name
        ? `${name}-`
        : 'sidecarset-verify-';
  const { status: _s, ...rest } = pod as unknown as Record<string, unknown>;
  return { ...rest, apiVersion: 'v1', kind: 'Pod', metadata: { ...metadata, generateName: base } } as KubeObject;
}

export function ownedDifferences(ours: Pod, theirs: Pod): Omit<Difference, 'ref' | 'namespace'>[] {
  const out: Omit<Difference, 'ref' | 'namespace'>[] = [];
  const spec = (p: Pod) => (p.spec ?? {}) as unknown as Record<string, unknown>;
  for (const list of ['initContainers', 'containers', 'volumes']) {
    compareNamed(`spec.${list}`, asList(spec(ours)[list]), asList(spec(theirs)[list]), out);
  }
  const annotations = (p: Pod) =>
    Object.entries(p.metadata?.annotations ?? {}).filter(([k]) => k.startsWith(OWNED_ANNOTATION));
  const theirsAnn = new Map(annotations(theirs));
  const oursAnn = new Map(annotations(ours));
  for (const key of [...new Set([...oursAnn.keys(), ...theirsAnn.keys()])].sort()) {
    const a = oursAnn.get(key);
    const b = theirsAnn.get(key);
    if (a === b || (a !== undefined && b !== undefined && deepEqual(withoutTimestamps(a), withoutTimestamps(b))))
      continue;
    out.push({
      path: `metadata.annotations[${key}]`,
      ours: a === undefined ? undefined : JSON.stringify(a),
      theirs: b === undefined ? undefined : JSON.stringify(b),
    });
  }
  return out;
}

type Named = Record<string, unknown> & { name?: unknown };

function asList(v: unknown): Named[] {
  return Array.isArray(v) ? (v as Named[]) : [];
}

function compareNamed(
  path: string,
  ours: Named[],
  theirs: Named[],
  out: Omit<Difference, 'ref' | 'namespace'>[],
): void {
  const byName = (list: Named[]) => new Map(list.map((e) => [String(e.name ?? ''), e]));
  const a = byName(ours);
  const b = byName(theirs);
  for (const [name, entry] of a) {
    const other = b.get(name);
    if (other === undefined) out.push({ path: `${path}[${name}]`, ours: JSON.stringify(entry) });
    else subsetDifferences(`${path}[${name}]`, entry, other, out);
  }
  for (const [name, entry] of b)
    if (!a.has(name)) out.push({ path: `${path}[${name}]`, theirs: JSON.stringify(entry) });
  const order = (x: Named[], other: Map<string, Named>) =>
    x.map((e) => String(e.name ?? '')).filter((n) => other.has(n));
  const oursOrder = order(ours, b);
  const theirsOrder = order(theirs, a);
  if (oursOrder.join('\0') !== theirsOrder.join('\0'))
    out.push({ path: `${path} (order)`, ours: JSON.stringify(oursOrder), theirs: JSON.stringify(theirsOrder) });
}

/** Every field of `ours` equal on `theirs`; objects descended into, so the path names the field. */
function subsetDifferences(
  path: string,
  ours: unknown,
  theirs: unknown,
  out: Omit<Difference, 'ref' | 'namespace'>[],
): void {
  if (isPlain(ours) && isPlain(theirs)) {
    for (const [k, v] of Object.entries(ours)) subsetDifferences(`${path}.${k}`, v, theirs[k], out);
    return;
  }
  // element by element: the server defaults inside list entries too (ports' protocol, fieldRef's apiVersion)
  if (Array.isArray(ours) && Array.isArray(theirs) && ours.length === theirs.length) {
    ours.forEach((v, i) => subsetDifferences(`${path}[${i}]`, v, theirs[i], out));
    return;
  }
  if (deepEqual(ours, theirs)) return;
  // a value we leave empty ({} or []) that the server drops is the same Pod
  if (theirs === undefined && isEmpty(ours)) return;
  out.push({ path, ours: JSON.stringify(ours), theirs: theirs === undefined ? undefined : JSON.stringify(theirs) });
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isEmpty(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || (isPlain(v) && Object.keys(v).length === 0);
}

function withoutTimestamps(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (!isPlain(v)) return v;
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== 'updateTimestamp')
        .map(([k, x]) => [k, strip(x)]),
    );
  };
  return strip(value);
}

/** The stderr lines of a verification. */
export function describeDifferences(differences: Difference[], verified: number): string {
  if (differences.length === 0)
    return `verify: the server's admission agrees with the render (${verified} Pod${verified === 1 ? '' : 's'})\n`;
  const lines = differences.map(
    (d) => `verify: ${d.ref} -n ${d.namespace}: ${d.path}: ours ${d.ours ?? '(none)'}, theirs ${d.theirs ?? '(none)'}`,
  );
  lines.push(
    `verify: ${differences.length} difference${differences.length === 1 ? '' : 's'} from the server's admission`,
  );
  return lines.join('\n') + '\n';
}
