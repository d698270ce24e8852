// Renders integrations/krew/sidecarset.yaml for a release:
//   node scripts/krew-manifest.mjs --version vX.Y.Z --uri URL (--sha256 HEX | --archive FILE.tar.gz)
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const value = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

const version = value('version');
const uri = value('uri');
const archive = value('archive');
const sha256 =
  value('sha256') ?? (archive ? createHash('sha256').update(readFileSync(archive)).digest('hex') : undefined);
const problems = [];
if (!version || !/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version))
  problems.push('--version vX.Y.Z (semver with a leading v)');
if (!uri || !/^https:\/\/\S+\.(tar\.gz|tgz|zip)$/.test(uri)) problems.push('--uri https://.../archive.tar.gz');
if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256)) problems.push('--sha256 HEX (64 hex digits) or --archive FILE');
if (problems.length) {
  process.stderr.write(
    `usage: node scripts/krew-manifest.mjs --version vX.Y.Z --uri URL (--sha256 HEX | --archive FILE)\nmissing or invalid: ${problems.join('; ')}\n`,
  );
  process.exit(2);
}

const template = readFileSync(path.join(root, 'integrations/krew/sidecarset.yaml'), 'utf8');
const values = { VERSION: version, URI: uri, SHA256: sha256 };
process.stdout.write(
  template
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n')
    .replace(/\{\{(\w+)\}\}/g, (_, key) => values[key]),
);
