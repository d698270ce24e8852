import { describe, expect, test } from 'vitest';
import type { YAMLMap } from 'yaml';
import { Readable } from 'node:stream';
import { parseManifests, parseManifestStream } from '../../src/manifests/documents.js';
import { patchDocument } from '../../src/manifests/patch.js';
import type { ManifestDocument } from '../../src/manifests/types.js';
import { JsonWriter, renderYamlDocument, writerFor, YamlWriter } from '../../src/manifests/writers.js';

// Tests walk arbitrary manifests; the shapes are checked by the assertions themselves.
type Plain = Record<string, any>;

function render(docs: ManifestDocument[], format: 'yaml' | 'json' = 'yaml'): string {
  let out = '';
  const writer = writerFor(format)((chunk) => (out += chunk));
  for (const d of docs) writer.write(d);
  writer.end();
  return out;
}

const clone = <T>(v: T): T => structuredClone(v);

const DEPLOYMENT = `# Web tier, owned by team-a
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # public name
  labels:
    app: web
    tier: "front"
spec:
  replicas: 2

  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels:
        app: web
    spec:
      # containers come first
      containers:
      # the application
      - name: app # keep me
        image: "nginx:1.25"
        args: ["--port", '8080']
        env:
        - name: MODE
          value: 'prod' # quoted on purpose
        - name: PORT
          value: "8080"
        command:
        - sh
        - -c
        - |
          echo starting
          exec nginx -g 'daemon off;'
      volumes:
      - name: data # persistent
        emptyDir: {}
`;

// What the core hands back after injecting a log sidecar in front of the app container.
function inject(md: ManifestDocument): void {
  const template = clone((md.object.spec as Plain).template);
  template.metadata.annotations = { 'kruise.io/sidecarset-injected-list': 'log-agent' };
  template.spec.containers.unshift({
    name: 'log-agent',
    image: 'fluent/fluent-bit:2.2',
    env: [{ name: 'IS_INJECTED', value: 'true' }],
    volumeMounts: [{ name: 'logs', mountPath: '/var/log/app' }],
    resources: {},
    creationTimestamp: null,
  });
  template.spec.containers[1].env.push({ name: 'LOG_DIR', value: '/var/log/app' });
  template.spec.volumes.push({ name: 'logs', emptyDir: {} });
  patchDocument(md, ['spec', 'template', 'metadata'], template.metadata);
  patchDocument(md, ['spec', 'template', 'spec'], template.spec);
}

