// What the fuzz tests feed `inject`: generated SidecarSets, Pods and workloads, mutations of the fixtures, and
// bytes; and how a run's outcome is judged. Free of vitest, so scripts/fuzz.mjs runs the same cases at scale.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { cli, ROOT, type CliResult } from '../cli/in-process.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

// ---- generated objects: shaped as Kubernetes accepts them, so that what inject renders must validate too ----

const dnsLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,14}[a-z0-9])?$/);
const labelValue = fc.stringMatching(/^([A-Za-z0-9]([A-Za-z0-9_.-]{0,10}[A-Za-z0-9])?)?$/);
const labelKey = fc.oneof(
  dnsLabel,
  fc.tuple(dnsLabel, dnsLabel).map(([a, b]) => `${a}.example.com/${b}`),
  fc.constantFrom('app', 'kruise.io/inject', 'tier'),
);
const labels = fc.dictionary(labelKey, labelValue, { maxKeys: 3 });
const image = fc
  .tuple(fc.constantFrom('', 'registry.example.com/', 'docker.io/library/'), dnsLabel, fc.option(dnsLabel))
  .map(([registry, name, tag]) => `${registry}${name}${tag === null ? '' : `:${tag}`}`);
const quantity = fc.constantFrom('1', '100m', '250m', '2', '64Mi', '1Gi', '0.5', '1500m', '128974848');
const envVar = fc.record({ name: fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/), value: fc.string({ maxLength: 12 }) });
const volumeName = fc.constantFrom('log', 'config', 'data', 'cache', 'sock');
const volumeMount = fc.record({
  name: volumeName,
  mountPath: fc.constantFrom('/var/log', '/etc/conf', '/data', '/tmp/cache', '/run/sock'),
  readOnly: fc.boolean(),
});

function container(extra: Record<string, fc.Arbitrary<Json>> = {}): fc.Arbitrary<Obj> {
  return fc.record(
    {
      name: dnsLabel,
      image,
      args: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
      env: fc.uniqueArray(envVar, { maxLength: 3, selector: (e) => e.name }),
      volumeMounts: fc.uniqueArray(volumeMount, { maxLength: 2, selector: (m) => m.mountPath }),
      resources: fc.record(
        { requests: fc.record({ cpu: quantity, memory: quantity }, { requiredKeys: [] }) },
        { requiredKeys: [] },
      ),
      imagePullPolicy: fc.constantFrom('Always', 'IfNotPresent', 'Never'),
      ...extra,
    },
    { requiredKeys: ['name', 'image'] },
  ) as fc.Arbitrary<Obj>;
}

const volumes = fc.uniqueArray(fc.record({ name: volumeName, emptyDir: fc.constant({}) as fc.Arbitrary<Obj> }), {
  maxLength: 3,
  selector: (v) => v.name,
});

const podSpec = fc
  .record(
    {
      containers: fc.uniqueArray(container(), { minLength: 1, maxLength: 3, selector: (c) => c.name }),
      initContainers: fc.uniqueArray(container(), { maxLength: 1, selector: (c) => c.name }),
      volumes,
      restartPolicy: fc.constantFrom('Always', 'OnFailure', 'Never'),
    },
    { requiredKeys: ['containers'] },
  )
  .map((spec) => ({
    ...spec,
    volumes: withMountedVolumes(spec.volumes ?? [], [...spec.containers, ...(spec.initContainers ?? [])]),
  }));

/** The volumes, plus an emptyDir for each mounted name they lack. */
function withMountedVolumes(volumes: Obj[], containers: Obj[]): Obj[] {
  const names = new Set(volumes.map((v) => v.name));
  const mounted = containers.flatMap((c) => ((c.volumeMounts as Obj[] | undefined) ?? []).map((m) => m.name as string));
  return [...volumes, ...[...new Set(mounted)].filter((n) => !names.has(n)).map((name) => ({ name, emptyDir: {} }))];
}

