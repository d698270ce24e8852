// Objects from YAML files: every document of a file, or of every .yaml/.yml/.json file under a directory;
// `kind: List` documents are opened into their items.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { KubeObject } from './store.js';

function filesUnder(p: string): string[] {
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p)
    .sort()
    .flatMap((entry) => {
      const full = path.join(p, entry);
      return statSync(full).isDirectory() ? filesUnder(full) : /\.(ya?ml|json)$/.test(entry) ? [full] : [];
    });
}

function expand(doc: any): KubeObject[] {
  if (!doc || typeof doc !== 'object') return [];
  if (typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items))
    return doc.items.flatMap(expand);
  return [doc as KubeObject];
}

export function loadObjects(...paths: string[]): KubeObject[] {
  return paths.flatMap(filesUnder).flatMap((file) =>
    YAML.parseAllDocuments(readFileSync(file, 'utf8')).flatMap((d) => {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0].message}`);
      return expand(d.toJS());
    }),
  );
}