describe('patchDocument on a commented Deployment', () => {
  test('inserting a sidecar first, appending env, adding annotations and a volume keeps everything else', () => {
    const [md] = parseManifests(DEPLOYMENT, 'web.yaml');
    inject(md);
    expect(render([md])).toBe(`# Web tier, owned by team-a
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # public name
  labels:
    app: web
    tier: "front"
spec:
  replicas: 2

  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels:
        app: web
      annotations:
        kruise.io/sidecarset-injected-list: log-agent
    spec:
      # containers come first
      containers:
      - name: log-agent
        image: fluent/fluent-bit:2.2
        env:
        - name: IS_INJECTED
          value: "true"
        volumeMounts:
        - name: logs
          mountPath: /var/log/app
        resources: {}
      # the application
      - name: app # keep me
        image: "nginx:1.25"
        args: ["--port", '8080']
        env:
        - name: MODE
          value: 'prod' # quoted on purpose
        - name: PORT
          value: "8080"
        - name: LOG_DIR
          value: /var/log/app
        command:
        - sh
        - -c
        - |
          echo starting
          exec nginx -g 'daemon off;'
      volumes:
      - name: data # persistent
        emptyDir: {}
      - name: logs
        emptyDir: {}
`);
  });

  test('every original comment and quoted scalar survives', () => {
    const [md] = parseManifests(DEPLOYMENT, 'web.yaml');
    inject(md);
    const out = render([md]);
    for (const line of DEPLOYMENT.split('\n')) {
      const comment = /#.*$/.exec(line)?.[0];
      if (comment) expect(out).toContain(comment);
      for (const quoted of line.match(/"[^"]*"|'[^']*'/g) ?? []) expect(out).toContain(quoted);
    }
    expect(out).not.toContain('creationTimestamp');
  });

  test('the object follows the patch', () => {
    const [md] = parseManifests(DEPLOYMENT, 'web.yaml');
    inject(md);
    const containers = (md.object.spec as Plain).template.spec.containers;
    expect(containers.map((c: Plain) => c.name)).toEqual(['log-agent', 'app']);
    expect(parseManifests(render([md]), 'again.yaml')[0].object).toEqual(md.object);
  });

  test('injecting the same result twice changes nothing the second time', () => {
    const [md] = parseManifests(DEPLOYMENT, 'web.yaml');
    inject(md);
    const once = render([md]);
    const [again] = parseManifests(once, 'web.yaml');
    expect(patchDocument(again, ['spec'], clone(md.object.spec))).toBe(false);
    expect(again.origin.changed).toBe(false);
    expect(render([again])).toBe(once);
  });

  test('patching with an equal value is not a change and the document is written back byte for byte', () => {
    const [md] = parseManifests(DEPLOYMENT, 'web.yaml');
    expect(patchDocument(md, ['spec', 'template'], clone((md.object.spec as Plain).template))).toBe(false);
    expect(patchDocument(md, [], clone(md.object))).toBe(false);
    expect(render([md])).toBe(DEPLOYMENT);
  });

  test('a changed scalar keeps its quoting style; a changed type gets a new scalar', () => {
    const [md] = parseManifests(DEPLOYMENT, 'web.yaml');
    patchDocument(md, ['metadata', 'labels', 'tier'], 'back');
    patchDocument(md, ['spec', 'replicas'], '3');
    const out = render([md]);
    expect(out).toContain('    tier: "back"\n');
    expect(out).toContain('  replicas: "3"\n');
    patchDocument(md, ['metadata', 'labels', 'app'], 'on');
    expect(render([md])).toContain('    app: "on"\n'); // a YAML 1.1 boolean if left plain
  });

  test('an empty flow collection that gets content turns to block style', () => {
    const [md] = parseManifests(
      'apiVersion: v1\nkind: Pod\nspec:\n  resources: {}\n  args: []\n  sel: {a: b}\n',
      'p.yaml',
    );
    patchDocument(md, ['spec'], { resources: { limits: { cpu: '1' } }, args: ['x'], sel: { a: 'b', c: 'd' } });
    expect(render([md])).toBe(
      'apiVersion: v1\nkind: Pod\nspec:\n  resources:\n    limits:\n      cpu: "1"\n  args:\n  - x\n  sel: {a: b, c: d}\n',
    );
  });

  test('undefined removes a key; keys the new value lacks are removed; null values are not added', () => {
    const [md] = parseManifests(DEPLOYMENT, 'web.yaml');
    patchDocument(md, ['metadata', 'labels', 'tier'], undefined);
    patchDocument(md, ['spec', 'selector'], { matchLabels: { app: 'web' }, extra: null });
    const out = render([md]);
    expect(out).not.toContain('tier:');
    expect(out).not.toContain('extra');
    expect((md.object.metadata as Plain).labels).toEqual({ app: 'web' });
  });

  test('a missing path is created, new keys at the end of their map', () => {
    const [md] = parseManifests('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n', 'p.yaml');
    patchDocument(md, ['metadata', 'annotations', 'a'], 'b');
    expect(render([md])).toBe(
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    a: b\nspec:\n  containers: []\n',
    );
  });

  test('sequences without names are matched by value, so an inserted argument keeps the others', () => {
    const [md] = parseManifests(
      'apiVersion: v1\nkind: Pod\nspec:\n  args:\n  - --a # first\n  - --b # second\n',
      'p.yaml',
    );
    patchDocument(md, ['spec', 'args'], ['--z', '--a', '--b']);
    expect(render([md])).toBe(
      'apiVersion: v1\nkind: Pod\nspec:\n  args:\n  - --z\n  - --a # first\n  - --b # second\n',
    );
  });

  test('an indented-sequence document gets its new sequences indented too', () => {
    const src = 'apiVersion: v1\nkind: Pod\nspec:\n    containers:\n        - name: app\n          image: a\n';
    const [md] = parseManifests(src, 'p.yaml');
    patchDocument(md, ['spec', 'containers'], [{ name: 'app', image: 'a', args: ['x'] }]);
    expect(render([md])).toBe(
      'apiVersion: v1\nkind: Pod\nspec:\n    containers:\n        - name: app\n          image: a\n          args:\n              - x\n',
    );
  });

  test('an edit under an anchor does not leak into its aliases', () => {
    const src =
      'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    env: &env\n    - name: X\n      value: "1"\n  - name: b\n    env: *env\n';
    const [md] = parseManifests(src, 'p.yaml');
    const spec = clone(md.object.spec as Plain);
    spec.containers[0].env.push({ name: 'Y', value: '2' });
    patchDocument(md, ['spec'], spec);
    const [back] = parseManifests(render([md]), 'p.yaml');
    expect(back.object.spec).toEqual(spec);
    // unchanged aliases elsewhere are left alone
    const [md2] = parseManifests(src, 'p.yaml');
    const spec2 = clone(md2.object.spec as Plain);
    spec2.containers.unshift({ name: 's', image: 's' });
    patchDocument(md2, ['spec'], spec2);
    expect(render([md2])).toContain('env: *env');
  });

  test('a path through an alias: an equal value keeps the alias, another value gets its own copy', () => {
    const src = 'apiVersion: v1\nkind: X\nbase: &b\n  k: v\nuse: *b\n';
    const [md] = parseManifests(src, 'x.yaml');
    expect(patchDocument(md, ['use', 'k'], 'v')).toBe(false);
    expect(patchDocument(md, ['use', 'k'], 'w')).toBe(true);
    expect(render([md])).toBe('apiVersion: v1\nkind: X\nbase: &b\n  k: v\nuse:\n  k: w\n');
  });
});

describe('patchDocument: new nodes and unchanged parts', () => {
  const dropNullKeys = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(dropNullKeys)
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([, x]) => x !== null && x !== undefined)
              .map(([k, x]) => [k, dropNullKeys(x)]),
          )
        : v;

  test('new values become the nodes yaml itself creates, with keys whose value is null left out', () => {
    const value = {
      yes: 'yes',
      octal: '0644',
      exp: '1e3',
      tilde: '~',
      empty: '',
      int: 42,
      float: 1.5,
      neg: -0,
      bool: false,
      gone: null,
      true: 'key',
      '1': 'one',
      list: ['a', null, 7, { k: 'v', z: null }, [], {}],
      nested: { deeper: { x: 'y' } },
    };
    const src = 'apiVersion: v1\nkind: ConfigMap\n';
    const [md] = parseManifests(src, 'cm.yaml');
    patchDocument(md, ['data'], value);
    const [ref] = parseManifests(src, 'cm.yaml');
    const doc = ref.origin.doc;
    (doc.contents as YAMLMap).items.push(doc.createPair('data', doc.createNode(dropNullKeys(value))));
    ref.origin.changed = true;
    expect(render([md])).toBe(render([ref]));
    expect(render([md])).toContain('  "yes": "yes"\n  octal: "0644"\n'); // YAML 1.1 quoting applies to new strings too
    expect(md.object.data).toEqual(dropNullKeys(value));
  });

  test('an unchanged part given back as the very object read is kept; an edited one is not taken for unchanged', () => {
    const [md] = parseManifests(DEPLOYMENT, 'web.yaml');
    const spec = md.object.spec as Plain;
    const metadata = md.object.metadata as Plain;
    // same objects: nothing to do, not even a re-render
    expect(patchDocument(md, ['spec'], { ...spec })).toBe(false);
    expect(render([md])).toBe(DEPLOYMENT);
    // edit inside metadata, then give back the object metadata was read as: it is written back
    expect(patchDocument(md, ['metadata', 'labels', 'app'], 'api')).toBe(true);
    expect(patchDocument(md, ['metadata'], metadata)).toBe(true);
    expect((md.object.metadata as Plain).labels.app).toBe('web');
    expect(render([md])).toContain('  labels:\n    app: web\n');
  });
});

