// Scenarios of Kruise's pkg/webhook/pod/mutating/sidecarset_resources_test.go, plus the rules of
// sidecarset_resources.go they leave implicit.
import { describe, expect, it } from 'vitest';
import type { Container, Pod } from '../../src/k8s/api.js';
import type { SidecarContainer, SidecarSet } from '../../src/kruise/apis/types.js';
import {
  aggregateResources,
  applyResourcesPolicy,
  evaluateResourcesPolicyExpression,
  getTargetContainers,
} from '../../src/kruise/resources/policy.js';
import { goQuote } from '../../src/go/quote.js';
import { compileGoRegexp } from '../../src/go/regexp.js';
import { marshalQuantity, parseQuantity, type Quantity } from '../../src/k8s/quantity.js';
import { SidecarsetError } from '../../src/errors.js';

type Res = { limits?: Record<string, string>; requests?: Record<string, string> };
const container = (name: string, resources?: Res, restartPolicy?: string): Container => ({
  name,
  image: 'nginx:1.14.2',
  ...(resources ? { resources } : {}),
  ...(restartPolicy ? { restartPolicy } : {}),
});
const pod = (containers: Container[], initContainers?: Container[]): Pod => ({
  metadata: {},
  spec: { containers, ...(initContainers ? { initContainers } : {}) },
});
const sidecar = (
  mode: string,
  regex: string | undefined,
  limits?: { cpu?: string; memory?: string },
  requests?: { cpu?: string; memory?: string },
): SidecarContainer => ({
  name: 'sidecar1',
  image: 'sidecar:latest',
  resourcesPolicy: {
    targetContainersMode: mode,
    ...(regex === undefined ? {} : { targetContainersNameRegex: regex }),
    resourcesExpr: { ...(limits ? { limits } : {}), ...(requests ? { requests } : {}) },
  },
});
const sidecarSet = (containers: string[], initContainers: string[] = []): SidecarSet => ({
  apiVersion: 'apps.kruise.io/v1beta1',
  kind: 'SidecarSet',
  metadata: { name: 'test-sidecarset' },
  spec: {
    containers: containers.map((name) => ({ name })),
    initContainers: initContainers.map((name) => ({ name })),
  },
});
const str = (q: Quantity | undefined) => (q ? marshalQuantity(q) : undefined);
const full = (cpuL: string, memL: string, cpuR: string, memR: string): Res => ({
  limits: { cpu: cpuL, memory: memL },
  requests: { cpu: cpuR, memory: memR },
});
const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SidecarsetError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
};

