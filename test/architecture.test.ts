// The layer rule of ARCHITECTURE.md, checked on the import graph of src/: imports go down the layers, never up,
// never between sibling layers, and no module reaches itself through its imports.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../src');

// Highest first. A module may import its own layer and any layer of a lower rank; layers of one rank are siblings.
const LAYERS: { layer: string; rank: number }[] = [
  { layer: 'cli', rank: 9 },
  { layer: 'upgrade', rank: 8 },
  { layer: 'pipeline', rank: 7 },
  { layer: 'cluster', rank: 6 },
  { layer: 'manifests', rank: 5 },
  { layer: 'kruise/inject', rank: 4 },
  { layer: 'kruise/rollout', rank: 4 },
  { layer: 'kruise/validate', rank: 4 },
  { layer: 'kruise/sidecarcontrol', rank: 3 },
  { layer: 'kruise/resources', rank: 3 },
  { layer: 'kruise/apis', rank: 2 },
  { layer: 'k8s', rank: 1 },
  { layer: 'go', rank: 0 },
  { layer: 'errors.ts', rank: -1 },
  { layer: 'words.ts', rank: -1 },
];

function layerOf(file: string): { layer: string; rank: number } | undefined {
  const rel = path.relative(SRC, file).split(path.sep).join('/');
  return LAYERS.find(({ layer }) => rel === layer || rel.startsWith(`${layer}/`));
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/** Relative imports of a module within src/ (static, type-only and dynamic), as absolute .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)].map(
    (m) => m[1],
  );
  return specs
    .map((s) => path.resolve(path.dirname(file), s).replace(/\.js$/, '.ts'))
    .filter((target) => !path.relative(SRC, target).startsWith('..'));
}

const files = sources(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (f: string) => path.relative(SRC, f);

describe('architecture', () => {
  it('places every module of src/ in a layer', () => {
    expect(files.filter((f) => !layerOf(f)).map(rel)).toEqual([]);
  });

  it('imports only go down the layers, and never to a sibling layer', () => {
    const wrong: string[] = [];
    for (const [from, targets] of graph) {
      const a = layerOf(from);
      for (const to of targets) {
        const b = layerOf(to);
        if (!a || !b) continue;
        if (a.layer !== b.layer && b.rank >= a.rank) wrong.push(`${rel(from)} -> ${rel(to)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('imports only modules that exist', () => {
    const missing = [...graph].flatMap(([from, targets]) =>
      targets.filter((t) => !graph.has(t)).map((t) => `${rel(from)} -> ${rel(t)}`),
    );
    expect(missing).toEqual([]);
  });

  it('has no import cycle', () => {
    // Tarjan's strongly connected components: any component of more than one module is a cycle.
    let index = 0;
    const stack: string[] = [];
    const meta = new Map<string, { index: number; low: number; onStack: boolean }>();
    const cycles: string[][] = [];
    const visit = (v: string) => {
      const m = { index, low: index, onStack: true };
      index++;
      meta.set(v, m);
      stack.push(v);
      for (const w of graph.get(v) ?? []) {
        if (!graph.has(w)) continue;
        const mw = meta.get(w);
        if (!mw) {
          visit(w);
          m.low = Math.min(m.low, meta.get(w)!.low);
        } else if (mw.onStack) m.low = Math.min(m.low, mw.index);
      }
      if (m.low === m.index) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          meta.get(w)!.onStack = false;
          component.push(rel(w));
        } while (w !== v);
        if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
      }
    };
    for (const f of files) if (!meta.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});
