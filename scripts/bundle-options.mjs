// esbuild settings shared by the two bundles of the CLI: dist/cli.cjs (scripts/build.mjs) and the standalone
// executable's (scripts/build-sea.mjs), so that both run the same code.
import { createRequire } from 'node:module';
import path from 'node:path';

// Built-in modules that `inject` never calls are required on first use instead of at start-up: commander's
// child_process (for executable subcommands, which we have none of), fs/promises and crypto (the file modes'
// temporary names), os (the thread count of large inputs) and tty (asked only of character devices).
const LAZY_BUILTINS = ['child_process', 'fs/promises', 'crypto', 'os', 'tty'];
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`);
    b.onResolve({ filter }, (args) => {
      if (args.namespace === 'lazy-builtin') return { path: args.path, external: true };
      // the client library (bundled into the standalone executable) is itself loaded on first use
      if (args.importer.includes(`${path.sep}node_modules${path.sep}@kubernetes${path.sep}`)) return undefined;
      return { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, async (args) => {
      const real = createRequire(import.meta.url)(`node:${args.path}`);
      const names = Object.keys(real).filter((k) => typeof real[k] === 'function' && !/^[A-Z_]/.test(k));
      return {
        loader: 'js',
        // plain functions by name (no classes, no constants: importing one fails the build), and the whole module
        contents:
          `let m;
const load = () => (m ??= require('node:${args.path}'));
` +
          names.map((n) => `export function ${n}(...args) { return load().${n}(...args); }`).join('\n') +
          // `import os from 'node:os'` (log-update's dependencies): the module itself, loaded when first read
          `\nexport default new Proxy({}, { get: (_, key) => load()[key] });`,
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

/** The options both builds bundle the CLI with; `external` is what stays outside the bundle. */
export function bundleOptions({ external }) {
  return {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Code that V8 runs through node:vm (as bin/load-cli.cjs does, for the code cache) and a single executable's
    // script have no import() of their own on Node.js 20: esbuild turns the import() of built-in modules into
    // require(). The client library, an ES module, is imported through the function the loader passes in
    // (src/cluster/connect.ts) or bundled in.
    supported: { 'dynamic-import': false },
    sourcemap: false,
    legalComments: 'none',
    external,
    // js-sha256's Node.js entry hashes through node:crypto, the very load it is here to avoid: take its plain one
    alias: { 'js-sha256': 'js-sha256/build/sha256.cjs' },
    logLevel: 'warning',
    plugins: [lazyBuiltins, noColourDetection, yamlModule],
  };
}
