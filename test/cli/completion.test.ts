import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complete, completionScript, Directive } from '../../src/cli/completion.js';
import { startApiServer, type TestApiServer } from '../apiserver/index.js';
import { pod } from '../cluster/live.js';
import { cli, onPath, ROOT, testProgram, visibleCommands } from './harness.js';
import { readmeBlocks } from './readme-recipes.js';

let api: TestApiServer;
let dir: string;
let kubeconfig: string;
/** a PATH directory holding kubectl-sidecarset and kubectl_complete-sidecarset, as npm install -g links them */
let bin: string;

beforeAll(async () => {
  const sidecarSet = (name: string) => ({
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: { name },
    spec: { selector: {}, containers: [{ name, image: `${name}:1` }] },
  });
  api = await startApiServer({
    objects: [
      pod('web-0', 'apps'),
      pod('web-1', 'apps'),
      pod('cart-0', 'shop'),
      sidecarSet('filebeat'),
      sidecarSet('mesh'),
    ],
    kubelet: false,
  });
  dir = mkdtempSync(path.join(tmpdir(), 'sidecarset-completion-'));
  // context "main" (namespace "apps") on the server; "elsewhere" on a port where nothing answers
  kubeconfig = api.writeKubeconfig(dir, {
    context: 'main',
    namespace: 'apps',
    extraContexts: [{ name: 'elsewhere', server: 'https://127.0.0.1:1' }],
  });
  bin = path.join(dir, 'bin');
  mkdirSync(bin);
  for (const name of ['kubectl-sidecarset', 'kubectl_complete-sidecarset'])
    symlinkSync(path.join(ROOT, 'bin', name), path.join(bin, name));
}, 60_000);

afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a process without blocking this one: the API server answering it lives in this process. */
function spawnAsync(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(command, args, { env, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, code: err ? Number((err as { code?: number }).code ?? 1) : 0 });
    });
  });
}

/** `__complete WORDS` in-process: candidate lines and the directive. */
async function completeCli(
  words: string[],
  env: Record<string, string> = {},
): Promise<{ values: string[]; directive: number; code: number }> {
  const r = await cli(['__complete', ...words], { env: { KUBECONFIG: path.join(dir, 'none'), HOME: dir, ...env } });
  const lines = r.stdout.trimEnd().split('\n');
  const last = lines.pop() ?? '';
  expect(last).toMatch(/^:\d+$/);
  return { values: lines.map((l) => l.split('\t')[0]), directive: Number(last.slice(1)), code: r.code };
}