describe('TestApplyResourcesPolicy', () => {
  it('sum mode with percentage - basic', () => {
    const p = pod([
      container('app1', full('200m', '200Mi', '50m', '100Mi')),
      container('app2', full('400m', '400Mi', '100m', '200Mi')),
    ]);
    const s = sidecar('sum', '.*', { cpu: 'cpu*50%', memory: '200Mi' }, { cpu: 'cpu*50%', memory: '100Mi' });
    applyResourcesPolicy(p, s, []);
    expect(s.resources).toEqual({
      limits: { cpu: '300m', memory: '200Mi' },
      requests: { cpu: '75m', memory: '100Mi' },
    });
  });

  it('max mode with expression', () => {
    const p = pod([
      container('large.engine.v4', full('200m', '200Mi', '50m', '100Mi')),
      container('large.engine.v8', full('400m', '400Mi', '100m', '200Mi')),
    ]);
    const s = sidecar(
      'max',
      '^large.engine.v.*$',
      { cpu: 'max(cpu*50%, 50m)', memory: '200Mi' },
      { cpu: 'max(cpu*50%, 50m)', memory: '100Mi' },
    );
    applyResourcesPolicy(p, s, []);
    expect(s.resources).toEqual({
      limits: { cpu: '200m', memory: '200Mi' },
      requests: { cpu: '50m', memory: '100Mi' },
    });
  });

  it('regex filter - specific container', () => {
    const p = pod([
      container('large.engine.v4', full('200m', '200Mi', '50m', '100Mi')),
      container('large.engine.v8', full('400m', '400Mi', '100m', '200Mi')),
    ]);
    const s = sidecar(
      'sum',
      '^large.engine.v4$',
      { cpu: 'max(cpu*50%, 50m)', memory: '200Mi' },
      { cpu: 'max(cpu*50%, 50m)', memory: '100Mi' },
    );
    applyResourcesPolicy(p, s, []);
    expect(s.resources).toEqual({
      limits: { cpu: '100m', memory: '200Mi' },
      requests: { cpu: '50m', memory: '100Mi' },
    });
  });

  it('no matching containers - should error', () => {
    const p = pod([container('app1', { limits: { cpu: '200m' } })]);
    const s = sidecar('sum', '^nonexistent$', { cpu: 'cpu*50%' });
    expect(errorOf(() => applyResourcesPolicy(p, s, []))).toBe('no containers match the regex pattern "^nonexistent$"');
  });

  it('sum mode - one container without CPU limit (unlimited)', () => {
    const p = pod([
      container('app1', full('200m', '200Mi', '100m', '100Mi')),
      container('app2', { limits: { memory: '400Mi' }, requests: { cpu: '50m', memory: '200Mi' } }),
    ]);
    const s = sidecar('sum', '.*', { cpu: 'cpu*50%', memory: 'memory*30%' }, { cpu: 'cpu*30%', memory: 'memory*20%' });
    applyResourcesPolicy(p, s, []);
    expect(s.resources).toEqual({ limits: { memory: '180Mi' }, requests: { cpu: '45m', memory: '60Mi' } });
  });

  it('max mode - one container without Memory limit (unlimited)', () => {
    const p = pod([
      container('app1', full('200m', '200Mi', '100m', '100Mi')),
      container('app2', { limits: { cpu: '400m' }, requests: { cpu: '200m' } }),
    ]);
    const s = sidecar('max', '.*', { cpu: 'cpu*40%', memory: 'memory*30%' }, { cpu: 'cpu*25%', memory: 'memory*20%' });
    applyResourcesPolicy(p, s, []);
    expect(s.resources).toEqual({ limits: { cpu: '160m' }, requests: { cpu: '50m', memory: '20Mi' } });
  });

  it('sum mode - container without requests (treated as 0)', () => {
    const p = pod([
      container('app1', full('200m', '200Mi', '100m', '100Mi')),
      container('app2', { limits: { cpu: '400m', memory: '400Mi' } }),
    ]);
    const s = sidecar('sum', '.*', { cpu: 'cpu*50%', memory: 'memory*30%' }, { cpu: 'cpu*30%', memory: 'memory*20%' });
    applyResourcesPolicy(p, s, []);
    expect(s.resources).toEqual({ limits: { cpu: '300m', memory: '180Mi' }, requests: { cpu: '30m', memory: '20Mi' } });
  });

  it('init-container with resource policy (native sidecar)', () => {
    const p = pod(
      [container('app2', full('600m', '1200Mi', '300m', '600Mi'))],
      [
        container('app1', full('400m', '800Mi', '200m', '400Mi'), 'Always'),
        container('app2', full('400m', '800Mi', '200m', '400Mi')),
      ],
    );
    const s = sidecar(
      'sum',
      '^app.*$',
      { cpu: 'max(cpu*30%, 50m)', memory: 'max(memory*25%, 100Mi)' },
      { cpu: 'cpu*20%', memory: 'memory*15%' },
    );
    s.name = 'init-sidecar';
    applyResourcesPolicy(p, s, []);
    expect(s.resources).toEqual({
      limits: { cpu: '300m', memory: '500Mi' },
      requests: { cpu: '100m', memory: '150Mi' },
    });
  });
});

describe('TestAggregateResourcesBySum', () => {
  const app1 = container('app1', full('200m', '200Mi', '50m', '100Mi'));

  it('all containers have limits', () => {
    const { limits, requests } = aggregateResources(
      [app1, container('app2', full('400m', '400Mi', '100m', '200Mi'))],
      'sum',
    );
    expect([str(limits.cpu), str(limits.memory), str(requests.cpu), str(requests.memory)]).toEqual([
      '600m',
      '600Mi',
      '150m',
      '300Mi',
    ]);
  });

  it('one container without CPU limit - should be unlimited', () => {
    const app2 = container('app2', { limits: { memory: '400Mi' }, requests: { cpu: '100m', memory: '200Mi' } });
    const { limits, requests } = aggregateResources([app1, app2], 'sum');
    expect(limits.cpu).toBeUndefined();
    expect([str(limits.memory), str(requests.cpu), str(requests.memory)]).toEqual(['600Mi', '150m', '300Mi']);
  });

  it('container without requests - treated as 0', () => {
    const app2 = container('app2', { limits: { cpu: '400m', memory: '400Mi' } });
    const { limits, requests } = aggregateResources([app1, app2], 'sum');
    expect([str(limits.cpu), str(limits.memory), str(requests.cpu), str(requests.memory)]).toEqual([
      '600m',
      '600Mi',
      '50m',
      '100Mi',
    ]);
  });
});

