// Shell completion, generated from the commander program itself so it never drifts from the commands:
// `completion bash|zsh|fish` prints a script that calls back `kubectl-sidecarset __complete WORDS...`, and
// kubectl's plugin completion calls `kubectl_complete-sidecarset WORDS...`. Both print one candidate per
// line ("value<TAB>description") and then ":<directive>", the protocol of cobra, which kubectl speaks.
import { Argument, type Command, type Option } from 'commander';
import { MANIFEST_EXTENSIONS } from '../manifests/sources.js';
import { commandAction } from './command.js';
import type { CommandIO } from './io.js';

/** cobra's ShellCompDirective bits, as kubectl reads them. */
export const Directive = {
  Default: 0,
  Error: 1,
  NoSpace: 2,
  NoFileComp: 4,
  FilterFileExt: 8,
  FilterDirs: 16,
  KeepOrder: 32,
} as const;

export const COMPLETE_COMMAND = '__complete';
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
const BINARY = 'kubectl-sidecarset';
/** Cluster look-ups during completion give up after this long: a TAB must never hang. */
const CLUSTER_TIMEOUT_MS = 2000;

export interface Completion {
  candidates: string[];
  directive: number;
}

export function registerCompletion(program: Command, io: CommandIO, setExit: (code: number) => void): void {
  program
    .command('completion')
    .summary('print a shell completion script (bash, zsh or fish)')
    .description(
      'Prints a completion script for kubectl-sidecarset. Under kubectl, ' +
        '`kubectl sidecarset <TAB>` completes through the kubectl_complete-sidecarset ' +
        'executable installed next to kubectl-sidecarset instead.',
    )
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  source <(kubectl sidecarset completion bash)\n' +
        '  kubectl sidecarset completion zsh > "${fpath[1]}/_kubectl-sidecarset"\n' +
        '  kubectl sidecarset completion fish > ~/.config/fish/completions/kubectl-sidecarset.fish',
    )
    .action(
      commandAction(io, setExit, (_io, shell: (typeof SHELLS)[number]) => ({
        validate: () => {},
        run: async (cio) => {
          cio.stdout.write(completionScript(shell));
          return 0;
        },
      })),
    );
}

/** `__complete WORDS...`: always exits 0; a failed cluster look-up only means fewer candidates. */
export async function runCompletion(program: Command, words: string[], io: CommandIO): Promise<number> {
  let result: Completion;
  try {
    result = await complete(program, words.length ? words : [''], io.env);
  } catch {
    result = { candidates: [], directive: Directive.NoFileComp };
  }
  io.stdout.write([...result.candidates, `:${result.directive}`].join('\n') + '\n');
  return 0;
}

// ---------------------------------------------------------------------------------------------------------
// The engine: walk the words through the command tree, then complete the last one.

interface Walked {
  command: Command;
  /** the option whose value the last word is */
  pending?: Option;
  /** option values seen so far, by attribute name */
  values: Map<string, string>;
  positionals: string[];
  /** a `--` was seen: everything after it is an argument */
  afterDashDash: boolean;
}

/** Completes the last of `words` (the words after the program name; the last may be ''). */
export async function complete(
  program: Command,
  words: string[],
  env: Record<string, string | undefined>,
): Promise<Completion> {
  const toComplete = words[words.length - 1] ?? '';
  const walked = walk(program, words.slice(0, -1));
  if (walked.pending) return completeValue(walked.pending, toComplete, '', walked, env);
  if (toComplete.startsWith('-') && !walked.afterDashDash) {
    const eq = toComplete.indexOf('=');
    if (toComplete.startsWith('--') && eq > 0) {
      const option = findOption(walked.command, toComplete.slice(0, eq));
      if (option && takesValue(option))
        return completeValue(option, toComplete.slice(eq + 1), toComplete.slice(0, eq + 1), walked, env);
    }
    return { candidates: flagCandidates(walked.command, toComplete), directive: Directive.NoFileComp };
  }
  // `help COMMAND`: commander's implicit help command is not among program.commands
  if (walked.positionals.length === 1 && walked.positionals[0] === 'help' && !findCommand(walked.command, 'help')) {
    return {
      candidates: commandCandidates(walked.command, toComplete).filter((c) => !c.startsWith('help\t')),
      directive: Directive.NoFileComp,
    };
  }
  const subcommands = walked.positionals.length === 0 ? commandCandidates(walked.command, toComplete) : [];
  const argument = currentArgument(walked.command, walked.positionals.length);
  if (!argument) return { candidates: subcommands, directive: Directive.NoFileComp };
  const values = await completeKind(valueKind([argument.name()]), argument.argChoices, toComplete, '', walked, env);
  return { candidates: [...subcommands, ...values.candidates], directive: values.directive };
}

