// `npm run cluster`: bundles the TypeScript test API server (test/apiserver/) with esbuild into a temporary
// file and runs it, so it works on a fresh clone after `npm ci` with no TypeScript loader installed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const dir = mkdtempSync(path.join(tmpdir(), 'sidecarset-apiserver-'));
const outfile = path.join(dir, 'cluster.cjs');
try {
  await build({
    entryPoints: [path.join(root, 'test/apiserver/cluster-main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  const { main } = await import(pathToFileURL(outfile).href);
  await main(root);
} finally {
  // The bundle is loaded; the running server does not need the file any more.
  rmSync(dir, { recursive: true, force: true });
}