/** A SidecarSet in v1alpha1 shape, with the fields inject reads. */
export const sidecarSet: fc.Arbitrary<Obj> = fc
  .record({
    name: dnsLabel,
    selector: fc.dictionary(labelKey, labelValue, { minKeys: 1, maxKeys: 3 }),
    namespace: fc.option(dnsLabel, { nil: undefined }),
    containers: fc.uniqueArray(
      container({
        podInjectPolicy: fc.constantFrom('BeforeAppContainer', 'AfterAppContainer'),
        upgradeStrategy: fc.record({ upgradeType: fc.constantFrom('ColdUpgrade') }) as fc.Arbitrary<Json>,
        shareVolumePolicy: fc.record({ type: fc.constantFrom('enabled', 'disabled') }) as fc.Arbitrary<Json>,
      }),
      { minLength: 1, maxLength: 2, selector: (c) => c.name },
    ),
    initContainers: fc.uniqueArray(container(), { maxLength: 1, selector: (c) => c.name }),
    volumes,
    paused: fc.boolean(),
  })
  .map(({ name, selector, namespace, containers, initContainers, volumes, paused }) => ({
    volumes: withMountedVolumes(volumes, [...containers, ...initContainers]),
    name,
    selector,
    namespace,
    containers,
    initContainers,
    paused,
  }))
  .map(({ name, selector, namespace, containers, initContainers, volumes, paused }) => ({
    apiVersion: 'apps.kruise.io/v1alpha1',
    kind: 'SidecarSet',
    metadata: { name },
    spec: {
      selector: { matchLabels: selector },
      ...(namespace === undefined ? {} : { namespace }),
      containers,
      ...(initContainers.length > 0 ? { initContainers } : {}),
      ...(volumes.length > 0 ? { volumes } : {}),
      ...(paused ? { injectionStrategy: { paused: true } } : {}),
    },
  }));

const workloadKinds: [string, string][] = [
  ['v1', 'Pod'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['apps/v1', 'DaemonSet'],
  ['apps/v1', 'ReplicaSet'],
  ['batch/v1', 'Job'],
  ['batch/v1', 'CronJob'],
  ['apps.kruise.io/v1alpha1', 'CloneSet'],
];

/** A Pod or a workload holding a pod template, labelled so that some SidecarSets select it. */
export const workload: fc.Arbitrary<Obj> = fc
  .record({
    kind: fc.constantFrom(...workloadKinds),
    name: dnsLabel,
    namespace: fc.option(dnsLabel, { nil: undefined }),
    labels,
    spec: podSpec,
  })
  .map(({ kind: [apiVersion, kind], name, namespace, labels, spec }): Obj => {
    const metadata: Obj = { name, ...(namespace === undefined ? {} : { namespace }), labels };
    if (kind === 'Pod') return { apiVersion, kind, metadata, spec };
    const jobSpec: Obj = { ...spec, restartPolicy: spec.restartPolicy === 'OnFailure' ? 'OnFailure' : 'Never' };
    const keep: Obj = { ...spec, restartPolicy: 'Always' };
    const selector = { matchLabels: labels };
    const template = (s: Obj) => ({ metadata: { labels }, spec: s });
    if (kind === 'Job') return { apiVersion, kind, metadata, spec: { template: template(jobSpec) } };
    if (kind === 'CronJob')
      return {
        apiVersion,
        kind,
        metadata,
        spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: template(jobSpec) } } },
      };
    return { apiVersion, kind, metadata, spec: { selector, template: template(keep) } };
  });

/** SidecarSets and workloads, some sharing labels so that injection happens, as one YAML stream. */
export const generatedStream: fc.Arbitrary<string> = fc
  .tuple(fc.array(sidecarSet, { minLength: 1, maxLength: 3 }), fc.array(workload, { minLength: 1, maxLength: 3 }))
  .chain(([sets, loads]) =>
    fc.tuple(
      fc.constant(sets),
      fc.constant(loads),
      fc.array(fc.nat(), { minLength: loads.length, maxLength: loads.length }),
    ),
  )
  .map(([sets, loads, picks]) => {
    // give each workload's Pods the selector labels of one SidecarSet, so that most cases inject something
    const selected = loads.map((w, i) => withLabels(w, selectorOf(sets[picks[i] % sets.length])));
    return [...sets, ...selected].map((d) => yaml(d)).join('---\n');
  });