describe('YAML stream rendering', () => {
  const STREAM = `# leading comment
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: one   # two spaces before this comment
data:
  k: 'v'
...
# about the next one
---
# comment-only document
---
apiVersion: v1
kind: Pod
metadata: {name: two}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: three
- apiVersion: v1
  kind: Pod
  metadata:
    name: four
# trailing comment`;

  test('an unchanged stream is written back byte for byte', () => {
    const docs = parseManifests(STREAM, 's.yaml');
    expect(docs).toHaveLength(4);
    expect(render(docs)).toBe(STREAM);
  });

  test('the same holds when the stream arrives in small chunks', async () => {
    const docs: ManifestDocument[] = [];
    for await (const d of parseManifestStream(Readable.from(STREAM.match(/[\s\S]{1,3}/g) ?? []), '<stdin>'))
      docs.push(d);
    expect(render(docs)).toBe(STREAM);
  });

  test('a source that starts with %directives follows the previous document after an end marker', () => {
    const a = parseManifests('apiVersion: v1\nkind: A\n', 'a.yaml');
    const b = parseManifests('%YAML 1.1\n---\napiVersion: v1\nkind: B\n', 'b.yaml');
    expect(render([...a, ...b])).toBe('apiVersion: v1\nkind: A\n...\n%YAML 1.1\n---\napiVersion: v1\nkind: B\n');
  });

  test('output is identical for identical input', () => {
    const run = () => {
      const docs = parseManifests(STREAM, 's.yaml');
      patchDocument(docs[1], ['metadata', 'labels'], { a: 'b' });
      patchDocument(docs[3], ['metadata', 'labels'], { c: 'd' });
      return render(docs);
    };
    expect(run()).toBe(run());
  });

  test('a patched List item re-renders the List; other documents stay verbatim', () => {
    const docs = parseManifests(STREAM, 's.yaml');
    patchDocument(docs[3], ['metadata', 'labels'], { injected: 'yes' });
    const out = render(docs);
    expect(out).toContain('name: one   # two spaces before this comment');
    expect(out).toContain(
      '---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: three\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: four\n    labels:\n      injected: "yes"\n# trailing comment',
    );
    expect(out.startsWith(STREAM.slice(0, STREAM.indexOf('kind: List')))).toBe(true);
  });

  test('List items that are not written are left out of the List', () => {
    const docs = parseManifests(STREAM, 's.yaml');
    const out = render([docs[2]]);
    expect(out).toContain('name: three');
    expect(out).not.toContain('name: four');
    expect(out).toMatch(/^---\napiVersion: v1\nkind: List\nitems:\n- apiVersion/);
  });

  test('documents from different sources are joined with ---, a missing final newline is repaired', () => {
    const a = parseManifests('apiVersion: v1\nkind: Pod\nmetadata:\n  name: a', 'a.yaml');
    const b = parseManifests('# b file\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n', 'b.yaml');
    const c = parseManifests(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'c' } }), 'c.json');
    expect(render([...a, ...b, ...c])).toBe(
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\n# b file\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: c\n',
    );
  });

  test('a document that opened with --- keeps it; dropped documents take no separator', () => {
    const docs = parseManifests(
      `---\napiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\n---\napiVersion: v1\nkind: C\n`,
      's.yaml',
    );
    expect(render([docs[0], docs[2]])).toBe('---\napiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: C\n');
  });

  test('each document can be written as soon as it is processed', () => {
    const chunks: string[] = [];
    const writer = new YamlWriter((c) => chunks.push(c));
    const docs = parseManifests('apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\n', 's.yaml');
    writer.write(docs[0]);
    expect(chunks.join('')).toBe('apiVersion: v1\nkind: A\n');
    writer.write(docs[1]);
    expect(chunks.join('')).toBe('apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\n');
    writer.end();
    expect(renderYamlDocument(docs[1].origin)).toBe('---\napiVersion: v1\nkind: B\n');
  });

  test('JSON input renders as block YAML', () => {
    const docs = parseManifests(
      '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"j"},"spec":{"containers":[{"name":"c","args":["a"]}]}}',
      'p.json',
    );
    patchDocument(docs[0], ['metadata', 'labels'], { x: 'y' });
    expect(render(docs)).toBe(
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: j\n  labels:\n    x: "y"\nspec:\n  containers:\n  - name: c\n    args:\n    - a\n',
    );
  });
});

