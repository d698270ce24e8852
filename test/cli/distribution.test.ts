// Installation as users get it: the npm package installed globally (into a temporary prefix) and seen by the
// real kubectl; the standalone executable built by `npm run build:sea`; the krew manifest rendered for it.
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type TestApiServer } from '../apiserver/index.js';
import { onPath, ROOT, visibleCommands } from './harness.js';
import { readmeBlocks } from './readme-recipes.js';

let dir: string;
let api: TestApiServer;
let kubeconfig: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sidecarset-dist-'));
  api = await startApiServer({
    objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } }],
    kubelet: false,
  });
  kubeconfig = api.writeKubeconfig(dir);
}, 60_000);

// Removing the global install (thousands of files) right after the standalone build has written its executable can
// outlast vitest's default hook timeout on a busy machine.
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

/** npm's own settings stay (cache, registry); the variables of the npm run that started the tests do not. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('npm_') || k.startsWith('npm_config_')) env[k] = v;
  delete env.npm_config_prefix;
  delete env.npm_config_global;
  return { ...env, SOURCE_DATE_EPOCH: '1700000000', ...extra };
}

/** Async, so that the API server in this process can answer the child. */
function run(
  command: string,
  args: string[],
  opts: { cwd?: string; env: NodeJS.ProcessEnv },
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(command, args, { ...opts, encoding: 'utf8', maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      resolve({ stdout, stderr, code: err ? Number((err as { code?: number }).code ?? 1) : 0 }),
    );
  });
}

describe('npm install -g', () => {
  let prefix: string | undefined;

  it('puts kubectl-sidecarset and its completion on PATH', { timeout: 120_000 }, async () => {
    const target = path.join(dir, 'prefix');
    const env = cleanEnv({});
    const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, env });
    expect(packed.code, packed.stderr).toBe(0);
    const tarball = path.join(dir, packed.stdout.trim().split('\n').pop()!);
    const installed = await run(
      'npm',
      ['install', '-g', '--prefix', target, '--prefer-offline', '--no-audit', '--no-fund', tarball],
      { env },
    );
    expect(installed.code, installed.stderr).toBe(0);
    expect(readdirSync(path.join(target, 'bin')).sort()).toEqual(['kubectl-sidecarset', 'kubectl_complete-sidecarset']);
    prefix = target;
  });

  it.skipIf(!onPath('kubectl'))(
    'kubectl finds, runs and completes the installed plugin (needs kubectl on PATH)',
    { timeout: 120_000 },
    async () => {
      expect(prefix, 'the install above failed').toBeDefined();
      const installed = prefix!;
      const userEnv = cleanEnv({
        PATH: [path.join(installed, 'bin'), path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter),
        HOME: dir,
        KUBECONFIG: kubeconfig,
      });
      const list = await run('kubectl', ['plugin', 'list'], { env: userEnv });
      expect(list.stdout).toContain(path.join(installed, 'bin', 'kubectl-sidecarset'));
      const help = await run('kubectl', ['sidecarset', '--help'], { env: userEnv });
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: kubectl sidecarset /);
      for (const name of visibleCommands()) expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
      const completion = await run('kubectl', ['__complete', 'sidecarset', 'inject', '-n', ''], { env: userEnv });
      expect(completion.stdout.split('\n').filter((l) => l && !l.startsWith(':'))).toEqual([
        'apps',
        'default',
        'kube-node-lease',
        'kube-public',
        'kube-system',
      ]);
      // what the user asked for runs, from the installed package
      const injected = await run(
        'kubectl',
        [
          'sidecarset',
          'inject',
          '-f',
          'fixtures/efk/filebeat-sidecarset.yaml',
          '-f',
          'fixtures/efk/nginx-deployment.yaml',
        ],
        { cwd: ROOT, env: userEnv },
      );
      expect(injected.stderr).toBe('deployment.apps/nginx -n default: injected filebeat-sidecarset: filebeat\n');
    },
  );
});

