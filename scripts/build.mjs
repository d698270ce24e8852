// Bundles the CLI into two files (dist/cli.cjs and dist/cli-lazy.cjs, see below) so start-up does not walk
// node_modules, and makes the V8 code caches bin/load-cli.cjs starts them with (dist/*.cache) by running a
// small injection and a small plan once.
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

// Two bundles. dist/cli.cjs holds what every command starts with, `inject` among them; dist/cli-lazy.cjs holds
// every module the sources import() (the other commands' pipelines, worker threads, the file modes), loaded on
// their first import(). V8 deserialises and runs only what a command needs: for `inject`, ~1.3 ms less.
// Each module is in one bundle only: the lazy bundle takes the modules it shares with the first from it.
const LAZY = 'sidecarset-lazy:';
const CORE = 'sidecarset-core:';
const key = (file) => path.relative(root, file).split(path.sep).join('/');

const common = {
  write: false,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  minifyWhitespace: true, // less to read at start-up; names are kept
  external: ['@kubernetes/client-node'],
  // js-sha256's Node.js entry hashes through node:crypto, the very load it is here to avoid: take its plain one
  alias: { 'js-sha256': 'js-sha256/build/sha256.cjs' },
  logLevel: 'warning',
  metafile: true,
};

// the CLI, and what worker threads of `inject` and `plan-rollout` start with (loaded only then)
const CLI_ENTRY = `export * from './src/cli/main.ts';
export const runInjectWorker = () => import('./src/pipeline/parallel/inject-parallel.ts').then((m) => m.runInjectWorker());
export const runRolloutWorker = () => import('./src/pipeline/parallel/rollout-parallel.ts').then((m) => m.runRolloutWorker());`;

/** The first bundle: every import() of a source module left to the lazy bundle; `lazy` collects them. */
async function buildCore(exposed, lazy) {
  const namespaces = [...exposed].map((k, i) => `import * as m${i} from ${JSON.stringify(path.join(root, k))};`);
  const registry = [...exposed].map((k, i) => `${JSON.stringify(k)}: m${i}`);
  const lazyImports = {
    name: 'lazy-imports',
    setup(b) {
      b.onResolve({ filter: /^\./ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData === 'lazy-imports') return undefined;
        const resolved = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'lazy-imports' });
        if (resolved.errors.length > 0 || !resolved.path.startsWith(path.join(root, 'src') + path.sep)) return undefined;
        lazy.add(key(resolved.path));
        return { path: LAZY + key(resolved.path), external: true };
      });
    },
  };
  return build({
    ...common,
    stdin: {
      // the modules the lazy bundle takes from this one, by name
      contents: `${CLI_ENTRY}\n${namespaces.join('\n')}\nexport const __sidecarsetModules = {${registry.join(', ')}};`,
      resolveDir: root,
      sourcefile: 'cli-entry.ts',
      loader: 'ts',
    },
    plugins: [lazyBuiltins, noColourDetection, yamlModule, lazyImports],
  });
}

/** The lazy bundle: the `lazy` modules, taking any module of the first bundle (`core`) from it; `exposed` collects those. */
async function buildLazy(lazy, core, exposed) {
  const fromCore = {
    name: 'from-core',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === 'entry-point' || args.pluginData === 'from-core') return undefined;
        const resolved = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'from-core' });
        if (resolved.errors.length > 0 || resolved.external || !core.has(key(resolved.path))) return undefined;
        exposed.add(key(resolved.path));
        return { path: CORE + key(resolved.path), external: true };
      });
    },
  };
  const modules = [...lazy];
  return build({
    ...common,
    stdin: {
      contents:
        modules.map((k, i) => `import * as m${i} from ${JSON.stringify(path.join(root, k))};`).join('\n') +
        `\nexport const __sidecarsetModules = {${modules.map((k, i) => `${JSON.stringify(k)}: m${i}`).join(', ')}};`,
      resolveDir: root,
      sourcefile: 'cli-lazy-entry.ts',
      loader: 'ts',
    },
    plugins: [fromCore, lazyBuiltins, noColourDetection, yamlModule],
  });
}