/** YAML 1.1 quoting, as kubectl reads it: `y`, `no` and `on` stay strings. */
function yaml(doc: Json): string {
  return stringify(doc, { version: '1.1' });
}

function selectorOf(set: Obj): Obj {
  return ((set.spec as Obj).selector as Obj).matchLabels as Obj;
}

function withLabels(w: Obj, extra: Obj): Obj {
  const copy = structuredClone(w);
  const meta = podMetadata(copy);
  if (meta) meta.labels = { ...((meta.labels as Obj) ?? {}), ...extra };
  return copy;
}

function podMetadata(w: Obj): Obj | undefined {
  const spec = w.spec as Obj;
  if (w.kind === 'Pod') return w.metadata as Obj;
  if (w.kind === 'CronJob') return (((spec.jobTemplate as Obj).spec as Obj).template as Obj).metadata as Obj;
  return (spec.template as Obj).metadata as Obj;
}

// ---- mutations of the fixtures ----

const fixturesDir = path.join(ROOT, 'fixtures');

/** Each fixture directory's files as one YAML stream: SidecarSets with the workloads they select. */
export const fixtureStreams: string[] = readdirSync(fixturesDir)
  .sort()
  .map((dir) =>
    readdirSync(path.join(fixturesDir, dir))
      .sort()
      .map((f) => readFileSync(path.join(fixturesDir, dir, f), 'utf8'))
      .join('\n---\n'),
  );

const huge = fc.oneof(
  fc.constant('x'.repeat(100_000)),
  fc.constant(Number.MAX_SAFE_INTEGER * 1024),
  fc.constant(1e308),
  fc.constant(-1e308),
  fc.constant('9'.repeat(400)),
  fc.constant(Array.from({ length: 2000 }, (_, i) => ({ name: `c${i}`, image: 'i' }))),
);
const unicode = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('ñginx', 'サイドカー', '\u202egnp.', 'a\u0000b', '\ud83d\ude00', 'e\u0301', '\ufeffname', 'İ'),
);
const wrongType = fc.oneof<fc.Arbitrary<Json>[]>(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 8 }),
  fc.constant([] as Json[]),
  fc.constant({} as Obj),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);
const kinds = fc.constantFrom(
  'SidecarSet',
  'Pod',
  'Deployment',
  'CronJob',
  'List',
  'PodList',
  'Namespace',
  'ControllerRevision',
  'ConfigMap',
  'CustomResourceDefinition',
  '',
  'sidecarset',
);
const apiVersions = fc.constantFrom('v1', 'apps/v1', 'apps.kruise.io/v1alpha1', 'apps.kruise.io/v1beta1', 'x/y/z', '');

