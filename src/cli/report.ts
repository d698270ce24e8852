// The human report of an injection, on stderr: one line per pod-bearing object, stable reason codes.
import { Chalk } from 'chalk';
import type { ObjectReport } from '../pipeline/inject-document.js';
import type { InjectOutcome } from '../pipeline/inject.js';
import { colourEnabled, type CommandIO } from './io.js';

export function colourFor(io: CommandIO): InstanceType<typeof Chalk> {
  return new Chalk({ level: colourEnabled(io, 'stderr') ? 1 : 0 });
}

export function reportInjection(outcome: InjectOutcome, io: CommandIO): string {
  const c = colourFor(io);
  const lines: string[] = [];
  for (const note of outcome.notes) lines.push(`${c.yellow('note:')} ${note}`);
  for (const obj of outcome.objects) lines.push(...objectLines(obj, c));
  return lines.length ? lines.join('\n') + '\n' : '';
}

function objectLines(obj: ObjectReport, c: InstanceType<typeof Chalk>): string[] {
  const head = `${c.bold(obj.ref)} -n ${obj.namespace}`;
  if (obj.unknownKind) return [`${head}: ${c.yellow('skipped')}: UnknownPodTemplateKind (${obj.unknownKind})`];
  if (obj.excluded) {
    return obj.excluded.findings.map(
      (f) => `${head}: ${c.dim('not injected')}: ${f.code} (${f.message}; scope from ${obj.excluded!.source})`,
    );
  }
  const out: string[] = [];
  // what was assumed of a Namespace not given is in -o json's data; only what was left unchecked is worth a line
  for (const note of obj.scopeNotes ?? [])
    if (note.effect === 'unchecked') out.push(`${head}: ${c.yellow('note')}: ${note.code} (${note.message})`);
  for (const inj of obj.injected) {
    const names = [...inj.initContainers.map((n) => `init:${n}`), ...inj.containers].join(', ');
    const rev = inj.revision ? ` (revision ${inj.revision})` : '';
    out.push(`${head}: ${c.green('injected')} ${inj.sidecarSet}${rev}: ${names}`);
  }
  for (const skip of obj.skipped) {
    out.push(`${head}: ${c.dim('not injected')} ${skip.sidecarSet}: ${skip.reason} (${skip.detail})`);
  }
  const priority = obj.launchPriority;
  if (priority?.applied)
    out.push(
      `${head}: container launch priority: ${priority.by === 'annotation' ? 'Ordered' : 'KRUISE_CONTAINER_PRIORITY'}, KRUISE_CONTAINER_BARRIER from ConfigMap ${priority.configMap}`,
    );
  else if (priority)
    out.push(`${head}: container launch priority not rendered: ${priority.reason} (${priority.detail})`);
  if (obj.injected.length === 0 && obj.skipped.length === 0)
    out.push(`${head}: ${c.dim('not injected')}: NoSidecarSets (no SidecarSet among the inputs)`);
  return out;
}