describe('standalone executable and krew manifest (README recipes)', () => {
  it(
    'npm run build:sea builds an executable that injects, completes, and packs for krew',
    { timeout: 120_000 },
    async (ctx) => {
      try {
        createRequire(import.meta.url).resolve('postject');
      } catch {
        ctx.skip('postject is not installed (npm install), so the standalone executable cannot be built');
      }
      const [build, runExe] = readmeBlocks('Standalone executable and krew')[0].trim().split('\n');
      expect(build).toBe('npm ci && npm run build:sea -- --archive');
      const built = await run('sh', ['-c', build.replace(/^npm ci && /, '')], { cwd: ROOT, env: cleanEnv({}) });
      expect(built.code, built.stderr).toBe(0);
      const exe = path.join(ROOT, 'dist', `kubectl-sidecarset-${process.platform}-${process.arch}`);

      const injected = await run('sh', ['-c', runExe], { cwd: ROOT, env: cleanEnv({ PATH: '/usr/bin:/bin' }) });
      expect(injected.stderr).toBe('deployment.apps/nginx -n default: injected filebeat-sidecarset: filebeat\n');
      const viaNode = spawnSync(
        process.execPath,
        [
          'bin/kubectl-sidecarset',
          'inject',
          '-q',
          '-f',
          'fixtures/efk/filebeat-sidecarset.yaml',
          '-f',
          'fixtures/efk/nginx-deployment.yaml',
        ],
        {
          cwd: ROOT,
          encoding: 'utf8',
          env: { SOURCE_DATE_EPOCH: '1700000000' },
        },
      );
      expect(injected.stdout).toBe(viaNode.stdout);

      // linked as kubectl_complete-sidecarset it completes, with the client library bundled in
      const link = path.join(dir, 'kubectl_complete-sidecarset');
      symlinkSync(exe, link);
      const completed = await run(link, ['inject', '-n', ''], { env: cleanEnv({ KUBECONFIG: kubeconfig, HOME: dir }) });
      expect(completed.stdout).toBe('apps\ndefault\nkube-node-lease\nkube-public\nkube-system\n:4\n');

      const render = readmeBlocks('Standalone executable and krew')[1]
        .split('\n')
        .filter((l) => !l.startsWith('kubectl krew'))
        .join('\n');
      const manifest = await run('sh', ['-c', render.replace(/>\s*sidecarset-krew\.yaml/, '')], {
        cwd: ROOT,
        env: cleanEnv({}),
      });
      expect(manifest.code, manifest.stderr).toBe(0);
      const archive = `${exe}.tar.gz`;
      const plugin = parse(manifest.stdout) as {
        apiVersion: string;
        kind: string;
        metadata: { name: string };
        spec: {
          version: string;
          shortDescription: string;
          platforms: {
            selector: { matchLabels: Record<string, string> };
            uri: string;
            sha256: string;
            bin: string;
            files: { from: string; to: string }[];
          }[];
        };
      };
      expect(plugin).toMatchObject({
        apiVersion: 'krew.googlecontainertools.github.com/v1alpha2',
        kind: 'Plugin',
        metadata: { name: 'sidecarset' },
      });
      expect(plugin.spec.version).toBe('v0.1.0');
      expect(plugin.spec.shortDescription.length).toBeLessThanOrEqual(50);
      const [linux] = plugin.spec.platforms;
      expect(linux.selector.matchLabels).toEqual({ os: 'linux', arch: 'amd64' });
      expect(linux.uri).toMatch(/^https:\/\/.*\.tar\.gz$/);
      expect(linux.sha256).toBe(createHash('sha256').update(readFileSync(archive)).digest('hex'));
      expect(linux.bin).toBe('kubectl-sidecarset');
      // the archive holds what the manifest says krew should link
      const listing = spawnSync('tar', ['-tzf', archive], { encoding: 'utf8' }).stdout.trim().split('\n');
      expect(listing).toEqual([linux.files[0].from]);
      expect(listing).toContain(linux.bin);
    },
  );
});