describe('TestAggregateResourcesByMax', () => {
  const app1 = container('app1', full('200m', '200Mi', '50m', '100Mi'));

  it('all containers have limits', () => {
    const { limits, requests } = aggregateResources(
      [app1, container('app2', full('400m', '400Mi', '100m', '200Mi'))],
      'max',
    );
    expect([str(limits.cpu), str(limits.memory), str(requests.cpu), str(requests.memory)]).toEqual([
      '400m',
      '400Mi',
      '100m',
      '200Mi',
    ]);
  });

  it('one container without Memory limit - should be unlimited', () => {
    const app2 = container('app2', { limits: { cpu: '400m' }, requests: { cpu: '100m' } });
    const { limits, requests } = aggregateResources([app1, app2], 'max');
    expect(limits.memory).toBeUndefined();
    expect([str(limits.cpu), str(requests.cpu), str(requests.memory)]).toEqual(['400m', '100m', '100Mi']);
  });

  it('one container without Cpu limit - should be unlimited', () => {
    const app2 = container('app2', { limits: { memory: '400Mi' }, requests: { memory: '200Mi' } });
    const { limits, requests } = aggregateResources([app1, app2], 'max');
    expect(limits.cpu).toBeUndefined();
    expect([str(limits.memory), str(requests.cpu), str(requests.memory)]).toEqual(['400Mi', '50m', '200Mi']);
  });

  it('container without requests - treated as 0', () => {
    const app2 = container('app2', { limits: { cpu: '100m', memory: '150Mi' } });
    const { limits, requests } = aggregateResources([app1, app2], 'max');
    expect([str(limits.cpu), str(limits.memory), str(requests.cpu), str(requests.memory)]).toEqual([
      '200m',
      '200Mi',
      '50m',
      '100Mi',
    ]);
  });
});

describe('TestGetTargetContainers', () => {
  it('takes native sidecars and containers, never plain init containers nor SidecarSet containers', () => {
    const p = pod(
      [container('app1'), container('app2'), container('sidecar1')],
      [
        container('init-sidecar1'),
        container('plain-init-container'),
        container('sidecar-container', undefined, 'Always'),
      ],
    );
    const names = getTargetContainers(p, '^.*$', [sidecarSet(['sidecar1'], ['init-sidecar1'])]).map((c) => c.name);
    expect(names).toEqual(['sidecar-container', 'app1', 'app2']);
  });

  it('excludes names of every matched SidecarSet and matches the regex anywhere in the name', () => {
    const p = pod([container('app'), container('envoy-a'), container('log-agent')]);
    const names = getTargetContainers(p, 'a', [sidecarSet(['envoy-a']), sidecarSet([], ['log-agent'])]).map(
      (c) => c.name,
    );
    expect(names).toEqual(['app']);
  });
});

describe('TestEvaluateResourceExpression', () => {
  const ev = (expr: string, agg: string, isLimit: boolean) =>
    str(evaluateResourcesPolicyExpression(expr, parseQuantity(agg), isLimit));

  it.each<[string, string, boolean, string | undefined]>([
    ['', '100m', true, undefined],
    ['', '100m', false, '0'],
    ['cpu*50%', '200m', true, '100m'],
    ['memory*30%', '600Mi', true, '180Mi'],
    ['max(cpu*50%, 100m)', '150m', true, '100m'],
    ['max(cpu*50%, 100m)', '400m', true, '200m'],
    ['cpu + 50m', '100m', true, '150m'],
    ['max(memory*20% + 100Mi, 200Mi)', '800Mi', true, '260Mi'],
    ['500m', '100m', true, '500m'],
    ['1Gi', '500Mi', true, '1Gi'],
    ['cpu*50%', '0', false, '0'],
    ['memory*25%', '400Mi', false, '100Mi'],
    ['1', '2', false, '1'],
    ['1', '2Mi', false, '1'],
  ])('%j with %s (limit: %s) -> %s', (expr, agg, isLimit, want) => expect(ev(expr, agg, isLimit)).toBe(want));

  it('rejects an invalid expression with the calculator reason', () => {
    expect(errorOf(() => ev('cpu * invalid', '100m', true))).toBe(
      'failed to parse expression "cpu * invalid": undefined variable: invalid',
    );
  });

  it('reads a plain number as cores (milli precision, truncated) unless the text names memory', () => {
    expect(ev('0.25', '1', true)).toBe('250m');
    expect(ev('0.0019', '1Gi', true)).toBe('1m');
    // once the memory variable takes part, the result is a quantity, never a plain number
    expect(ev('memory * 0 + 1.9', '1Gi', true)).toBe('1900m');
    expect(errorOf(() => ev('memory/memory', '1Gi', true))).toContain('division by quantity');
  });
});

