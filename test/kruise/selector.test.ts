import { describe, expect, it } from 'vitest';
import { SidecarsetError } from '../../src/errors.js';
import { compileLabelSelector, labelSelectorMatches, labelSelectorProblems } from '../../src/k8s/selector.js';

describe('label selector', () => {
  // Kruise TestValidatedLabelSelectorAsSelector: these four selectors are valid; here we check what they match.
  it('matchLabels, In, NotIn, Exists, DoesNotExist (TestValidatedLabelSelectorAsSelector)', () => {
    const exprs = {
      matchExpressions: [
        { key: 'k3', operator: 'In', values: ['C', 'D'] },
        { key: 'k4', operator: 'NotIn', values: ['E'] },
        { key: 'k5', operator: 'Exists' },
        { key: 'k6', operator: 'DoesNotExist' },
      ],
    };
    const labels = compileLabelSelector({ matchLabels: { k1: 'A', k2: 'B' } });
    expect(labels.matches({ k1: 'A', k2: 'B', x: 'y' })).toBe(true);
    expect(labels.matches({ k1: 'A' })).toBe(false);
    const e = compileLabelSelector(exprs);
    expect(e.matches({ k3: 'C', k5: '' })).toBe(true);
    expect(e.matches({ k3: 'D', k4: 'F', k5: 'x' })).toBe(true);
    expect(e.matches({ k3: 'C', k4: 'E', k5: 'x' })).toBe(false);
    expect(e.matches({ k3: 'C' })).toBe(false);
    expect(e.matches({ k3: 'C', k5: 'x', k6: 'y' })).toBe(false);
    expect(e.matches({ k5: 'x' })).toBe(false);
    const both = compileLabelSelector({ matchLabels: { k1: 'A', k2: 'B' }, ...exprs });
    expect(both.matches({ k1: 'A', k2: 'B', k3: 'C', k5: 'x' })).toBe(true);
    expect(both.matches({ k1: 'A', k3: 'C', k5: 'x' })).toBe(false);
    const sameKey = compileLabelSelector({
      matchExpressions: [
        { key: 'k7', operator: 'In', values: ['F', 'G'] },
        { key: 'k7', operator: 'NotIn', values: ['H'] },
      ],
    });
    expect(sameKey.matches({ k7: 'G' })).toBe(true);
    expect(sameKey.matches({ k7: 'H' })).toBe(false);
    expect([...both.keys].sort()).toEqual(['k1', 'k2', 'k3', 'k4', 'k5', 'k6']);
  });

  it('nil matches nothing, empty matches everything, and says which it is', () => {
    expect(compileLabelSelector(undefined).kind).toBe('nothing');
    expect(compileLabelSelector(null).matches({ a: 'b' })).toBe(false);
    expect(compileLabelSelector({}).kind).toBe('everything');
    expect(compileLabelSelector({}).matches(undefined)).toBe(true);
    expect(compileLabelSelector({ matchLabels: {}, matchExpressions: [] }).kind).toBe('everything');
    expect(labelSelectorMatches({ matchLabels: { a: 'b' } }, undefined)).toBe(false);
  });

  it('rejects an invalid operator with its field', () => {
    const sel = { matchExpressions: [{ key: 'somekey', operator: 'badOp' }] };
    expect(() => compileLabelSelector(sel, 'spec.updateStrategy.selector')).toThrow(SidecarsetError);
    try {
      compileLabelSelector(sel, 'spec.updateStrategy.selector');
    } catch (err) {
      expect((err as SidecarsetError).place.field).toBe('spec.updateStrategy.selector.matchExpressions[0].operator');
      expect((err as SidecarsetError).message).toContain('"badOp": not a valid selector operator');
    }
  });

  it('reports values with Exists, missing values with In, bad keys and values', () => {
    const problems = labelSelectorProblems(
      {
        matchLabels: { 'bad key': 'ok' },
        matchExpressions: [
          { key: 'a', operator: 'Exists', values: ['x'] },
          { key: 'b', operator: 'In', values: [] },
          { key: 'c', operator: 'NotIn', values: ['-bad'] },
        ],
      },
      'spec.selector',
    );
    expect(problems.map((p) => p.field)).toEqual([
      'spec.selector.matchLabels',
      'spec.selector.matchExpressions[0].values',
      'spec.selector.matchExpressions[1].values',
      'spec.selector.matchExpressions[2].values[0]',
    ]);
    expect(problems[1].message).toBe("Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    expect(problems[2].message).toBe("Required value: must be specified when `operator` is 'In' or 'NotIn'");
    expect(problems[0].message).toContain("name part must consist of alphanumeric characters, '-', '_' or '.'");
    expect(problems[0].message).toContain("(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is");
    expect(problems[3].message).toContain(
      'a valid label must be an empty string or consist of alphanumeric characters',
    );
  });

  it('accepts prefixed keys and empty label values', () => {
    expect(labelSelectorProblems({ matchLabels: { 'kubernetes.io/metadata.name': '' } }, 's')).toEqual([]);
    expect(labelSelectorProblems({ matchLabels: { 'Bad_Prefix/x': 'y' } }, 's')[0].message).toContain('prefix part');
  });
});

describe('compiled selectors are remembered by content', () => {
  it('a selector changed after compiling matches by its new content', () => {
    const sel: { matchLabels: Record<string, string> } = { matchLabels: { app: 'a' } };
    expect(compileLabelSelector(sel).matches({ app: 'a' })).toBe(true);
    sel.matchLabels.app = 'b';
    expect(compileLabelSelector(sel).matches({ app: 'a' })).toBe(false);
    expect(compileLabelSelector(sel).matches({ app: 'b' })).toBe(true);
  });

  it('an invalid selector keeps failing, with the field it was compiled for', () => {
    const bad = { matchExpressions: [{ key: 'a', operator: 'Sometimes' }] };
    expect(() => compileLabelSelector(bad, 'spec.selector')).toThrow(/invalid label selector/);
    expect(() => compileLabelSelector(bad, 'spec.selector')).toThrow(/invalid label selector/);
  });
});
