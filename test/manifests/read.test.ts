import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SidecarsetError, UsageError } from '../../src/errors.js';
import { placeMessage } from '../../src/cli/errors.js';
import { parseManifests, parseManifestStream, readManifests } from '../../src/manifests/documents.js';
import { listManifestFiles } from '../../src/manifests/sources.js';
import type { ManifestDocument } from '../../src/manifests/types.js';

const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n`;
const names = (docs: ManifestDocument[]) => docs.map((d) => (d.object.metadata as { name: string }).name);

async function collect(gen: AsyncIterable<ManifestDocument>): Promise<ManifestDocument[]> {
  const out: ManifestDocument[] = [];
  for await (const d of gen) out.push(d);
  return out;
}

/** The error thrown, with its message as the CLI prints it (place first). */
function errorOf(fn: () => unknown): { message: string; place: SidecarsetError['place'] } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SidecarsetError);
    return { message: placeMessage(err as SidecarsetError), place: (err as SidecarsetError).place };
  }
  throw new Error('expected an error');
}

const noStdin = Readable.from([]);

describe('readManifests: files and directories', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sidecarset-read-'));
    const files: Record<string, string> = {
      'b.yaml': pod('b'),
      'a.yml': pod('a'),
      'Z.yaml': pod('Z'),
      'c.json': JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'c' } }),
      'notes.txt': 'not a manifest',
      'README.md': '# nothing',
      'm/x.yaml': pod('m-x'),
      'm/deeper/y.yml': pod('m-deeper-y'),
      'm/skip.txt': pod('skipped'),
      'n.yaml': pod('nn'),
    };
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a directory lists only .yaml, .yml and .json files, sorted lexically, without descending', async () => {
    const files = await listManifestFiles(dir, false);
    expect(files.map((f) => path.relative(dir, f))).toEqual(['Z.yaml', 'a.yml', 'b.yaml', 'c.json', 'n.yaml']);
    expect(names(await collect(readManifests([dir], { stdin: noStdin })))).toEqual(['Z', 'a', 'b', 'c', 'nn']);
  });

  test('-R descends into subdirectories at their place in the lexical walk', async () => {
    const docs = await collect(readManifests([dir], { recursive: true, stdin: noStdin }));
    expect(names(docs)).toEqual(['Z', 'a', 'b', 'c', 'm-deeper-y', 'm-x', 'nn']);
    expect(docs[4].source).toBe(path.join(dir, 'm', 'deeper', 'y.yml'));
  });

  test('a file given by name is read whatever its extension, with the path as given', async () => {
    const file = path.join(dir, 'notes.txt');
    writeFileSync(file, pod('txt'));
    const docs = await collect(readManifests([file, path.join(dir, 'a.yml')], { stdin: noStdin }));
    expect(names(docs)).toEqual(['txt', 'a']);
    expect(docs[0].source).toBe(file);
  });

  test('a missing path fails before anything is read, naming the path', async () => {
    const missing = path.join(dir, 'nope.yaml');
    const seen: string[] = [];
    const run = async () => {
      for await (const d of readManifests([path.join(dir, 'a.yml'), missing], { stdin: noStdin })) seen.push(d.source);
    };
    await expect(run()).rejects.toThrow(`the path "${missing}" does not exist`);
    await expect(run()).rejects.toBeInstanceOf(SidecarsetError);
    expect(seen).toEqual([]);
  });

  test('stdin and files mix in the order given', async () => {
    const stdin = Readable.from([Buffer.from(pod('from-stdin'))]);
    const docs = await collect(readManifests([path.join(dir, 'a.yml'), '-', path.join(dir, 'b.yaml')], { stdin }));
    expect(names(docs)).toEqual(['a', 'from-stdin', 'b']);
    expect(docs[1].source).toBe('<stdin>');
  });

  test('stdin can be named only once', async () => {
    await expect(collect(readManifests(['-', '-'], { stdin: noStdin }))).rejects.toBeInstanceOf(UsageError);
  });
});

describe('parsing streams', () => {
  test('stdin arriving in arbitrary chunks, even inside a UTF-8 character', async () => {
    const text = `${pod('one')}  annotations:\n    note: "héllo — ünïcode"\n---\n${pod('two')}`;
    const bytes = Buffer.from(text);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
    const docs = await collect(parseManifestStream(Readable.from(chunks), '<stdin>'));
    expect(names(docs)).toEqual(['one', 'two']);
    expect((docs[0].object.metadata as { annotations: object }).annotations).toEqual({ note: 'héllo — ünïcode' });
    expect(docs.map((d) => d.origin.text).join('')).toBe(text);
  });

  test('documents are yielded one at a time, before the rest of the input has arrived', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* input() {
      yield `${pod('first')}---\n`;
      yield `${pod('second')}---\n`;
      await gate;
      yield pod('third');
    }
    const it = parseManifestStream(input(), '<stdin>')[Symbol.asyncIterator]();
    const first = await it.next();
    expect(names([first.value as ManifestDocument])).toEqual(['first']);
    release();
    expect(names(await collect({ [Symbol.asyncIterator]: () => it }))).toEqual(['second', 'third']);
  });

  test('multi-document YAML: empty and comment-only documents are skipped but counted', () => {
    const docs = parseManifests(`---\n${pod('a')}---\n---\n# only a comment\n---\n${pod('b')}...\n`, 'm.yaml');
    expect(names(docs)).toEqual(['a', 'b']);
    expect(docs.map((d) => d.index)).toEqual([0, 3]);
    expect(docs.every((d) => d.source === 'm.yaml' && d.listItem === undefined)).toBe(true);
  });

  test('an input with no objects yields nothing', () => {
    expect(parseManifests('', 'e.yaml')).toEqual([]);
    expect(parseManifests('# nothing here\n---\n', 'e.yaml')).toEqual([]);
    expect(parseManifests('  \n', 'e.json')).toEqual([]);
  });

  test('a v1 List exposes each item, remembered as part of its list', () => {
    const docs = parseManifests(
      `apiVersion: v1\nkind: List\nitems:\n- ${pod('a').trimEnd().replace(/\n/g, '\n  ')}\n- ${pod('b').trimEnd().replace(/\n/g, '\n  ')}\n`,
      'list.yaml',
    );
    expect(names(docs)).toEqual(['a', 'b']);
    expect(docs.map((d) => d.listItem)).toEqual([0, 1]);
    expect(docs[0].origin).toBe(docs[1].origin);
    expect(docs[0].origin.listSize).toBe(2);
  });

  test('a typed list (DeploymentList) is a list too; a List item that is not an object is an error', () => {
    const typed = parseManifests(
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'DeploymentList',
        items: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } }],
      }),
      'l.json',
    );
    expect(names(typed)).toEqual(['d']);
    const err = errorOf(() =>
      parseManifests('apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n- name: x\n', 'l.yaml'),
    );
    expect(err.message).toBe('l.yaml: document 1: line 6: items[1]: not a Kubernetes object: "apiVersion" is missing');
  });

  test('YAML is read with kubectl semantics (YAML 1.1 as go-yaml reads it)', () => {
    const [d] = parseManifests(
      `${pod('p')}  annotations:\n    when: 12:30\n    date: 2024-01-02\nspec:\n  volumes:\n  - name: v\n    configMap:\n      defaultMode: 0644\n  hostNetwork: yes\n  x: "yes"\n`,
      'p.yaml',
    );
    const spec = d.object.spec as Record<string, unknown>;
    expect((spec.volumes as { configMap: object }[])[0].configMap).toEqual({ defaultMode: 420 });
    expect(spec.hostNetwork).toBe(true);
    expect(spec.x).toBe('yes');
    expect((d.object.metadata as { annotations: object }).annotations).toEqual({ when: '12:30', date: '2024-01-02' });
  });
});

