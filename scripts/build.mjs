// Bundles the CLI into one CommonJS file (dist/cli.cjs) so start-up does not walk node_modules, and makes the
// V8 code cache bin/load-cli.cjs starts it with (dist/cli.cjs.cache) by running a small injection once.
// @kubernetes/client-node stays external: only cluster commands load it, lazily.
// dist/cli.mjs is the same CLI as an ES module (for launchers that import it).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');

// Built-in modules that `inject` never calls are required on first use instead of at start-up: commander's
// child_process (for executable subcommands, which we have none of), fs/promises and crypto (the file modes'
// temporary names), os (the thread count of large inputs) and tty (asked only of character devices).
const LAZY_BUILTINS = ['child_process', 'fs/promises', 'crypto', 'os', 'tty'];
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`);
    b.onResolve({ filter }, (args) =>
      args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, async (args) => {
      const { createRequire } = await import('node:module');
      const real = createRequire(import.meta.url)(`node:${args.path}`);
      const names = Object.keys(real).filter((k) => typeof real[k] === 'function' && !/^[A-Z_]/.test(k));
      return {
        loader: 'js',
        // plain functions only (no classes, no constants): an import of anything else fails the build
        contents:
          `let m;
const load = () => (m ??= require('node:${args.path}'));
` +
          names.map((n) => `export function ${n}(...args) { return load().${n}(...args); }`).join('\n'),
      };
    });
  },
};

// chalk detects the terminal's colours when it is loaded, which loads node:tty and node:os. We never use that
// answer: every Chalk is made with the level colourEnabled (src/cli/io.ts) decided. So chalk is given a
// detection that says "no colour" without looking.
const noColourDetection = {
  name: 'no-colour-detection',
  setup(b) {
    b.onResolve({ filter: /^#supports-color$/ }, () => ({ path: 'supports-color', namespace: 'no-colour-detection' }));
    b.onLoad({ filter: /.*/, namespace: 'no-colour-detection' }, () => ({
      loader: 'js',
      contents: 'export default { stdout: false, stderr: false };',
    }));
  },
};

// yaml's ES module build (the one it gives bundlers for browsers) instead of its CommonJS one: the same code,
// but bundled into one scope its functions call each other directly instead of through module objects, which
// is what cold code spends its time on. Its only differences: warnings go to console.warn instead of
// process.emitWarning (the one yaml warning, for a collection as a mapping key, never reaches us: we read
// documents with our own toJS), and the LOG_STREAM / LOG_TOKENS debugging switches are gone.
const yamlModule = {
  name: 'yaml-module',
  setup(b) {
    const require = createRequire(import.meta.url);
    const entry = path.join(path.dirname(require.resolve('yaml/package.json')), 'browser', 'dist', 'index.js');
    b.onResolve({ filter: /^yaml$/ }, () => ({ path: entry }));
  },
};

const result = await build({
  // the CLI, and what worker threads of `inject` and `plan-rollout` start with (loaded only then)
  stdin: {
    contents: `export * from './src/cli/main.ts';
export const runInjectWorker = () => import('./src/render/inject-parallel.ts').then((m) => m.runInjectWorker());
export const runRolloutWorker = () => import('./src/render/rollout-parallel.ts').then((m) => m.runRolloutWorker());`,
    resolveDir: root,
    sourcefile: 'cli-entry.ts',
    loader: 'ts',
  },
  outfile: path.join(dist, 'cli.cjs'),
  write: false,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  minifyWhitespace: true, // less to read at start-up; names are kept
  external: ['@kubernetes/client-node'],
  plugins: [lazyBuiltins, noColourDetection, yamlModule],
  // js-sha256's Node.js entry hashes through node:crypto, the very load it is here to avoid: take its plain one
  alias: { 'js-sha256': 'js-sha256/build/sha256.cjs' },
  logLevel: 'warning',
});
// Code V8 runs through vm.Script (bin/load-cli.cjs) has no dynamic import of its own on Node 20 without an
// experimental flag: the loader passes one in as __sidecarsetImport.
// What is left to import() in the bundle is external (@kubernetes/client-node, node: modules).
const code = result.outputFiles[0].text.replace(
  /\bimport\(("[^"\n]+")\)/g,
  '(typeof __sidecarsetImport == "function" ? __sidecarsetImport : (s) => import(s))($1)',
);
// The launcher reads the bundle as latin1, the cheapest decoding: esbuild escapes non-ASCII characters.
if (/[^\x00-\x7f]/.test(code)) throw new Error('build: dist/cli.cjs must be ASCII (esbuild charset)');
const buildId = createHash('sha256').update(code).digest('hex').slice(0, 16);
mkdirSync(dist, { recursive: true });
// The file is the bundle already wrapped in the function bin/load-cli.cjs calls (CommonJS's wrapper, plus the
// import function): V8 then compiles the file's own text, instead of a copy joined to a wrapper first.
writeFileSync(
  path.join(dist, 'cli.cjs'),
  `(function (exports, require, module, __filename, __dirname, __sidecarsetImport) {${code}\n})\n//# sidecarset-build=${buildId}\n`,
);
writeFileSync(
  path.join(dist, 'cli.mjs'),
  `// Generated by scripts/build.mjs: dist/cli.cjs as an ES module, loaded through the code cache.
import { createRequire } from 'node:module';
const cli = createRequire(import.meta.url)('../bin/load-cli.cjs').loadCli();
export const { run, buildProgram, VERSION } = cli;
`,
);

// The code cache holds what the run compiled: start-up, the command-line parser and the inject pipeline.
rmSync(path.join(dist, 'cli.cjs.cache'), { force: true });
const fixtures = ['fixtures/efk/filebeat-sidecarset.yaml', 'fixtures/efk/nginx-deployment.yaml'];
if (fixtures.every((f) => existsSync(path.join(root, f)))) {
  const warm = spawnSync(process.execPath, [path.join(root, 'bin/kubectl-sidecarset'), 'inject', '-q', ...fixtures.flatMap((f) => ['-f', f])], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, SOURCE_DATE_EPOCH: '0' },
  });
  if (warm.status !== 0) console.warn('build: the warm-up run failed; the code cache will be made by the first run');
}