describe('JSON rendering', () => {
  const two = () =>
    parseManifests(
      'apiVersion: v1\nkind: A\nmetadata: {name: a}\n---\napiVersion: v1\nkind: B\nmetadata:\n  name: b\n',
      's.yaml',
    );

  test('one object is written as itself', () => {
    const [a] = two();
    expect(render([a], 'json')).toBe(`${JSON.stringify(a.object, null, 2)}\n`);
  });

  test('several objects are written as a v1 List, the same bytes as stringifying the whole List', () => {
    const docs = two();
    patchDocument(docs[1], ['metadata', 'labels'], { l: 'v' });
    const expected = { apiVersion: 'v1', kind: 'List', items: docs.map((d) => d.object) };
    expect(render(docs, 'json')).toBe(`${JSON.stringify(expected, null, 2)}\n`);
    expect(JSON.parse(render(docs, 'json')).items[1].metadata.labels).toEqual({ l: 'v' });
  });

  test('List items are written as separate objects; nothing gives an empty List', () => {
    const docs = parseManifests(
      '{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"A"},{"apiVersion":"v1","kind":"B"},{"apiVersion":"v1","kind":"C"}]}',
      'l.json',
    );
    expect(JSON.parse(render(docs, 'json')).items.map((i: Plain) => i.kind)).toEqual(['A', 'B', 'C']);
    let out = '';
    const w = new JsonWriter((c) => (out += c));
    w.end();
    expect(out).toBe('{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": []\n}\n');
  });
});
