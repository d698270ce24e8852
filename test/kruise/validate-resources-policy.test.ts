// resourcesPolicy validation, ported from sidecarset_resources_policy_test.go: TestValidateResourcesPolicy,
// TestValidateResourceExpression.
import { describe, expect, it } from 'vitest';
import type { ResourcesPolicy, SidecarContainer } from '../../src/kruise/apis/types.js';
import { formatFieldError } from '../../src/kruise/validate/index.js';
import { validateResourceExpression, validateResourcesPolicy } from '../../src/kruise/validate/resources-policy.js';

function withPolicy(policy: ResourcesPolicy, resources?: SidecarContainer['resources']): SidecarContainer {
  return {
    name: 'test-sidecar',
    image: 'test-image',
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePolicy: 'File',
    podInjectPolicy: 'BeforeAppContainer',
    shareVolumePolicy: { type: 'disabled' },
    ...(resources ? { resources } : {}),
    resourcesPolicy: policy,
  };
}

describe('TestValidateResourcesPolicy', () => {
  const cases: { name: string; container: SidecarContainer; fields: string[]; contains?: string }[] = [
    {
      name: 'valid resources policy with sum mode and both limits and requests',
      container: withPolicy({
        targetContainersMode: 'sum',
        targetContainersNameRegex: '^app.*$',
        resourcesExpr: {
          limits: { cpu: 'max(cpu*50%, 50m)', memory: 'max(memory*50%, 100Mi)' },
          requests: { cpu: 'max(cpu*50%, 50m)', memory: 'max(memory*50%, 100Mi)' },
        },
      }),
      fields: [],
    },
    {
      name: 'valid resources policy with max mode and only limits',
      container: withPolicy({
        targetContainersMode: 'max',
        targetContainersNameRegex: '^app.*$',
        resourcesExpr: { limits: { cpu: 'cpu*50%' } },
      }),
      fields: [],
    },
    {
      name: 'valid resources policy with only requests',
      container: withPolicy({
        targetContainersMode: 'sum',
        targetContainersNameRegex: '.*',
        resourcesExpr: { requests: { cpu: 'max(cpu*50%, 50m)', memory: '100Mi' } },
      }),
      fields: [],
    },
    {
      name: 'valid resources policy with empty regex',
      container: withPolicy({
        targetContainersMode: 'sum',
        targetContainersNameRegex: '',
        resourcesExpr: { limits: { cpu: 'cpu*50%' } },
      }),
      fields: ['spec[0].targetContainersNameRegex'],
    },
    {
      name: 'resources policy and resources.limits both configured - should fail',
      container: withPolicy(
        { targetContainersMode: 'sum', resourcesExpr: { limits: { cpu: 'cpu*50%' } } },
        { limits: { cpu: '100m', memory: '100Mi' } },
      ),
      fields: ['spec[0]'],
      contains: 'resourcesPolicy and resources cannot be configured together',
    },
    {
      name: 'resources policy and resources.requests both configured - should fail',
      container: withPolicy(
        { targetContainersMode: 'sum', resourcesExpr: { limits: { cpu: 'cpu*50%' } } },
        { requests: { cpu: '50m' } },
      ),
      fields: ['spec[0]'],
      contains: 'resourcesPolicy and resources cannot be configured together',
    },
    {
      name: 'invalid regex pattern - should fail',
      container: withPolicy({
        targetContainersMode: 'sum',
        targetContainersNameRegex: '[invalid(regex',
        resourcesExpr: { limits: { cpu: 'cpu*50%' } },
      }),
      fields: ['spec[0].targetContainersNameRegex'],
      contains: 'invalid regex pattern',
    },
    {
      name: 'no limits and requests - should fail',
      container: withPolicy({ targetContainersMode: 'sum', targetContainersNameRegex: '^app.*$', resourcesExpr: {} }),
      fields: ['spec[0].resourcesExpr'],
      contains: 'at least one of limits or requests must be configured',
    },
    {
      name: 'invalid cpu expression - should fail',
      container: withPolicy({
        targetContainersMode: 'sum',
        targetContainersNameRegex: '^app.*$',
        resourcesExpr: { limits: { cpu: 'invalid expression @#$' } },
      }),
      fields: ['spec[0].resourcesExpr.limits.cpu'],
      contains: 'invalid expression',
    },
    {
      name: 'unbalanced parentheses - should fail',
      container: withPolicy({
        targetContainersMode: 'sum',
        targetContainersNameRegex: '^app.*$',
        resourcesExpr: { limits: { cpu: 'max(cpu*50%, 50m' } },
      }),
      fields: ['spec[0].resourcesExpr.limits.cpu'],
      contains: 'invalid expression',
    },
    {
      name: 'invalid function syntax - should fail',
      container: withPolicy({
        targetContainersMode: 'sum',
        targetContainersNameRegex: '^app.*$',
        resourcesExpr: { limits: { cpu: 'max(cpu*50%)' } },
      }),
      fields: ['spec[0].resourcesExpr.limits.cpu'],
      contains: 'invalid expression',
    },
    {
      name: 'invalid variable name - should fail',
      container: withPolicy({
        targetContainersMode: 'sum',
        targetContainersNameRegex: '^app.*$',
        resourcesExpr: { limits: { cpu: 'invalidvar * 50%' } },
      }),
      fields: ['spec[0].resourcesExpr.limits.cpu'],
      contains: 'invalid expression',
    },
    {
      name: 'valid complex expression from story 5',
      container: withPolicy({
        targetContainersMode: 'sum',
        targetContainersNameRegex: '^app.*$',
        resourcesExpr: {
          limits: { cpu: '0.5*cpu - 0.3*max(0, cpu-4) + 0.3*max(0, cpu-8)', memory: 'max(memory*50%, 100Mi)' },
        },
      }),
      fields: [],
    },
    {
      name: 'valid with only cpu in limits',
      container: withPolicy({
        targetContainersMode: 'max',
        targetContainersNameRegex: '^.*',
        resourcesExpr: { limits: { cpu: 'cpu*50%' } },
      }),
      fields: [],
    },
    {
      name: 'valid with only memory in limits',
      container: withPolicy({
        targetContainersMode: 'max',
        targetContainersNameRegex: '^.*',
        resourcesExpr: { limits: { memory: 'memory*50%' } },
      }),
      fields: [],
    },
    {
      name: 'empty cpu expression in requests is valid',
      container: withPolicy({
        targetContainersMode: 'sum',
        targetContainersNameRegex: '^.*',
        resourcesExpr: { requests: { memory: '100Mi' } },
      }),
      fields: [],
    },
    {
      name: 'invalid cpu expression in requests - should fail',
      container: withPolicy({
        targetContainersMode: 'sum',
        targetContainersNameRegex: '^.*',
        resourcesExpr: { requests: { cpu: 'invalid_cpu_expr' } },
      }),
      fields: ['spec[0].resourcesExpr.requests.cpu'],
      contains: 'invalid expression',
    },
    {
      name: 'invalid memory expression in limits - should fail',
      container: withPolicy({
        targetContainersMode: 'sum',
        targetContainersNameRegex: '^.*',
        resourcesExpr: { limits: { memory: 'bad_memory_expr' } },
      }),
      fields: ['spec[0].resourcesExpr.limits.memory'],
      contains: 'invalid expression',
    },
    {
      name: 'invalid memory expression in requests - should fail',
      container: withPolicy({
        targetContainersMode: 'sum',
        targetContainersNameRegex: '^.*',
        resourcesExpr: { requests: { memory: 'bad_memory_expr' } },
      }),
      fields: ['spec[0].resourcesExpr.requests.memory'],
      contains: 'invalid expression',
    },
  ];

  it.each(cases)('$name', ({ container, fields, contains }) => {
    const errs = validateResourcesPolicy(container, 'spec[0]');
    expect(errs.map((e) => e.field)).toEqual(fields);
    if (contains) expect(errs.map(formatFieldError).join('\n')).toContain(contains);
  });

  it('prints the empty-regex error as Kruise does', () => {
    const errs = validateResourcesPolicy(cases[3].container, 'spec[0]');
    expect(errs.map(formatFieldError)).toEqual([
      'spec[0].targetContainersNameRegex: Required value: invalid empty regex',
    ]);
  });
});