type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'set'; at: number; value: Json }
  | { op: 'kind'; doc: number; kind: string }
  | { op: 'apiVersion'; doc: number; apiVersion: string }
  | { op: 'duplicateKey'; line: number }
  | { op: 'truncate'; at: number }
  | { op: 'bytes'; at: number; bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.oneof(wrongType, huge, unicode) }),
  fc.record({ op: fc.constant('kind' as const), doc: fc.nat(), kind: kinds }),
  fc.record({ op: fc.constant('apiVersion' as const), doc: fc.nat(), apiVersion: apiVersions }),
  fc.record({ op: fc.constant('duplicateKey' as const), line: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('bytes' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
);

/** A fixture stream with one to three mutations applied, as text or bytes. */
export const mutatedFixture: fc.Arbitrary<{ fixture: number; mutations: Mutation[] }> = fc.record({
  fixture: fc.nat({ max: fixtureStreams.length - 1 }),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
});

export function applyMutations(text: string, mutations: Mutation[]): string | Buffer {
  let current: string | Buffer = text;
  for (const m of mutations) current = mutate(current, m);
  return current;
}

function mutate(input: string | Buffer, m: Mutation): string | Buffer {
  if (m.op === 'bytes' || m.op === 'truncate') {
    const buf = Buffer.isBuffer(input) ? input : Buffer.from(input);
    const at = m.at % (buf.length + 1);
    if (m.op === 'truncate') return buf.subarray(0, at);
    return Buffer.concat([buf.subarray(0, at), m.bytes, buf.subarray(at + m.bytes.length)]);
  }
  const text = Buffer.isBuffer(input) ? input.toString('latin1') : input;
  if (m.op === 'duplicateKey') {
    const lines = text.split('\n');
    const keyed = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*[\w./-]+:\s*\S/.test(l));
    if (keyed.length === 0) return text;
    const [line, i] = keyed[m.line % keyed.length];
    lines.splice(i + 1, 0, line.replace(/:\s*\S.*$/, ': duplicate'));
    return lines.join('\n');
  }
  const docs = parseAllDocuments(text).map((d) => {
    try {
      return d.errors.length === 0 ? (d.toJS({ maxAliasCount: 100 }) as Json) : null;
    } catch {
      return null; // not a document any more (an earlier mutation broke it): left as null
    }
  });
  if (m.op === 'kind' || m.op === 'apiVersion') {
    const doc = docs[m.doc % Math.max(docs.length, 1)];
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) doc[m.op] = m.op === 'kind' ? m.kind : m.apiVersion;
  } else {
    const places = docs.flatMap((d, i) => paths(d, [i]));
    if (places.length > 0) {
      const place = places[m.at % places.length];
      const parent = place.slice(0, -1).reduce<Json>((o, k) => (o as Record<string | number, Json>)[k], docs);
      const key = place[place.length - 1];
      if (m.op === 'delete') {
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete (parent as Obj)[key];
      } else (parent as Record<string | number, Json>)[key] = m.value;
    }
  }
  return docs.map((d) => yaml(d)).join('---\n');
}

/** Every path below a document (not the document itself). */
function paths(value: Json, at: (string | number)[]): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((k) => {
    const here = [...at, k];
    return [here, ...paths((value as Record<string | number, Json>)[k], here)];
  });
}

/** Bytes of any kind: what `inject -f -` reads when a pipeline hands it something that is not YAML. */
export const randomBytes = fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b));

// ---- running and judging ----

export type Outcome = 'ok' | 'error' | 'usage' | 'crash';

export interface Judged {
  outcome: Outcome;
  result: CliResult;
  /** why a run is a crash */
  reason?: string;
}

export const INJECT = ['inject', '--local', '-f', '-'];

export async function runInject(stdin: string | Buffer, args: string[] = []): Promise<Judged> {
  let result: CliResult;
  try {
    result = await cli([...INJECT, ...args], { stdin });
  } catch (err) {
    return { outcome: 'crash', result: { code: -1, stdout: '', stderr: String(err) }, reason: 'run() threw' };
  }
  return judge(result);
}

/** Success, or a one-line `error: ` with exit 1 (2 for usage); anything else is a crash. */
export function judge(result: CliResult): Judged {
  const errors = result.stderr.split('\n').filter((l) => l.startsWith('error: '));
  const reason = /internal error/.test(result.stderr)
    ? 'internal error'
    : /^\s+at .*[(:]\d+/m.test(result.stderr)
      ? 'stack trace'
      : result.code === 0
        ? errors.length > 0
          ? 'error message with exit 0'
          : undefined
        : result.code !== 1 && result.code !== 2
          ? `exit ${result.code}`
          : errors.length !== 1
            ? `${errors.length} error lines`
            : !result.stderr.endsWith(`${errors[0]}\n`)
              ? 'error not the last line'
              : undefined;
  if (reason !== undefined) return { outcome: 'crash', result, reason };
  return { outcome: result.code === 0 ? 'ok' : result.code === 2 ? 'usage' : 'error', result };
}
