// An InjectionExplanation in words, for people: the webhook first (it decides for every SidecarSet), then one
// block per SidecarSet with its verdict, its reasons and what injecting now would change. Plain lines; the CLI
// adds colour. The texts are documented output: change them with the schema.
import { countOf } from '../../words.js';
import type { OwnedPartDiff } from './owned-diff.js';
import type { InjectionExplanation, NewPodOutcome, Reason, SidecarSetExplanation } from './why.js';

const NEW_POD: Record<NewPodOutcome, string> = {
  injected: 'a Pod created now is injected',
  notInjected: 'a Pod created now is not injected',
  rejected: 'a Pod created now is rejected',
  unknown: 'whether a Pod created now is injected could not be decided',
};

function reasonLine(r: Reason): string {
  return `  - ${r.code}: ${r.message}`;
}

function partLine(p: OwnedPartDiff): string {
  const values = p.live !== undefined || p.rendered !== undefined ? ` (${p.live ?? '-'} -> ${p.rendered ?? '-'})` : '';
  const fields = p.fields !== undefined ? ` [${p.fields.join(', ')}]` : '';
  return `    ${p.change.padEnd(9)} ${p.kind} ${p.name}${fields}${p.kind === 'annotation' && p.change === 'unchanged' ? '' : values}`;
}

function sidecarSetBlock(s: SidecarSetExplanation, template: boolean): string[] {
  const state = template ? '' : s.injected ? 'injected; ' : 'not injected; ';
  const lines = [`SidecarSet ${s.name}: ${state}${NEW_POD[s.newPod]}`];
  lines.push(...s.reasons.map(reasonLine));
  const changes = s.render.parts.filter((p) => p.change !== 'unchanged');
  if (s.render.parts.length === 0) return lines;
  const at = s.render.revision !== undefined ? ` (ControllerRevision ${s.render.revision})` : '';
  if (changes.length === 0) lines.push(`  render now${at}: same as the ${template ? 'template' : 'live Pod'}`);
  else {
    lines.push(
      `  render now${at}: ${countOf(changes.length, 'change')} against the ${template ? 'template' : 'live Pod'}`,
    );
    lines.push(...changes.map(partLine));
  }
  return lines;
}

export function explanationText(e: InjectionExplanation): string {
  const t = e.target;
  const what = t.template
    ? `${t.kind} ${t.namespace}/${t.name} (its Pod template, as created now)`
    : `Pod ${t.namespace}/${t.name}`;
  const lines = [`${what}${t.creationTimestamp !== undefined ? `, created ${t.creationTimestamp}` : ''}`];
  const hook = e.webhook;
  const admits =
    hook.admits === true
      ? 'sees the Pod'
      : hook.admits === false
        ? 'does not see the Pod'
        : 'may or may not see the Pod';
  const where =
    hook.name !== undefined
      ? ` (${hook.configuration ?? ''} ${hook.name}, failurePolicy ${hook.failurePolicy ?? 'Fail'})`
      : '';
  lines.push(`Kruise's Pod webhook ${admits}${where}`);
  lines.push(...hook.reasons.map(reasonLine));
  if (e.sidecarSets.length === 0) lines.push('No SidecarSets.');
  for (const s of e.sidecarSets) lines.push('', ...sidecarSetBlock(s, t.template));
  if (e.notes.length > 0) lines.push('', 'Notes:', ...e.notes.map((n) => `  - ${n}`));
  return `${lines.join('\n')}\n`;
}