describe('rules of applyResourcesPolicy beyond the Go scenarios', () => {
  it('leaves a limit unset when a target lacks it, even for a constant expression', () => {
    const p = pod([container('app1', { limits: { memory: '1Gi' } })]);
    const s = sidecar('sum', '.*', { cpu: '500m', memory: '128Mi' }, { cpu: '100m' });
    applyResourcesPolicy(p, s, []);
    expect(s.resources).toEqual({ limits: { memory: '128Mi' }, requests: { cpu: '100m' } });
  });

  it('replaces the sidecar resources entirely, and writes {} when nothing applies', () => {
    const p = pod([container('app1')]);
    const s = sidecar('sum', '.*', { cpu: 'cpu' });
    s.resources = { limits: { cpu: '9' }, claims: [{ name: 'x' }] } as SidecarContainer['resources'];
    applyResourcesPolicy(p, s, []);
    expect(s.resources).toEqual({});
  });

  it('does nothing without a resourcesPolicy', () => {
    const s: SidecarContainer = { name: 'x', resources: { limits: { cpu: '1' } } };
    applyResourcesPolicy(pod([]), s, []);
    expect(s.resources).toEqual({ limits: { cpu: '1' } });
  });

  it('binds memory only when the word memory appears', () => {
    const p = pod([container('app1', full('2', '1Gi', '1', '512Mi'))]);
    const s = sidecar('sum', '.*', { cpu: 'max(0.5, cpu/4)', memory: 'memory/4' }, { cpu: '0.1', memory: '64' });
    applyResourcesPolicy(p, s, []);
    // a number for requests.memory is read against the cpu variable: 64 cores' worth of milli-units
    expect(s.resources).toEqual({ limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '64' } });
  });

  it('takes the format of the first summed value and drops kept texts in sums', () => {
    const p = pod([
      container('a', { limits: { cpu: '1', memory: '1Gi' } }),
      container('b', { limits: { cpu: '500m', memory: '1G' } }),
    ]);
    const s = sidecar('sum', '.*', { cpu: 'cpu', memory: 'memory' });
    applyResourcesPolicy(p, s, []);
    expect(s.resources).toEqual({ limits: { cpu: '1500m', memory: '2073741824' } });
  });

  it('keeps the text of the largest value in max mode', () => {
    const p = pod([
      container('a', { limits: { cpu: '+1', memory: '01Gi' } }),
      container('b', { limits: { cpu: '500m', memory: '1G' } }),
    ]);
    const s = sidecar('max', '.*', { cpu: 'cpu', memory: 'memory' });
    applyResourcesPolicy(p, s, []);
    expect(s.resources).toEqual({ limits: { cpu: '+1', memory: '01Gi' } });
  });

  it('reads a missing request as the zero quantity', () => {
    const p = pod([container('a', { limits: { cpu: '1' } })]);
    const s = sidecar('max', '.*', undefined, { cpu: 'max(cpu, 10m)', memory: 'memory + 1Mi' });
    applyResourcesPolicy(p, s, []);
    expect(s.resources).toEqual({ requests: { cpu: '10m', memory: '1Mi' } });
  });

  it('sets nothing for an unknown mode but still evaluates requests against zero', () => {
    const p = pod([container('a', full('1', '1Gi', '1', '1Gi'))]);
    const s = sidecar('avg', '.*', { cpu: 'cpu' }, { cpu: 'cpu + 1m' });
    applyResourcesPolicy(p, s, []);
    expect(s.resources).toEqual({ requests: { cpu: '1m' } });
  });

  it('treats an absent regex as the empty Go regexp, which matches every name', () => {
    const p = pod([container('a', { limits: { cpu: '1' } })]);
    const s = sidecar('sum', undefined, { cpu: 'cpu' });
    applyResourcesPolicy(p, s, []);
    expect(s.resources).toEqual({ limits: { cpu: '1' } });
  });

  it('wraps expression errors as Kruise does', () => {
    const p = pod([container('app1', full('200m', '200Mi', '50m', '100Mi'))]);
    expect(errorOf(() => applyResourcesPolicy(p, sidecar('sum', '.*', { cpu: 'cpu/0' }), []))).toBe(
      'failed to evaluate CPU limits expression: failed to parse expression "cpu/0": division by zero',
    );
    expect(
      errorOf(() => applyResourcesPolicy(p, sidecar('sum', '.*', undefined, { memory: 'memory - 1Gi' }), [])),
    ).toBe(
      'failed to evaluate memory requests expression: failed to parse expression "memory - 1Gi": calculation result is negative: -924Mi',
    );
  });

  it('reports an invalid regex as Kruise does', () => {
    const p = pod([container('app1')]);
    expect(errorOf(() => applyResourcesPolicy(p, sidecar('sum', '[invalid(regex', { cpu: '1' }), []))).toBe(
      'failed to get target containers: invalid regex pattern "[invalid(regex": error parsing regexp: missing closing ]: `[invalid(regex`',
    );
  });
});

