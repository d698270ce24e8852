// Bundles the CLI into one ESM file so start-up does not walk node_modules.
// @kubernetes/client-node stays external: only cluster commands load it, lazily.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  external: ['@kubernetes/client-node'],
  // Bundled CommonJS (cli-table3) calls require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