describe('JSON', () => {
  test('one object', () => {
    const [d] = parseManifests(
      `\n  ${JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'j' } }, null, 2)}\n`,
      'p.json',
    );
    expect(d.object).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'j' } });
    expect(d.origin.format).toBe('json');
  });

  test('a stream of objects, with braces inside strings', async () => {
    const a = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', annotations: { x: '}{"\\' } } };
    const b = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b' } };
    const text = `${JSON.stringify(a, null, 2)}\n${JSON.stringify(b)}`;
    const docs = await collect(parseManifestStream(Readable.from(text.match(/[\s\S]{1,5}/g) ?? []), '<stdin>'));
    expect(docs.map((d) => d.object)).toEqual([a, b]);
    expect(docs.map((d) => d.index)).toEqual([0, 1]);
  });

  test('a JSON syntax error names the object and its line', () => {
    const text = `{"apiVersion": "v1", "kind": "Pod"}\n{\n  "apiVersion": "v1",\n  "kind": "Pod"\n  "metadata": {}\n}\n`;
    const err = errorOf(() => parseManifests(text, 'bad.json'));
    expect(err.message).toMatch(/^bad\.json: document 2: line 5: \S/);
    expect(err.message).not.toMatch(/position/);
    expect(err.place).toMatchObject({ source: 'bad.json', document: 1 });
  });

  test('unterminated JSON and a top-level array are errors', () => {
    // an object left open may be a YAML flow mapping: the YAML reader has the last word
    expect(errorOf(() => parseManifests('{"apiVersion": "v1",\n', 'u.json')).message).toBe(
      'u.json: document 1: line 2: Flow map must end with a }',
    );
    expect(errorOf(() => parseManifests('{"apiVersion":"v1","kind":"Pod"}\n[1]', 'a.json')).message).toBe(
      'a.json: document 2: line 2: expected a JSON object, found "["',
    );
  });
});