describe('TestValidateResourceExpression', () => {
  it.each([
    { name: 'valid simple expression', expr: 'cpu*50%', variable: 'cpu', error: false },
    { name: 'valid max function', expr: 'max(cpu*50%, 50m)', variable: 'cpu', error: false },
    { name: 'valid min function', expr: 'min(cpu*50%, 100m)', variable: 'cpu', error: false },
    {
      name: 'valid complex expression',
      expr: '0.5*cpu - 0.3*max(0, cpu-4) + 0.3*max(0, cpu-8)',
      variable: 'cpu',
      error: false,
    },
    { name: 'valid with spaces', expr: 'max( cpu * 0.5 , 50m )', variable: 'cpu', error: false },
    { name: 'invalid variable name', expr: 'invalidvar * 50%', variable: 'cpu', error: true },
    { name: 'valid memory expression', expr: 'memory*50%', variable: 'memory', error: false },
    { name: 'valid nested functions', expr: 'max(min(cpu*50%, 100m), 50m)', variable: 'cpu', error: false },
    { name: 'empty expression', expr: '', variable: 'cpu', error: false },
    { name: 'invalid syntax', expr: 'cpu +*/ 50%', variable: 'cpu', error: true },
  ] as const)('$name', ({ expr, variable, error }) => {
    const err = validateResourceExpression(expr, variable);
    if (error) expect(err).toContain('invalid');
    else expect(err).toBeUndefined();
  });

  it('binds only the variable of its own resource', () => {
    expect(validateResourceExpression('memory*50%', 'cpu')).toBe('invalid expression: undefined variable: memory');
    expect(validateResourceExpression('max(cpu*50%)', 'cpu')).toBe(
      'invalid expression: max function requires exactly 2 arguments, got 1',
    );
  });
});