function walk(program: Command, words: string[]): Walked {
  const walked: Walked = { command: program, values: new Map(), positionals: [], afterDashDash: false };
  for (const word of words) {
    if (walked.pending) {
      walked.values.set(walked.pending.attributeName(), word);
      walked.pending = undefined;
      continue;
    }
    if (!walked.afterDashDash && word === '--') {
      walked.afterDashDash = true;
      continue;
    }
    if (!walked.afterDashDash && word.startsWith('-') && word !== '-') {
      takeFlag(walked, word);
      continue;
    }
    const sub = walked.positionals.length === 0 ? findCommand(walked.command, word) : undefined;
    if (sub) walked.command = sub;
    else walked.positionals.push(word);
  }
  return walked;
}

/** --name=value, --name value, -n value, -nvalue; unknown flags are skipped. */
function takeFlag(walked: Walked, word: string): void {
  const eq = word.indexOf('=');
  if (word.startsWith('--') && eq > 0) {
    const option = findOption(walked.command, word.slice(0, eq));
    if (option) walked.values.set(option.attributeName(), word.slice(eq + 1));
    return;
  }
  const flag = word.startsWith('--') ? word : word.slice(0, 2);
  const option = findOption(walked.command, flag);
  if (!option || !takesValue(option)) return;
  if (!word.startsWith('--') && word.length > 2) walked.values.set(option.attributeName(), word.slice(2));
  else if (option.required) walked.pending = option;
}

function takesValue(option: Option): boolean {
  return option.required || option.optional;
}

/** The command, and the commands above it: commander accepts a parent's options after a subcommand. */
function lineage(command: Command): Command[] {
  const out: Command[] = [];
  for (let c: Command | null = command; c; c = c.parent) out.push(c);
  return out;
}

function findOption(command: Command, flag: string): Option | undefined {
  for (const c of lineage(command)) {
    const found = c
      .createHelp()
      .visibleOptions(c)
      .find((o) => o.long === flag || o.short === flag);
    if (found) return found;
  }
  return undefined;
}

function findCommand(command: Command, name: string): Command | undefined {
  return command.commands.find((c) => c.name() === name || c.aliases().includes(name));
}

function commandCandidates(command: Command, prefix: string): string[] {
  const help = command.createHelp();
  return help
    .visibleCommands(command)
    .filter((c) => c.name().startsWith(prefix))
    .map((c) => candidate(c.name(), help.subcommandDescription(c)));
}

function flagCandidates(command: Command, prefix: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const c of lineage(command)) {
    for (const option of c.createHelp().visibleOptions(c)) {
      // a single "-" offers the short forms too, as cobra does; "--" only the long ones
      for (const flag of [option.long, prefix === '-' ? option.short : undefined]) {
        if (!flag || seen.has(flag) || !flag.startsWith(prefix)) continue;
        seen.add(flag);
        out.push(candidate(flag, option.description));
      }
    }
  }
  return out;
}

/** The positional argument the next word fills (a variadic last argument takes all the rest). */
function currentArgument(command: Command, index: number): Argument | undefined {
  const args = command.registeredArguments;
  if (index < args.length) return args[index];
  const last = args[args.length - 1];
  return last?.variadic ? last : undefined;
}

function candidate(value: string, description: string | undefined): string {
  const first = (description ?? '').split('\n')[0].trim();
  return first ? `${value}\t${first}` : value;
}

