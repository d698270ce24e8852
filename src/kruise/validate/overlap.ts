// util.IsSelectorOverlapping: a deliberately loose test. Two selectors overlap unless one of them pins a
// key the other pins too, in a way that cannot both hold. Keys only one side mentions never separate them.
import type { LabelSelector } from '../../k8s/api.js';

const ANY = 'ALL'; // Kruise's marker for "key exists, any value" (a literal value "ALL" reads the same)

export function isSelectorOverlapping(a: LabelSelector | undefined, b: LabelSelector | undefined): boolean {
  return !(isDisjoint(a ?? {}, b ?? {}) || isDisjoint(b ?? {}, a ?? {}));
}

// Does some requirement of `other` rule out everything `base` allows for that key?
function isDisjoint(base: LabelSelector, other: LabelSelector): boolean {
  const allowed = new Map<string, string[]>();
  for (const [k, v] of Object.entries(base.matchLabels ?? {})) allowed.set(k, [v]);
  for (const req of base.matchExpressions ?? []) {
    // an In without values adds nothing, not even the key
    if (req.operator === 'In') {
      for (const v of req.values ?? []) allowed.set(req.key, [...(allowed.get(req.key) ?? []), v]);
    } else if (req.operator === 'Exists') allowed.set(req.key, [ANY]);
  }
  for (const [k, v] of Object.entries(other.matchLabels ?? {})) {
    const values = allowed.get(k);
    if (values && !values.includes(ANY) && !values.includes(v)) return true;
  }
  for (const req of other.matchExpressions ?? []) {
    const values = allowed.get(req.key);
    const reqValues = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (values && !values.includes(ANY) && !reqValues.some((v) => values.includes(v))) return true;
        break;
      case 'NotIn':
        if (values && values.every((v) => reqValues.includes(v))) return true;
        break;
      case 'Exists':
        if (!values) return true;
        break;
      case 'DoesNotExist':
        if (values) return true;
        break;
    }
  }
  return false;
}
