// kubectl's label selector syntax for flags (-l, --update-selector): "app=web,tier!=db,env in (a,b),!legacy",
// turned into the metav1.LabelSelector it stands for and checked like any other selector.
import { SidecarsetError, UsageError } from '../errors.js';
import type { LabelSelector, LabelSelectorRequirement } from '../k8s/api.js';
import { compileLabelSelector } from '../k8s/selector.js';

export function parseSelectorFlag(text: string, flag: string): LabelSelector {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (const part of splitRequirements(text, flag)) {
    const req = part.trim();
    let m: RegExpExecArray | null;
    if ((m = /^!\s*([^\s=!()]+)$/.exec(req))) matchExpressions.push({ key: m[1], operator: 'DoesNotExist' });
    else if ((m = /^([^\s=!()]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(req))) {
      const values = m[3].split(',').map((v) => v.trim());
      matchExpressions.push({ key: m[1], operator: m[2] === 'in' ? 'In' : 'NotIn', values });
    } else if ((m = /^([^\s=!()]+)\s*!=\s*([^\s=!(),]*)$/.exec(req)))
      matchExpressions.push({ key: m[1], operator: 'NotIn', values: [m[2]] });
    else if ((m = /^([^\s=!()]+)\s*==?\s*([^\s=!(),]*)$/.exec(req))) matchLabels[m[1]] = m[2];
    else if ((m = /^([^\s=!()]+)$/.exec(req))) matchExpressions.push({ key: m[1], operator: 'Exists' });
    else
      throw new UsageError(
        `${flag}: cannot parse ${JSON.stringify(req)} (expected key=value, key!=value, key in (a,b), key notin (a,b), key or !key)`,
      );
  }
  const selector: LabelSelector = {};
  if (Object.keys(matchLabels).length > 0) selector.matchLabels = matchLabels;
  if (matchExpressions.length > 0) selector.matchExpressions = matchExpressions;
  try {
    compileLabelSelector(selector, flag);
  } catch (err) {
    if (err instanceof SidecarsetError) throw new UsageError(`${flag}: ${err.message}`);
    throw err;
  }
  return selector;
}

// Commas separate requirements, except inside the parentheses of a set.
function splitRequirements(text: string, flag: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
    if (depth < 0 || depth > 1) throw new UsageError(`${flag}: unbalanced parentheses in ${JSON.stringify(text)}`);
  }
  if (depth !== 0) throw new UsageError(`${flag}: unbalanced parentheses in ${JSON.stringify(text)}`);
  parts.push(text.slice(start));
  if (parts.some((p) => p.trim() === '')) throw new UsageError(`${flag}: empty requirement in ${JSON.stringify(text)}`);
  return parts;
}
