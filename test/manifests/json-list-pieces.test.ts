// A JSON List cut into pieces of its items (src/manifests/json-list-pieces.ts): the pieces parse to the items,
// in order, and nothing that is not such a List passes the checks.
import { describe, expect, it } from 'vitest';
import { cutJsonList, parseListPiece } from '../../src/manifests/json-list-pieces.js';

const pod = (i: number) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `p-${i}`, labels: { 'a"b': 'x\\y', i: String(i) } },
  spec: { containers: [{ name: 'c', image: `i:${i}` }] },
});
const list = (n: number) => ({
  apiVersion: 'v1',
  items: Array.from({ length: n }, (_, i) => pod(i)),
  kind: 'List',
  metadata: { resourceVersion: '' },
});
const bytes = (text: string) => Buffer.from(text, 'utf8');

/** What the cut gives back: the items of every piece, in order. */
function itemsOf(text: string, pieceBytes: number): unknown[] | undefined {
  const b = bytes(text);
  const cut = cutJsonList(b, pieceBytes);
  if (!cut) return undefined;
  const pieces = cut.pieces.map((range) => parseListPiece(b, range));
  return pieces.every((p) => p !== undefined) ? pieces.flat() : undefined;
}

describe('cutJsonList', () => {
  it("cuts kubectl's output (4 spaces) and one item per line into pieces that are the items", () => {
    const kubectl = JSON.stringify(list(40), null, 4) + '\n';
    const lines = `{\n    "apiVersion": "v1",\n    "items": [\n${list(40)
      .items.map((p) => JSON.stringify(p))
      .join(',\n')}\n    ],\n    "kind": "List"\n}\n`;
    for (const text of [kubectl, lines, JSON.stringify(list(40), null, 2), JSON.stringify(list(40), null, '\t')]) {
      for (const size of [1, 100, 700, 3000]) {
        const cut = cutJsonList(bytes(text), size)!;
        expect(cut.pieces.length, `${size}`).toBeGreaterThan(1);
        expect(itemsOf(text, size)).toEqual(list(40).items);
      }
    }
  });

  it('keeps the text: pieces and the single commas between them are the items text', () => {
    const text = JSON.stringify(list(12), null, 4);
    const b = bytes(text);
    const cut = cutJsonList(b, 50)!;
    const between = cut.pieces.slice(1).map(([start], k) => b.toString('utf8', cut.pieces[k][1], start));
    expect(between.every((s) => s === ',')).toBe(true);
    expect(b.toString('utf8', cut.itemsStart, cut.itemsEnd)).toBe(
      cut.pieces.map(([s, e]) => b.toString('utf8', s, e)).join(','),
    );
  });

  it('cuts non-ASCII text at item boundaries only', () => {
    const l = list(10);
    l.items.forEach((p, i) => (p.metadata.labels.i = `ünï-${'€'.repeat(i)}`));
    expect(itemsOf(JSON.stringify(l, null, 4), 30)).toEqual(l.items);
  });

  it('does not cut compact JSON, YAML, a List with one item, or an empty List', () => {
    for (const text of [
      JSON.stringify(list(40)),
      'apiVersion: v1\nkind: List\nitems:\n- {"apiVersion": "v1"}\n- {"apiVersion": "v1"}\n',
      JSON.stringify(list(1), null, 4),
      JSON.stringify(list(0), null, 4),
      '\uFEFF' + JSON.stringify(list(40), null, 4),
    ]) {
      expect(cutJsonList(bytes(text), 10), text.slice(0, 40)).toBeUndefined();
    }
  });
});

describe('what is cut', () => {
  const items = list(3)
    .items.map((p) => JSON.stringify(p))
    .join(',\n');

  it('is a List, whatever its kind and other fields', () => {
    const text = `{"apiVersion": "v1", "items": [\n${items}\n], "kind": "PodList", "metadata": {"continue": "]", "x": [1, [2]]}}`;
    expect(itemsOf(text, 10)).toEqual(list(3).items);
  });

  it('is never what is not exactly a List whose items are the pieces', () => {
    for (const text of [
      // not a List
      `{"apiVersion": "v1", "items": [\n${items}\n], "kind": "Pod"}`,
      `{"apiVersion": "v1", "items": [\n${items}\n]}`,
      // "items" given twice: the last one counts
      `{"items": [\n${items}\n], "kind": "List", "items": []}`,
      // the first "items" is not the List's
      `{"metadata": {"items": [\n${items}\n]}, "kind": "List", "items": []}`,
      // broken around the items
      `{"apiVersion": "v1", "items": [\n${items}\n], "kind": "List"`,
      `{"apiVersion": "v1", "items": [\n${items}\n], "kind": "List"} {}`,
      `{"apiVersion": "v1", "items": [\n${items}\n]], "kind": "List"}`,
      `{"apiVersion": "v1", "items": [\n${items}\n,], "kind": "List"}`,
      // broken inside the items
      `{"apiVersion": "v1", "items": [\n${items.replace('"p-1"', '"p-1",')}\n], "kind": "List"}`,
      `{"apiVersion": "v1", "items": [\n${items.replace('"p-1"', '"p-1\n"')}\n], "kind": "List"}`,
      // the marker itself in the text
      `{"apiVersion": "v1", "items": [\n${items}\n], "kind": "List", "x": "\\u0000kubectl-sidecarset:items"}`,
    ]) {
      for (const size of [1, 300]) expect(itemsOf(text, size), text.slice(-60)).toBeUndefined();
    }
  });
});
