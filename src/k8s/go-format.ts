// Kubernetes objects as Go's fmt prints them where they show in Kruise's messages: %#v of a metav1.LabelSelector
// (the value of a field error), and the gogo-protobuf String() of *LabelSelector that %v and %+v use.
import { goQuote } from '../go/quote.js';
import { compareGoStrings } from '../go/sort.js';
import type { LabelSelector, LabelSelectorRequirement } from './api.js';

/** fmt's %#v of a metav1.LabelSelector value: absent fields are Go's nil. */
export function labelSelectorGoSyntax(s: LabelSelector): string {
  const labels =
    s.matchLabels === undefined || s.matchLabels === null
      ? 'map[string]string(nil)'
      : `map[string]string{${sortedKeys(s.matchLabels)
          .map((k) => `${goQuote(k)}:${goQuote(s.matchLabels![k])}`)
          .join(', ')}}`;
  const expressions =
    s.matchExpressions === undefined || s.matchExpressions === null
      ? '[]v1.LabelSelectorRequirement(nil)'
      : `[]v1.LabelSelectorRequirement{${s.matchExpressions.map(requirementGoSyntax).join(', ')}}`;
  return `v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${expressions}}`;
}

function requirementGoSyntax(r: LabelSelectorRequirement): string {
  const values =
    r.values === undefined || r.values === null ? '[]string(nil)' : `[]string{${r.values.map(goQuote).join(', ')}}`;
  return `v1.LabelSelectorRequirement{Key:${goQuote(r.key ?? '')}, Operator:${goQuote(r.operator ?? '')}, Values:${values}}`;
}

/** (*metav1.LabelSelector).String(), which %v and %+v print; "nil" for a nil pointer. */
export function labelSelectorString(s: LabelSelector | undefined | null): string {
  if (s === undefined || s === null) return 'nil';
  const labels = sortedKeys(s.matchLabels ?? {})
    .map((k) => `${k}: ${s.matchLabels![k]},`)
    .join('');
  const expressions = (s.matchExpressions ?? [])
    .map(
      (r) =>
        `LabelSelectorRequirement{Key:${r.key ?? ''},Operator:${r.operator ?? ''},Values:[${(r.values ?? []).join(' ')}],},`,
    )
    .join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${expressions}},}`;
}

function sortedKeys(m: Record<string, string>): string[] {
  return Object.keys(m).sort(compareGoStrings);
}
