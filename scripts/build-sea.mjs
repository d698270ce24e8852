// Builds the standalone executable (a Node single executable application), for people without Node.js:
//   node scripts/build-sea.mjs [--out FILE] [--archive]
// 1. one CommonJS bundle of the CLI (SEA runs a single CommonJS script), built as dist/cli.cjs is
//    (scripts/bundle-options.mjs) but with @kubernetes/client-node bundled in, still loaded only when a command
//    reaches a cluster;
// 2. the SEA preparation blob (node --experimental-sea-config);
// 3. a copy of this node binary with the blob injected (postject).
// --archive also writes FILE.tar.gz holding the executable as `kubectl-sidecarset` (krew's download) and
// prints its sha256 for the krew manifest (scripts/krew-manifest.mjs).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { bundleOptions } from './bundle-options.mjs';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const out = path.resolve(
  outArg >= 0 ? args[outArg + 1] : path.join(root, 'dist', `kubectl-sidecarset-${process.platform}-${process.arch}`),
);
const archive = args.includes('--archive');

const work = mkdtempSync(path.join(tmpdir(), 'sidecarset-sea-'));
try {
  const bundle = path.join(work, 'cli.cjs');
  await build({
    ...bundleOptions({ external: [] }),
    stdin: {
      // Installed as (or linked to) kubectl_complete-sidecarset, the executable speaks kubectl's completion protocol.
      contents: `
        import path from 'node:path';
        import { run } from './src/cli/main.ts';
        const args = process.argv.slice(2);
        const completing = path.basename(process.argv0).startsWith('kubectl_complete-');
        run(completing ? ['__complete', ...args] : args).then((code) => { process.exitCode = code; });
      `,
      resolveDir: root,
      loader: 'ts',
      sourcefile: 'sea-main.ts',
    },
    outfile: bundle,
    minify: true,
    logLevel: 'error',
  });

  const blob = path.join(work, 'sea.blob');
  const config = path.join(work, 'sea-config.json');
  writeFileSync(config, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true }));
  execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });

  mkdirSync(path.dirname(out), { recursive: true });
  rmSync(out, { force: true });
  copyFileSync(process.execPath, out);
  chmodSync(out, 0o755);
  const { inject } = await import('postject');
  await inject(out, 'NODE_SEA_BLOB', readFileSync(blob), {
    sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
    machoSegmentName: process.platform === 'darwin' ? 'NODE_SEA' : undefined,
  });
  console.log(`built ${path.relative(process.cwd(), out) || out}`);

  if (archive) {
    const stage = path.join(work, 'archive');
    mkdirSync(stage);
    copyFileSync(out, path.join(stage, 'kubectl-sidecarset'));
    chmodSync(path.join(stage, 'kubectl-sidecarset'), 0o755);
    const tarball = `${out}.tar.gz`;
    execFileSync('tar', ['-czf', tarball, '-C', stage, 'kubectl-sidecarset']);
    const sha256 = createHash('sha256').update(readFileSync(tarball)).digest('hex');
    console.log(`built ${path.relative(process.cwd(), tarball) || tarball} sha256 ${sha256}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
