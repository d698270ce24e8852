// `kubectl sidecarset fn`: inject as a KRM function. Without an argument it is an exec KRM function (kpt fn
// eval/render --exec, kustomize --enable-exec): ResourceList in, ResourceList with results out. Given a file,
// it is a kustomize exec plugin (what `kubectl kustomize --enable-alpha-plugins` runs): the plugin's config
// file as argument, the resources as a YAML stream on stdin, the injected stream on stdout.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { SidecarsetError } from '../errors.js';
import { write } from '../manifests/output.js';
import { readStream, STDIN_SOURCE } from '../manifests/sources.js';
import { decodeUtf8 } from '../manifests/utf8.js';
import { renderText, yamlWriter } from '../manifests/writers.js';
import { injectInputs } from '../pipeline/inject.js';
import { sourceDateEpoch } from './clock.js';
import { commandAction } from './command.js';
import type { CommandIO } from './io.js';
import { reportInjection } from './report.js';

export const FN_COMMAND = 'fn';
/** kustomize sets these for exec plugins: the plugin's config, and the kustomization's directory. */
const KUSTOMIZE_CONFIG_STRING = 'KUSTOMIZE_PLUGIN_CONFIG_STRING';
const KUSTOMIZE_CONFIG_ROOT = 'KUSTOMIZE_PLUGIN_CONFIG_ROOT';

export function registerFn(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  program
    .command(FN_COMMAND)
    .summary('inject as a KRM function (kpt, kustomize) or a kustomize exec plugin')
    .description(
      'Reads a ResourceList on stdin and prints it with the sidecars injected into ' +
        'its items, plus a result per object: what was injected, or why not. ' +
        'Options come from functionConfig: a SidecarSetInjector (spec.sidecarSets, ' +
        'spec.namespace, spec.keepHash, spec.recursive) or a ConfigMap with the same ' +
        'keys under data. Given CONFIG (a kustomize exec plugin gets its config file), ' +
        'reads a YAML stream instead.',
    )
    .argument('[config]', 'a SidecarSetInjector file: run as a kustomize exec plugin')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  kpt fn eval apps/ --exec "kubectl-sidecarset fn" -- sidecarSets=platform/sidecarsets/\n' +
        '  kubectl kustomize --enable-alpha-plugins .   # with the plugin installed, see the README',
    )
    .action(
      commandAction(io, setExit, (_io, config: string | undefined) => ({
        validate: () => {},
        run: (cio) => (config === undefined ? runFunction(cio) : runExecPlugin(config, cio)),
      })),
    );
}

async function runFunction(io: CommandIO): Promise<number> {
  const { runResourceList } = await import('../pipeline/krm/resource-list.js'); // loaded by this command only
  const run = await runResourceList(await readAll(io.stdin), { baseDir: io.cwd, now: sourceDateEpoch(io.env) });
  await write(io.stdout, run.text);
  for (const r of run.results) if (r.severity === 'error') io.stderr.write(`error: ${r.message}\n`);
  return run.failed ? 1 : 0;
}

async function runExecPlugin(configFile: string, io: CommandIO): Promise<number> {
  const config = parse(
    await readFile(configFile, 'utf8').catch(() => io.env[KUSTOMIZE_CONFIG_STRING] ?? ''),
  ) as unknown;
  const { readFunctionConfig } = await import('../pipeline/krm/function-config.js');
  const options = readFunctionConfig(config, io.env[KUSTOMIZE_CONFIG_ROOT] ?? io.cwd);
  const rendered = await injectInputs({ ...options, filenames: ['-'], now: sourceDateEpoch(io.env) }, io.stdin);
  await write(io.stdout, renderText(rendered.docs, yamlWriter));
  io.stderr.write(reportInjection(rendered, io));
  return 0;
}

/**
 * kustomize runs an exec plugin as `<plugin> CONFIG_FILE [args...]`: when the program is installed (or linked)
 * as the plugin, its first argument is that file and not a command. Returns the argv to run instead.
 */
export function execPluginArgv(argv: string[], env: CommandIO['env'], program: Command): string[] | undefined {
  if (env[KUSTOMIZE_CONFIG_ROOT] === undefined || argv.length === 0) return undefined;
  const first = argv[0];
  if (first.startsWith('-') || program.commands.some((c) => c.name() === first) || !existsSync(first)) return undefined;
  return [FN_COMMAND, first];
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const text = decodeUtf8(await readStream(stream, STDIN_SOURCE), STDIN_SOURCE);
  if (text.trim() === '') throw new SidecarsetError('expected a ResourceList on standard input, got nothing');
  return text;
}
