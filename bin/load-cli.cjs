'use strict';
// Loads the bundled CLI through V8's code cache, so that start-up does not compile the bundle's functions again:
// for a small command that costs more than running it. The CLI is two bundles (scripts/build.mjs): dist/cli.cjs,
// loaded at once, and dist/cli-lazy.cjs, loaded on the first import() of one of its modules. Each file is one
// function expression and has its own cache (FILE.cache), which scripts/build.mjs makes by running a small
// injection and a small plan. A cache V8 rejects (another Node.js version or V8 flags) or one made for another
// build is made again after this run, wherever the directory is writable.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');

const DIST = path.join(__dirname, '..', 'dist');
const BUNDLE = path.join(DIST, 'cli.cjs');
const LAZY_BUNDLE = path.join(DIST, 'cli-lazy.cjs');
/** The last line of a bundle names its build; the cache's first line says which build it was made for. */
const BUILD_MARK = '//# sidecarset-build=';
/** How the bundles name each other's modules in import() and require() (scripts/build.mjs). */
const LAZY = 'sidecarset-lazy:';
const CORE = 'sidecarset-core:';

function loadCli() {
  /** bundles whose cache is to be made once the command has run, so that the functions it compiled are in it */
  const uncached = [];
  let lazy;
  const lazyModules = () => {
    lazy ??= runBundle(LAZY_BUNDLE, requireModule, importModule, uncached).__sidecarsetModules;
    return lazy;
  };
  const coreModule = (name) => core.__sidecarsetModules[name.slice(CORE.length)];
  // The bundles' import(): the other bundle's modules by name, anything else (@kubernetes/client-node, node:
  // modules) from Node.js; vm code has no import() of its own on Node 20. Resolved from bin/, like from dist/.
  async function importModule(specifier) {
    if (specifier.startsWith(LAZY)) return lazyModules()[specifier.slice(LAZY.length)];
    if (specifier.startsWith(CORE)) return coreModule(specifier);
    return import(specifier);
  }
  const nodeRequire = createRequire(BUNDLE);
  function requireModule(specifier) {
    return specifier.startsWith(CORE) ? coreModule(specifier) : nodeRequire(specifier);
  }
  const core = runBundle(BUNDLE, requireModule, importModule, uncached);
  return {
    ...core,
    run: async (...args) => {
      const code = await core.run(...args);
      for (const bundle of uncached.splice(0)) writeCache(bundle);
      return code;
    },
  };
}

/** Runs one bundle file; its exports. A bundle without a usable cache is added to `uncached`. */
function runBundle(file, requireModule, importModule, uncached) {
  const source = fs.readFileSync(file, 'latin1'); // ASCII (scripts/build.mjs checks)
  const build = source.slice(source.lastIndexOf(BUILD_MARK) + BUILD_MARK.length).trim();
  const cachedData = readCache(file, build);
  // the file is one function expression (scripts/build.mjs): running it gives the function to call
  const script = new vm.Script(source, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, requireModule, module, file, path.dirname(file), importModule);
  if (cachedData === undefined || script.cachedDataRejected) uncached.push({ file, build, script });
  return module.exports;
}

function readCache(file, build) {
  let data;
  try {
    data = fs.readFileSync(`${file}.cache`);
  } catch {
    return undefined;
  }
  const eol = data.indexOf(10);
  return eol > 0 && data.toString('latin1', 0, eol) === build ? data.subarray(eol + 1) : undefined;
}

function writeCache({ file, build, script }) {
  const cache = `${file}.cache`;
  const tmp = `${cache}.${process.pid}.tmp`;
  try {
    fs.accessSync(path.dirname(cache), fs.constants.W_OK); // a read-only installation: not even worth making it
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from(`${build}\n`, 'latin1'), script.createCachedData()]));
    fs.renameSync(tmp, cache); // atomic: a concurrent run reads the old cache or the new one
  } catch {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // a read-only installation: start-up just stays slower
    }
  }
}

module.exports = { loadCli };
