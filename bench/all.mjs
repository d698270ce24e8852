// `npm run bench`: builds the CLI, then runs every benchmark in bench/ (each *.mjs but the helpers), in name order.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const dir = import.meta.dirname;
const helpers = new Set(['all.mjs', 'lib.mjs', 'gen.mjs']);
const run = (file, args = []) => {
  const r = spawnSync(process.execPath, [file, ...args], { stdio: 'inherit', cwd: path.dirname(dir) });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run(path.join(dir, '../scripts/build.mjs'));
for (const name of readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && !helpers.has(f))
  .sort())
  run(path.join(dir, name));
