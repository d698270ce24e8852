'use strict';
// Loads the bundled CLI (dist/cli.cjs, one function expression: scripts/build.mjs) through V8's code cache
// (dist/cli.cjs.cache), so that start-up does not compile the bundle's functions again: for a small command that
// costs more than running it. scripts/build.mjs makes the cache by running a small injection. A cache V8 rejects
// (another Node.js version or V8 flags) or one made for another build is made again after the run, wherever the
// directory is writable.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');

const DIST = path.join(__dirname, '..', 'dist');
const BUNDLE = path.join(DIST, 'cli.cjs');
const CACHE = `${BUNDLE}.cache`;
/** The last line of the bundle names its build; the cache's first line says which build it was made for. */
const BUILD_MARK = '//# sidecarset-build=';

/**
 * The bundle's import() of packages kept outside it: code run through node:vm has none of its own on Node.js 20.
 * Resolved from bin/, like from dist/.
 */
const importModule = (specifier) => import(specifier);

function loadCli() {
  let source;
  try {
    source = fs.readFileSync(BUNDLE, 'latin1'); // ASCII (scripts/build.mjs checks)
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
    process.stderr.write(
      `error: the CLI is not built (${path.relative(process.cwd(), BUNDLE) || BUNDLE} is missing): ` +
        'build it with `node scripts/build.mjs` (npm install does it), then run the command again\n',
    );
    process.exit(1);
  }
  const build = source.slice(source.lastIndexOf(BUILD_MARK) + BUILD_MARK.length).trim();
  const cachedData = readCache(build);
  const script = new vm.Script(source, { filename: BUNDLE, cachedData });
  const module = { exports: {} };
  // running the file gives the function to call
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, DIST, importModule);
  const cli = module.exports;
  if (cachedData !== undefined && !script.cachedDataRejected) return cli;
  return {
    ...cli,
    // the cache is made once the command has run, so that the functions it compiled are in it
    run: async (...args) => {
      const code = await cli.run(...args);
      writeCache(build, script);
      return code;
    },
  };
}

function readCache(build) {
  let data;
  try {
    data = fs.readFileSync(CACHE);
  } catch {
    return undefined;
  }
  const eol = data.indexOf(10);
  return eol > 0 && data.toString('latin1', 0, eol) === build ? data.subarray(eol + 1) : undefined;
}

function writeCache(build, script) {
  const tmp = `${CACHE}.${process.pid}.tmp`;
  try {
    fs.accessSync(DIST, fs.constants.W_OK); // a read-only installation: not even worth making it
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from(`${build}\n`, 'latin1'), script.createCachedData()]));
    fs.renameSync(tmp, CACHE); // atomic: a concurrent run reads the old cache or the new one
  } catch {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // a read-only installation: start-up just stays slower
    }
  }
}

module.exports = { loadCli };