describe('Go regexp translation', () => {
  const matches = (re: string, name: string) => compileGoRegexp(re).test(name);

  it.each<[string, string, boolean]>([
    ['^app.*$', 'app-1', true],
    ['^app.*$', 'my-app', false],
    ['app', 'my-app-1', true],
    ['^large.engine.v4$', 'large.engine.v4', true],
    ['^large.engine.v4$', 'large.engine.v40', false],
    ['', 'anything', true],
    ['[[:alpha:]]+-[[:digit:]]', 'app-1', true],
    ['^[[:^digit:]]+$', 'app', true],
    ['^[[:^digit:]]+$', 'app1', false],
    ['\\Qa.b\\E', 'a.b', true],
    ['\\Qa.b\\E', 'axb', false],
    ['(?i)^APP$', 'app', true],
    ['^(?i:A)pp$', 'app', true],
    ['^(?i:A)PP$', 'app', false],
    ['(?i)[^K]', 'k', false],
    ['(?i)\\W', 's', false],
    ['^\\w+\\z', 'app_1', true],
    ['\\Aapp', 'app', true],
    ['[]a]', ']', true],
    ['[a-]', '-', true],
    ['^\\x61\\x{70}p$', 'app', true],
    ['^\\141pp$', 'app', true],
    ['^a{2}$', 'aa', true],
    ['^a{,2}$', 'a{,2}', true],
    ['^\\pL+$', 'app', true],
    ['^\\p{Greek}$', 'α', true],
    ['^\\PL$', '1', true],
    ['^(?U)a+', 'aaa', true],
    ['a\\b', 'a-b', true],
    ['\\d', 'x', false],
    ['^\\s$', '\v', false],
  ])('%j on %j -> %s', (re, name, want) => expect(matches(re, name)).toBe(want));

  it.each<[string, string]>([
    ['[invalid(regex', 'missing closing ]: `[invalid(regex`'],
    ['(abc', 'missing closing ): `(abc`'],
    ['abc)', 'unexpected ): `abc)`'],
    ['a**', 'invalid nested repetition operator: `**`'],
    ['*a', 'missing argument to repetition operator: `*`'],
    ['(?=a)', 'invalid or unsupported Perl syntax: `(?=`'],
    ['(?!a)', 'invalid or unsupported Perl syntax: `(?!`'],
    ['(a)\\1', 'invalid escape sequence: `\\1`'],
    ['\\e', 'invalid escape sequence: `\\e`'],
    ['a{1001}', 'invalid repeat count: `{1001}`'],
    ['(a{100}){100}', 'invalid repeat count: `{100}`'],
    ['[z-a]', 'invalid character class range: `z-a`'],
    ['[[:foo:]]', 'invalid character class range: `[:foo:]`'],
    ['\\p{Foo}', 'invalid character class range: `\\p{Foo}`'],
    ['(?P<na-me>x)', 'invalid named capture: `(?P<na-me>`'],
    ['a\\', 'trailing backslash at end of expression: ``'],
    ['\\C', 'invalid escape sequence: `\\C`'],
  ])('rejects %j', (re, message) => {
    expect(errorOf(() => compileGoRegexp(re))).toBe(`error parsing regexp: ${message}`);
  });

  it('accepts what Go accepts and JavaScript reads differently', () => {
    for (const re of [
      '(?P<n>a)',
      '(?<n>a)(?<n>b)',
      '^*',
      'a(?i)*',
      '\\_',
      '\\-',
      '(?:a|)',
      '(?s).',
      '(?m)^a$',
      '\\x{10FFFF}',
    ]) {
      expect(() => compileGoRegexp(re)).not.toThrow();
    }
  });
});

describe('goQuote (Go %q)', () => {
  it.each([
    ['^app$', '"^app$"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['tab\there\n', '"tab\\there\\n"'],
    ['\u0000\u007f', '"\\x00\\x7f"'],
    ['\u00a0é', '"\\u00a0é"'],
    ['日本', '"日本"'],
  ])('%j -> %s', (s, want) => expect(goQuote(s)).toBe(want));
});
