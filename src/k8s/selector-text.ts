// A LabelSelector in kubectl's syntax ("app=web,tier in (a,b),!legacy"): what `-l` takes and what the API
// server's labelSelector parameter takes, so a selector can be sent to the server instead of matched here.
import type { LabelSelector } from './api.js';

/** "" for a selector that selects everything. An operator Kubernetes does not know is written as is. */
export function labelSelectorText(s: LabelSelector): string {
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator} (${values})`);
  }
  return parts.join(',');
}