// ---------------------------------------------------------------------------------------------------------
// Values: what an option or argument takes is read from its names (placeholder, attribute), kubectl-style.

type ValueKind = 'manifest' | 'file' | 'dir' | 'namespace' | 'context' | 'pod' | 'sidecarset' | 'output' | 'none';

/** `<path>` / `--filename` → manifests, `--kubeconfig` → any file, `--namespace` → namespaces, ... */
function valueKind(names: string[]): ValueKind {
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (name === 'kubeconfig') return 'file';
    if (/^(dir|directory)$/.test(name)) return 'dir';
    if (/^(path|paths|file|files|filename)$/.test(name)) return 'manifest';
    if (/^namespaces?$/.test(name)) return 'namespace';
    if (/^context$/.test(name)) return 'context';
    if (/^pods?$/.test(name)) return 'pod';
    if (/^sidecarsets?$/.test(name)) return 'sidecarset';
    if (/^(output|format)$/.test(name)) return 'output';
  }
  return 'none';
}

function optionNames(option: Option): string[] {
  const placeholder = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1].replace(/\.\.\.$/, '') ?? '';
  return [placeholder, option.attributeName()];
}

function completeValue(
  option: Option,
  toComplete: string,
  prefix: string,
  walked: Walked,
  env: Record<string, string | undefined>,
): Promise<Completion> {
  const kind = valueKind(optionNames(option));
  const choices = option.argChoices ?? (kind === 'output' ? formatsIn(option.description) : undefined);
  return completeKind(kind, choices, toComplete, prefix, walked, env);
}

/** "output format: yaml or json" → [yaml, json], for -o options declared without .choices(). */
function formatsIn(description: string): string[] {
  const list = description.slice(description.lastIndexOf(':') + 1);
  return list
    .split(/,|\bor\b|\s+/)
    .map((w) => w.trim())
    .filter((w) => /^[a-z][a-z-]*$/.test(w));
}

async function completeKind(
  kind: ValueKind,
  choices: readonly string[] | undefined,
  toComplete: string,
  prefix: string,
  walked: Walked,
  env: Record<string, string | undefined>,
): Promise<Completion> {
  if (choices) return { candidates: matching(choices, toComplete, prefix), directive: Directive.NoFileComp };
  switch (kind) {
    case 'manifest':
      return { candidates: [...MANIFEST_EXTENSIONS], directive: Directive.FilterFileExt };
    case 'file':
      return { candidates: [], directive: Directive.Default };
    case 'dir':
      return { candidates: [], directive: Directive.FilterDirs };
    case 'none':
    case 'output':
      return { candidates: [], directive: Directive.NoFileComp };
    default:
      return {
        candidates: matching(await clusterNames(kind, walked, env), toComplete, prefix),
        directive: Directive.NoFileComp,
      };
  }
}

function matching(values: readonly string[], toComplete: string, prefix: string): string[] {
  return values.filter((v) => v.startsWith(toComplete)).map((v) => prefix + v);
}