describe('completion: generated from the command tree', () => {
  it('offers every command, with its summary, and no files', async () => {
    const r = await cli(['__complete', '']);
    expect(r.code).toBe(0);
    for (const name of visibleCommands()) expect(r.stdout).toMatch(new RegExp(`^${name}\\t\\S`, 'm'));
    expect(r.stdout.endsWith(`\n:${Directive.NoFileComp}\n`)).toBe(true);
    expect((await completeCli(['in'])).values).toEqual(['inject']);
    expect((await completeCli(['help', ''])).values).toEqual(visibleCommands().filter((c) => c !== 'help'));
  });

  it("offers every flag of a command, its parents' too", async () => {
    const program = testProgram();
    const inject = program.commands.find((c) => c.name() === 'inject')!;
    const { values, directive } = await completeCli(['inject', '--']);
    for (const option of inject.options) expect(values).toContain(option.long);
    expect(values).toEqual(expect.arrayContaining(['--help', '--version']));
    expect(values.every((v) => v.startsWith('--'))).toBe(true);
    expect(directive).toBe(Directive.NoFileComp);
    expect((await completeCli(['inject', '-'])).values).toEqual(
      expect.arrayContaining(['-f', '-n', '-o', '--filename']),
    );
    expect((await completeCli(['inject', '--keep'])).values).toEqual(['--keep-hash']);
  });

  it('completes values by what the flag or argument takes', async () => {
    expect(await completeCli(['inject', '-o', ''])).toMatchObject({
      values: ['yaml', 'json'],
      directive: Directive.NoFileComp,
    });
    expect((await completeCli(['inject', '--output=j'])).values).toEqual(['--output=json']);
    expect(await completeCli(['inject', '-f', ''])).toMatchObject({
      values: ['yaml', 'yml', 'json'],
      directive: Directive.FilterFileExt,
    });
    expect(await completeCli(['inject', '-f', 'a.yaml', '--sidecarsets', ''])).toMatchObject({
      directive: Directive.FilterFileExt,
    });
    expect((await completeCli(['completion', ''])).values).toEqual(['bash', 'zsh', 'fish']);
    // a flag's value is not taken for a command
    expect((await completeCli(['inject', '-n', 'inject', ''])).values).toEqual([]);
  });

  it('completes commands and flags without loading the cluster client', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--require',
        path.join(ROOT, 'test/cli/offline-guard.cjs'),
        path.join(ROOT, 'bin/kubectl_complete-sidecarset'),
        'inject',
        '-',
      ],
      {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: dir },
      },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('--filename\t');
  });

  it('never fails: no cluster means no names, exit 0, and the directive still printed', async () => {
    expect(await completeCli(['inject', '-n', ''])).toEqual({ values: [], directive: Directive.NoFileComp, code: 0 });
    api.faults.hang({});
    try {
      expect(await completeCli(['inject', '-n', ''], { KUBECONFIG: kubeconfig })).toEqual({
        values: [],
        directive: Directive.NoFileComp,
        code: 0,
      });
    } finally {
      api.faults.clear();
    }
  });
});

describe('completion: names from a cluster (real client, API server on loopback)', () => {
  // A program shaped like the cluster commands: the engine reads what to complete from the names of things.
  const program = new Command('kubectl sidecarset');
  program.option('--kubeconfig <file>', 'kubeconfig').option('--context <name>', 'context');
  const plan = program.command('plan').argument('<sidecarset>', 'the SidecarSet');
  plan.option('-n, --namespace <name>', 'namespace').option('--pod <name>', 'a Pod');

  it('completes SidecarSet, namespace, Pod and context names honouring --kubeconfig, --context and -n', async () => {
    const env = { HOME: dir };
    expect((await complete(program, ['plan', '--kubeconfig', kubeconfig, ''], env)).candidates).toEqual([
      'filebeat',
      'mesh',
    ]);
    expect((await complete(program, ['plan', 'f'], { ...env, KUBECONFIG: kubeconfig })).candidates).toEqual([
      'filebeat',
    ]);
    expect((await complete(program, ['plan', '-n', 'k'], { ...env, KUBECONFIG: kubeconfig })).candidates).toEqual([
      'kube-node-lease',
      'kube-public',
      'kube-system',
    ]);
    expect(
      (await complete(program, ['plan', 'mesh', '--pod', ''], { ...env, KUBECONFIG: kubeconfig })).candidates,
    ).toEqual(['web-0', 'web-1']);
    expect(
      (await complete(program, ['plan', '-n', 'shop', '--pod', ''], { ...env, KUBECONFIG: kubeconfig })).candidates,
    ).toEqual(['cart-0']);
    expect(
      (await complete(program, ['plan', '--namespace=shop', '--pod='], { ...env, KUBECONFIG: kubeconfig })).candidates,
    ).toEqual(['--pod=cart-0']);
    expect((await complete(program, ['--context', ''], { ...env, KUBECONFIG: kubeconfig })).candidates).toEqual([
      'main',
      'elsewhere',
    ]);
    // the other context's server does not answer: no names, no error
    expect(await complete(program, ['--context', 'elsewhere', 'plan', ''], { ...env, KUBECONFIG: kubeconfig })).toEqual(
      { candidates: [], directive: Directive.NoFileComp },
    );
  });

  it('completes namespaces for the real commands too', async () => {
    expect((await completeCli(['inject', '-n', 'a'], { KUBECONFIG: kubeconfig })).values).toEqual(['apps']);
  });
});