describe('errors name source, document and line', () => {
  test('a YAML syntax error', () => {
    const text = `${pod('ok')}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n    bad: indentation\n`;
    const err = errorOf(() => parseManifests(text, 'file.yaml'));
    expect(err.message).toMatch(/^file\.yaml: document 2: line 9: /);
    expect(err.place).toEqual({ source: 'file.yaml', document: 1, line: 9 });
  });

  test('a duplicate key', () => {
    const err = errorOf(() => parseManifests(`apiVersion: v1\nkind: Pod\nkind: Pod\n`, 'dup.yaml'));
    expect(err.message).toMatch(/^dup\.yaml: document 1: line 3: .*unique/);
  });

  test('a document that is not a mapping', () => {
    expect(errorOf(() => parseManifests(`${pod('a')}---\n- a\n- b\n`, 's.yaml')).message).toBe(
      's.yaml: document 2: line 6: expected a Kubernetes object (a mapping with apiVersion and kind), found a sequence',
    );
    expect(errorOf(() => parseManifests('just text\n', 't.yaml')).message).toMatch(
      /^t\.yaml: document 1: line 1: .*found a scalar/,
    );
  });

  test('a mapping without kind or apiVersion', () => {
    expect(
      errorOf(() => parseManifests(`${pod('a')}---\n# a comment\napiVersion: v1\nmetadata: {}\n`, 'k.yaml')).message,
    ).toBe('k.yaml: document 2: line 7: not a Kubernetes object: "kind" is missing');
    expect(errorOf(() => parseManifests('kind: Pod\n', 'v.yaml')).place).toEqual({
      source: 'v.yaml',
      document: 0,
      line: 1,
    });
  });
});

describe('!!binary, as go-yaml reads it for kubectl', () => {
  const withAnnotation = (value: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    a: ${value}\n`;
  const annotation = (text: string) =>
    (parseManifests(text, 'b.yaml')[0].object.metadata as { annotations: Record<string, unknown> }).annotations.a;

  test('is the text of its bytes, line breaks in the base64 ignored', () => {
    expect(annotation(withAnnotation('!!binary aGVsbG8='))).toBe('hello');
    expect(annotation(withAnnotation('!!binary |\n      aGVs\n      bG8gd29y\n      bGQ='))).toBe('hello world');
    expect(annotation(withAnnotation('!!binary ""'))).toBe('');
  });

  test('gives U+FFFD for each byte that is not UTF-8, and keeps a byte order mark', () => {
    // 68 ff e2 82: "h", a byte that starts nothing, then a sequence cut short (two bytes, two replacements)
    expect(annotation(withAnnotation('!!binary aP/igg=='))).toBe('h\uFFFD\uFFFD\uFFFD');
    expect(annotation(withAnnotation('!!binary 77u/aMOp'))).toBe('\uFEFFh\u00E9');
    // an encoded surrogate (ed a0 80) is not UTF-8 either
    expect(annotation(withAnnotation('!!binary 7aCA'))).toBe('\uFFFD\uFFFD\uFFFD');
  });

  test('refuses what standard base64 refuses: missing padding, spaces, other characters', () => {
    for (const value of ['!!binary aGVsbG8', '!!binary "aGVs bG8="', '!!binary aGVsbG8=!', '!!binary a']) {
      expect(errorOf(() => parseManifests(withAnnotation(value), 'b.yaml')).message).toBe(
        'b.yaml: document 1: line 6: !!binary value contains invalid base64 data',
      );
    }
  });
});