/** Names from the kubeconfig or the cluster; nothing at all when there is no cluster or it does not answer in time. */
async function clusterNames(
  kind: 'namespace' | 'context' | 'pod' | 'sidecarset',
  walked: Walked,
  env: Record<string, string | undefined>,
): Promise<string[]> {
  const flags = {
    kubeconfig: walked.values.get('kubeconfig'),
    context: walked.values.get('context'),
    namespace: walked.values.get('namespace'),
  };
  try {
    const cluster = await import('../cluster/index.js');
    if (kind === 'context') return cluster.listContexts(flags, env);
    const conn = await cluster.connect({ ...flags, requestTimeout: `${CLUSTER_TIMEOUT_MS}ms` }, env);
    const type =
      kind === 'namespace' ? cluster.NAMESPACE : kind === 'pod' ? cluster.POD : await cluster.sidecarSetType(conn);
    return cluster.names((await cluster.listObjects(conn, type)).items);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------------------
// Scripts: each asks `kubectl-sidecarset __complete` and applies the directive, so they never need updating.

export function completionScript(shell: (typeof SHELLS)[number]): string {
  return { bash: BASH, zsh: ZSH, fish: FISH }[shell];
}

const BASH = `# bash completion for ${BINARY}: source <(kubectl sidecarset completion bash)
_kubectl_sidecarset() {
    local cur="\${COMP_WORDS[COMP_CWORD]}" out directive line
    local -a lines
    out=$(${BINARY} ${COMPLETE_COMMAND} "\${COMP_WORDS[@]:1:COMP_CWORD-1}" "$cur" 2>/dev/null) || return 0
    mapfile -t lines <<<"$out"
    directive=\${lines[-1]#:}
    unset 'lines[-1]'
    [[ $directive =~ ^[0-9]+$ ]] || directive=0
    COMPREPLY=()
    if (( directive & ${Directive.FilterFileExt} )); then
        local ext
        for ext in "\${lines[@]}"; do
            while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen -f -X "!*.$ext" -- "$cur")
        done
        while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen -d -- "$cur")
        compopt -o filenames 2>/dev/null
        return 0
    fi
    if (( directive & ${Directive.FilterDirs} )); then
        while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen -d -- "$cur")
        compopt -o filenames 2>/dev/null
        return 0
    fi
    for line in "\${lines[@]}"; do
        line=\${line%%$'\\t'*}
        [[ -n $line && $line == "$cur"* ]] && COMPREPLY+=("$line")
    done
    if (( \${#COMPREPLY[@]} == 0 )) && ! (( directive & ${Directive.NoFileComp} )); then
        compopt -o default 2>/dev/null
    fi
    (( directive & ${Directive.NoSpace} )) && compopt -o nospace 2>/dev/null
    return 0
}
complete -F _kubectl_sidecarset ${BINARY}
`;

const ZSH = `#compdef ${BINARY}
# zsh completion for ${BINARY}: kubectl sidecarset completion zsh > "\${fpath[1]}/_${BINARY}"
_kubectl_sidecarset() {
    local out directive line value desc
    local -a lines described
    out=$(${BINARY} ${COMPLETE_COMMAND} "\${(@)words[2,CURRENT-1]}" "\${words[CURRENT]}" 2>/dev/null) || return 1
    lines=("\${(@f)out}")
    directive=\${lines[-1]#:}
    lines=("\${(@)lines[1,-2]}")
    [[ $directive == <-> ]] || directive=0
    if (( directive & ${Directive.FilterFileExt} )); then
        _files -g "*.(\${(j:|:)lines})"
        return
    fi
    if (( directive & ${Directive.FilterDirs} )); then
        _files -/
        return
    fi
    for line in $lines; do
        value=\${line%%$'\\t'*}
        desc=\${line#*$'\\t'}
        [[ $desc == $line ]] && desc=""
        described+=("\${value//:/\\\\:}\${desc:+:$desc}")
    done
    if (( \${#described} )); then
        _describe -t values 'values' described
    elif ! (( directive & ${Directive.NoFileComp} )); then
        _files
    fi
}
compdef _kubectl_sidecarset ${BINARY}
`;

const FISH = `# fish completion for ${BINARY}: kubectl sidecarset completion fish > ~/.config/fish/completions/${BINARY}.fish
function __kubectl_sidecarset_complete
    set -l args (commandline -opc)
    set -e args[1]
    set -l out (${BINARY} ${COMPLETE_COMMAND} $args (commandline -ct) 2>/dev/null)
    or return
    set -l directive (string replace -r '^:' '' -- $out[-1])
    set -e out[-1]
    string match -qr '^[0-9]+$' -- $directive; or set directive 0
    if test (math "bitand($directive, ${Directive.FilterFileExt})") -ne 0
        for ext in $out
            __fish_complete_suffix .$ext
        end
        return
    end
    if test (math "bitand($directive, ${Directive.FilterDirs})") -ne 0
        __fish_complete_directories (commandline -ct)
        return
    end
    if test (count $out) -gt 0
        printf '%s\\n' $out
    else if test (math "bitand($directive, ${Directive.NoFileComp})") -eq 0
        __fish_complete_path (commandline -ct)
    end
end
complete -c ${BINARY} -f -a '(__kubectl_sidecarset_complete)'
`;