describe('completion: shells and kubectl', () => {
  const env = () => ({
    PATH: `${bin}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}/usr/bin${path.delimiter}/bin`,
    HOME: dir,
    KUBECONFIG: kubeconfig,
  });

  it('the README recipes print the scripts', () => {
    const recipe = readmeBlocks('Shell completion')[0];
    for (const shell of ['bash', 'zsh', 'fish'] as const)
      expect(recipe).toContain(`kubectl sidecarset completion ${shell}`);
  });

  it('bash: the script completes through kubectl-sidecarset __complete', async () => {
    const script = (await cli(['completion', 'bash'])).stdout;
    expect(script).toBe(completionScript('bash'));
    const run = async (words: string[]) => {
      const line = `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}`;
      const r = await spawnAsync(
        'bash',
        ['-c', `${script}\n${line}; _kubectl_sidecarset; printf '%s\\n' "\${COMPREPLY[@]}"`],
        env(),
      );
      expect(r.stderr).toBe('');
      return r.stdout.split('\n').filter((l) => l !== '');
    };
    expect(await run(['kubectl-sidecarset', 'in'])).toEqual(['inject']);
    expect(await run(['kubectl-sidecarset', 'inject', '--keep'])).toEqual(['--keep-hash']);
    expect(await run(['kubectl-sidecarset', 'inject', '-n', 'kube-s'])).toEqual(['kube-system']);
  });

  it.each(['zsh', 'fish'] as const)('%s: the script calls kubectl-sidecarset __complete', async (shell) => {
    expect((await cli(['completion', shell])).stdout).toContain('kubectl-sidecarset __complete');
  });

  for (const shell of ['zsh', 'fish'] as const)
    it.skipIf(!onPath(shell))(`${shell}: the script parses (needs ${shell} on PATH)`, async () => {
      const file = path.join(dir, `completion.${shell}`);
      writeFileSync(file, (await cli(['completion', shell])).stdout);
      const r = spawnSync(shell, [shell === 'zsh' ? '-n' : '--no-execute', file], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    });

  it.skipIf(!onPath('fish'))(
    'fish: the script completes through kubectl-sidecarset __complete (needs fish on PATH)',
    async () => {
      const file = path.join(dir, 'completion.fish');
      writeFileSync(file, (await cli(['completion', 'fish'])).stdout);
      const r = await spawnAsync(
        'fish',
        [
          '-c',
          `source ${file}; complete -C 'kubectl-sidecarset in'; complete -C 'kubectl-sidecarset inject -n kube-s'`,
        ],
        env(),
      );
      expect(r.stderr).toBe('');
      expect(r.stdout.split('\n').map((l) => l.split('\t')[0])).toEqual(['inject', 'kube-system', '']);
    },
  );

  it.skipIf(!onPath('kubectl'))(
    "kubectl's plugin completion runs kubectl_complete-sidecarset (needs kubectl on PATH)",
    async () => {
      const kubectl = (...words: string[]) => spawnAsync('kubectl', ['__complete', ...words], env());
      const plugins = await kubectl('sidecar');
      expect(plugins.code).toBe(0);
      expect(plugins.stdout).toMatch(/^sidecarset\t/m);
      const commands = await kubectl('sidecarset', '');
      for (const name of visibleCommands()) expect(commands.stdout).toMatch(new RegExp(`^${name}\\t`, 'm'));
      expect(commands.stdout).toMatch(/^:4$/m);
      const namespaces = await kubectl('sidecarset', 'inject', '-n', '');
      expect(namespaces.stdout.split('\n').filter((l) => !l.startsWith(':') && l !== '')).toEqual([
        'apps',
        'default',
        'kube-node-lease',
        'kube-public',
        'kube-system',
        'shop',
      ]);
    },
  );
});