const inputs = (result) => new Set(Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('<')).map((f) => key(path.resolve(root, f))));

// The first bundle decides what the lazy one imports from it, and then exposes exactly that; exposing modules
// it holds anyway cannot change what it holds (checked).
const lazy = new Set();
const coreModules = inputs(await buildCore(new Set(), lazy));
const exposed = new Set();
const lazyResult = await buildLazy(lazy, coreModules, exposed);
const coreResult = await buildCore(exposed, new Set());
const coreAgain = inputs(coreResult);
if (coreAgain.size !== coreModules.size || [...coreAgain].some((k) => !coreModules.has(k))) {
  throw new Error('build: exposing modules to the lazy bundle changed what the first bundle holds');
}

/**
 * A bundle as the file bin/load-cli.cjs reads: wrapped in the function it calls (CommonJS's wrapper, plus the
 * import function), so that V8 compiles the file's own text instead of a copy joined to a wrapper, and named
 * after its build on its last line.
 */
function bundleFile(result, name) {
  // Code V8 runs through vm.Script has no dynamic import of its own on Node 20 without an experimental flag:
  // the loader passes one in as __sidecarsetImport. It also answers the names of the other bundle's modules.
  const code = result.outputFiles[0].text.replace(/\bimport\(("[^"\n]+")\)/g, '__sidecarsetImport($1)');
  // The lazy bundle reads a module of the first bundle as the namespace object it is there; a default import
  // (CommonJS interop) would read it wrong.
  if (/__toESM\(require\("sidecarset-core:/.test(code)) throw new Error(`build: ${name} takes a default export from the first bundle; import it by name`);
  // The launcher reads the bundle as latin1, the cheapest decoding: esbuild escapes non-ASCII characters.
  if (/[^\x00-\x7f]/.test(code)) throw new Error(`build: ${name} must be ASCII (esbuild charset)`);
  const buildId = createHash('sha256').update(code).digest('hex').slice(0, 16);
  writeFileSync(
    path.join(dist, name),
    `(function (exports, require, module, __filename, __dirname, __sidecarsetImport) {${code}\n})\n//# sidecarset-build=${buildId}\n`,
  );
  rmSync(path.join(dist, `${name}.cache`), { force: true });
}

mkdirSync(dist, { recursive: true });
bundleFile(coreResult, 'cli.cjs');
bundleFile(lazyResult, 'cli-lazy.cjs');
writeFileSync(
  path.join(dist, 'cli.mjs'),
  `// Generated by scripts/build.mjs: dist/cli.cjs as an ES module, loaded through the code cache.
import { createRequire } from 'node:module';
const cli = createRequire(import.meta.url)('../bin/load-cli.cjs').loadCli();
export const { run, buildProgram, VERSION } = cli;
`,
);

// The code caches hold what a run compiled: the first bundle's, start-up, the command-line parser and the
// inject pipeline; the lazy bundle's, the plan. Each is made by the first run that loads its bundle otherwise.
const warmUps = [
  ['inject', '-q', '-f', 'fixtures/efk/filebeat-sidecarset.yaml', '-f', 'fixtures/efk/nginx-deployment.yaml'],
  ['plan-rollout', '-f', 'fixtures/rollout/log-shipper-sidecarset.yaml', '-f', 'fixtures/rollout/pods.yaml'],
];
for (const args of warmUps) {
  if (!args.filter((a, i) => args[i - 1] === '-f').every((f) => existsSync(path.join(root, f)))) continue;
  const warm = spawnSync(process.execPath, [path.join(root, 'bin/kubectl-sidecarset'), ...args], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, SOURCE_DATE_EPOCH: '0' },
  });
  if (warm.status !== 0) console.warn(`build: the warm-up run of ${args[0]} failed; its code cache will be made by the first run`);
}
