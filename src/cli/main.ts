// Entry point of the bundled CLI: builds the commander program and maps every outcome to an exit code.
import { Command, CommanderError } from 'commander';
import { describeError } from './errors.js';
import { shorthandValues } from './flags.js';
import { processIO, type CommandIO } from './io.js';

export { outputSettled } from '../manifests/output.js';
import { registerInject } from './inject.js';
import { COMPLETE_COMMAND, registerCompletion, runCompletion } from './completion.js';
import { execPluginArgv, registerFn } from './krm.js';
import { registerValidate } from './validate.js';
import { registerPlanRollout } from './plan-rollout.js';
import { registerStatus } from './status.js';
import { registerWhy } from './why.js';
import { registerUpgrade } from './upgrade.js';
import packageJson from '../../package.json' with { type: 'json' };

export const VERSION: string = packageJson.version;

export interface Program {
  command: Command;
  /** exit code set by the command that ran */
  exitCode: number;
}

export function buildProgram(io: CommandIO): Program {
  const state: Program = { command: new Command(), exitCode: 0 };
  const program = state.command;
  program
    .name('kubectl sidecarset')
    .description(
      "OpenKruise SidecarSet, offline and on your cluster: render injection exactly as Kruise's webhook does",
    )
    .version(VERSION, '--version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride();
  const setExit = (code: number) => {
    state.exitCode = code;
  };
  registerInject(program, io, setExit);
  registerValidate(program, io, setExit);
  registerPlanRollout(program, io, setExit);
  registerStatus(program, io, setExit);
  registerWhy(program, io, setExit);
  registerUpgrade(program, io, setExit);
  registerFn(program, io, setExit);
  registerCompletion(program, io, setExit);
  for (const sub of program.commands) sub.exitOverride().configureOutput(program.configureOutput());
  return state;
}

export async function run(argv: string[], io: CommandIO = processIO()): Promise<number> {
  const program = buildProgram(io);
  // shell completion callbacks, and kustomize running us as an exec plugin, bypass the command-line parser
  if (argv[0] === COMPLETE_COMMAND) return runCompletion(program.command, argv.slice(1), io);
  argv = execPluginArgv(argv, io.env, program.command) ?? argv;
  argv = shorthandValues(argv);
  try {
    await program.command.parseAsync(argv, { from: 'user' });
    return program.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already printed help, the version, or the usage problem
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        return 0;
      return err.exitCode === 0 ? 0 : 2;
    }
    const reported = describeError(err);
    if (reported.message) io.stderr.write(reported.message + '\n');
    return reported.exitCode;
  }
}
