// Scenarios of Kruise's pkg/util/calculator tests (calculator_test.go, concurrent_test.go, fuzz_test.go
// seeds, README examples) and of the expression checks in sidecarset_resources_policy_test.go.
import { describe, expect, it } from 'vitest';
import {
  calcValueString,
  evaluateExpression,
  evaluateResourceExpression,
  formatGoFloat,
  parseResourceExpression,
  validateResourceExpression,
  type CalcValue,
} from '../../src/kruise/resources/calculator.js';
import { parseQuantity } from '../../src/k8s/quantity.js';
import { SidecarsetError } from '../../src/errors.js';

const q = (s: string): CalcValue => ({ isQuantity: true, quantity: parseQuantity(s) });
const n = (v: number): CalcValue => ({ isQuantity: false, number: v });
const calc = (expr: string, vars: Record<string, CalcValue> = {}) => calcValueString(evaluateExpression(expr, vars));
const failure = (expr: string, vars: Record<string, CalcValue> = {}): string => {
  try {
    evaluateExpression(expr, vars);
  } catch (e) {
    expect(e).toBeInstanceOf(SidecarsetError);
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(expr)} to fail`);
};

describe('numbers (TestParseNumber)', () => {
  it.each([
    ['42', '42'],
    ['3.14', '3.14'],
    ['50%', '0.5'],
    ['100.5%', '1.005'],
  ])('%s -> %s', (expr, want) => expect(calc(expr)).toBe(want));

  it('rejects what is not a number', () => {
    expect(failure('invalid')).toBe('undefined variable: invalid');
    expect(failure('5..5')).toMatch(/^parse error: syntax error/);
  });
});

describe('TestBasicArithmetic', () => {
  it.each([
    ['2 + 3', '5'],
    ['10 - 4', '6'],
    ['3 * 4', '12'],
    ['15 / 3', '5'],
    ['(2 + 3) * 4', '20'],
    ['50%', '0.5'],
    ['100% * 2', '2'],
    ['max(10, 20)', '20'],
    ['min(10, 20)', '10'],
    ['1e2', '100'],
    ['1E2', '100'],
    ['min(max(max(max(0.5,0.5*0.5),0.5-1.0),0.5-1.0),3.0)', '0.5'],
  ])('%s = %s', (expr, want) => expect(calc(expr)).toBe(want));

  it.each(['5..5', '5%%', '10 / 0', 'unknown(1, 2)'])('%s fails', (expr) => {
    failure(expr);
  });
});

describe('TestQuantityOperations', () => {
  it.each([
    ['40m + 20m', '60m'],
    ['100Mi - 50Mi', '50Mi'],
    ['2 * 40m', '80m'],
    ['100m / 2', '50m'],
    ['100m', '100m'],
    ['max(40m, 20)', '20'], // 40m is 0.04, below 20 base units
    ['min(40m, 20m)', '20m'],
    ['min(max(max(max(0.5,0.5*0.5),0.5-1.0),0.5-1.0),3.0)', '0.5'],
    ['min(max(max(max(500m,0.5*0.5),0.5-1.0),0.5-1.0),3.0)', '500m'],
  ])('%s = %s', (expr, want) => expect(calc(expr)).toBe(want));

  it('rejects quantity*quantity and division by a quantity', () => {
    expect(failure('40m * 2m')).toBe('multiplication of two quantities');
    expect(failure('2 / 40m')).toBe('division by quantity');
  });
});

describe('values (TestValueString, TestToQuantity, TestArithmeticFunctions, TestFunctionCalls)', () => {
  it('prints numbers with %g and quantities as Go does', () => {
    expect(calcValueString(n(42.5))).toBe('42.5');
    expect(calcValueString(q('100m'))).toBe('100m');
  });

  it('turns a number meeting a quantity into milli-units', () => {
    expect(calc('x + 0m', { x: n(100) })).toBe('100');
  });

  it.each([
    ['a + b', 10, 20, '30'],
    ['a - b', 20, 10, '10'],
    ['a * b', 5, 3, '15'],
    ['a / b', 20, 4, '5'],
    ['max(a, b)', 10, 20, '20'],
    ['min(a, b)', 10, 20, '10'],
  ])('%s with a=%d b=%d', (expr, a, b, want) => expect(calc(expr, { a: n(a), b: n(b) })).toBe(want));
});

describe('TestErrorCases', () => {
  it('names the failure', () => {
    expect(failure('10 / 0')).toContain('division by zero');
    expect(failure('40m * 2m')).toContain('multiplication of two quantities');
    expect(failure('2 / 40m')).toContain('division by quantity');
  });
});

describe('TestVariables', () => {
  it.each<[string, Record<string, CalcValue>, string]>([
    ['cpu', { cpu: q('100m') }, '100m'],
    ['cpu * 2', { cpu: q('50m') }, '100m'],
    ['max(cpu, 200m)', { cpu: q('100m') }, '200m'],
    ['min(max(max(max(0.5,0.5*cpu),cpu-1.0),cpu-1.0),3.0)', { cpu: q('0.5') }, '500m'],
    ['max(0.25, cpu)', { cpu: q('100m') }, '250m'],
    ['max(cpu, 0.75)', { cpu: q('500m') }, '750m'],
    ['min(0.8, cpu)', { cpu: q('1.0') }, '800m'],
    ['min(cpu, 1.5)', { cpu: q('2.0') }, '1500m'],
    ['max(min(2*cpu,-cpu+3.0),2*cpu-3.0)', { cpu: q('1.5') }, '1500m'],
    ['max(min(2*cpu,3.0-cpu),2*cpu-3.0)', { cpu: q('1.5') }, '1500m'],
    ['memory + 100Mi', { memory: q('200Mi') }, '300Mi'],
    ['0.5 * memory + max(0, memory-2Gi)', { memory: q('8Gi') }, '10Gi'],
  ])('%s', (expr, vars, want) => expect(calc(expr, vars)).toBe(want));

  it('rejects an undefined variable', () => {
    expect(failure('undefined_var')).toBe('undefined variable: undefined_var');
  });

  it('looks variables up case-insensitively', () => {
    expect(calc('CPU * 2', { cpu: q('50m') })).toBe('100m');
  });
});

describe('TestNegativeValues', () => {
  it.each(['-10', '-100m', '10 - 20', '50m - 100m'])('%s is rejected as negative', (expr) => {
    expect(failure(expr)).toContain('negative');
  });

  it('names the negative value as Go prints it', () => {
    expect(failure('-10')).toBe('calculation result is negative: -10');
    expect(failure('50m - 100m')).toBe('calculation result is negative: -50m');
  });

  it.each([
    ['20 - 10', '10'],
    ['10 - 10', '0'],
  ])('%s = %s', (expr, want) => expect(calc(expr)).toBe(want));
});

describe('TestProposalScenarios', () => {
  it('story 1: max(cpu*50%, 50m)', () => expect(calc('max(cpu * 50%, 50m)', { cpu: q('200m') })).toBe('100m'));
  it('story 2: sum of container resources', () =>
    expect(calc('(cpu1 + cpu2) * 50%', { cpu1: q('200m'), cpu2: q('400m') })).toBe('300m'));
  it('story 3: max of container resources', () =>
    expect(calc('max(cpu1, cpu2) * 50%', { cpu1: q('200m'), cpu2: q('400m') })).toBe('200m'));
  it('a negative result fails', () => {
    expect(failure('cpu - 100m', { cpu: q('50m') })).toBe('calculation result is negative: -50m');
  });
});

describe('TestEdgeCases', () => {
  it.each(['', '   ', '2 + @', '(2 + 3', '()'])('%j fails', (expr) => {
    expect(failure(expr)).toMatch(/^parse error: syntax error at line 1, col \d+$/);
  });

  it.each([
    ['max(min(10, 20), 15)', '15'],
    ['1e3 + 500', '1500'],
    ['1.5e2 * 2', '300'],
    ['999999999999999999 + 1', '1e+18'],
    ['0.000000000000000001 + 0.000000000000000002', '3.0000000000000002e-18'], // float64 sum
  ])('%s = %s', (expr, want) => expect(calc(expr)).toBe(want));
});

describe('TestParserEdgeCases', () => {
  it.each([
    ['2+3+4/2', '7'],
    ['2   +   3', '5'],
    ['2\t+\t3', '5'],
    ['2\n+\n3', '5'],
    ['  2  \t  +  \n  3  ', '5'],
    ['max(  10  ,  20  )', '20'],
    ['( 2 + 3 ) * 4', '20'],
  ])('%j = %s', (expr, want) => expect(calc(expr)).toBe(want));
});

describe('TestQuantityEdgeCases', () => {
  it.each([
    ['0m + 0m', '0'],
    ['1000Gi + 500Gi', '1500Gi'],
    ['1.5Gi * 2', '3Gi'],
    ['1Gi + 100Mi', '1124Mi'],
    ['max(100m, 100m)', '100m'],
    ['min(100m, 100m)', '100m'],
  ])('%s = %s', (expr, want) => expect(calc(expr)).toBe(want));
});

describe('TestFunctionArgumentErrors', () => {
  it.each([
    ['max()', 'parse error: syntax error at line 1, col 6'],
    ['max(10)', 'max function requires exactly 2 arguments, got 1'],
    ['max(10, 20, 30)', 'parse error: syntax error at line 1, col 12'],
    ['max(10, 20 / 0)', 'division by zero'],
    ['max(10, unknown(20, 30))', 'unknown function: unknown'],
  ])('%s fails with %j', (expr, message) => expect(failure(expr)).toBe(message));
});

describe('TestComplexNestedExpressions', () => {
  it.each([
    ['max(min(max(10, 20), 15), 25)', '25'],
    ['(100m + 50m) * 2 - 50m', '250m'],
    ['max(100m * 50%, 30m)', '50m'],
    ['max(10 + 5, 20 - 5) * 2', '30'],
    ['max(100m, min(200m, 150m)) + 50m', '200m'],
  ])('%s = %s', (expr, want) => expect(calc(expr)).toBe(want));
});

describe('TestLexerBugFixes', () => {
  it.each([
    ['10+-5', '5'],
    ['10--5', '15'],
    ['10 + -5', '5'],
    ['10 - -5', '15'],
    ['20+-10+5', '15'],
    ['100m+50m', '150m'],
    ['1e3', '1000'],
    ['1E3', '1000'],
    ['1e+3', '1000'],
    ['1e-3', '0.001'],
    ['1E+3', '1000'],
    ['1E-3', '0.001'],
    ['1.5e2', '150'],
    ['2.5E+1', '25'],
    ['100m', '100m'],
    ['1k', '1k'],
    ['100M', '100M'],
    ['1G', '1G'],
    ['1T', '1T'],
    ['1P', '1P'],
    ['1Ki', '1Ki'],
    ['100Mi', '100Mi'],
    ['1Gi', '1Gi'],
    ['1Ti', '1Ti'],
    ['1Pi', '1Pi'],
    ['1e3 + 2e2', '1200'],
    ['1e3+-200', '800'],
    ['100m + 50m', '150m'],
    ['200m * 50%', '100m'],
  ])('%s = %s', (expr, want) => expect(calc(expr)).toBe(want));
});

describe('TestScientificNotationEdgeCases and TestLexerCoverageEdgeCases', () => {
  it.each([
    ['1e', '0'], // an incomplete exponent is a malformed number, which Go reads as 0
    ['1e+', '0'],
    ['max(1e3, 2e2)', '1000'],
    ['max(1e3, 100m)', '1k'],
    ['.5 + .5', '1'],
    ['.5Mi', '512Ki'],
    ['1.5+2', '3.5'],
  ])('%s = %s', (expr, want) => expect(calc(expr)).toBe(want));

  it.each(['1e3e2', '1eKi'])('%s is a syntax error', (expr) => {
    expect(failure(expr)).toMatch(/^parse error: syntax error/);
  });
});

describe('lexer details (TestLexerInternalFunctions)', () => {
  it('reads only m k M G T P Ki Mi Gi Ti Pi as quantity units', () => {
    for (const unit of ['100m', '1k', '1M', '1G', '1T', '1P', '1Ki', '100Mi', '1Gi', '1Ti', '1Pi']) {
      expect(evaluateExpression(unit).isQuantity).toBe(true);
    }
    expect(evaluateExpression('123').isQuantity).toBe(false);
    // a number with an unknown unit is a malformed number, hence 0
    expect(calc('123xyz')).toBe('0');
    expect(calc('2n')).toBe('0');
  });

  it('reports the line and column after the offending token', () => {
    expect(failure('2 +\n @')).toBe('parse error: syntax error at line 2, col 3');
    expect(failure('(2 + 3')).toBe('parse error: syntax error at line 1, col 7');
  });

  it('stops at a second percent sign', () => {
    expect(calc('50%')).toBe('0.5');
    expect(failure('50%%')).toMatch(/^parse error/);
  });

  it('reports a quantity that the lexer accepts but apimachinery cannot parse', () => {
    expect(failure('1e3m')).toBe(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
  });
});

describe('which error wins when several occur (Go keeps the last error of the parts already reduced)', () => {
  it.each([
    ['10/0 )', 'division by zero'],
    ['(10/0', 'division by zero'],
    ['max(10/0)', 'max function requires exactly 2 arguments, got 1'],
    ['unknown(10/0, 1)', 'unknown function: unknown'],
    ['2m*3m + x', 'undefined variable: x'],
    ['x + 2m*3m', 'multiplication of two quantities'],
    ['x + (', 'undefined variable: x'],
    ['max(x, 1', 'undefined variable: x'],
    ['max(1, x y', 'undefined variable: x'],
    ['- x )', 'undefined variable: x'],
    ['max( x', 'undefined variable: x'],
    ['y(x', 'undefined variable: x'],
    ['y(', 'parse error: syntax error at line 1, col 3'],
  ])('%j -> %j', (expr, message) => expect(failure(expr)).toBe(message));
});

describe('Go number and quantity corner cases', () => {
  it.each([
    ['1e999', '+Inf'],
    ['1e999%', '0'],
    ['-0', '-0'],
    ['1234567', '1.234567e+06'],
    ['0.00001', '1e-05'],
    ['-2*3 + 10', '4'],
    ['- -2', '2'],
  ])('%s = %s', (expr, want) => expect(calc(expr)).toBe(want));

  it('truncates toward zero when scaling a quantity', () => {
    expect(calc('1m / 3')).toBe('0');
    expect(calc('2m * 0.75')).toBe('1m');
  });

  it('rounds a sub-milli quantity up before scaling it (MilliValue)', () => {
    expect(calc('cpu * 1', { cpu: q('1n') })).toBe('1m');
    expect(calc('cpu * 1', { cpu: q('1500u') })).toBe('2m');
  });

  it('keeps the text of a quantity that max/min return unchanged', () => {
    expect(calc('max(cpu, 1m)', { cpu: q('+1') })).toBe('+1');
    expect(calc('cpu * 1', { cpu: q('+1') })).toBe('1');
  });

  it('turns an infinite product into Go amd64 min-int64 milli-units', () => {
    expect(failure('cpu * 1e999', { cpu: q('1') })).toBe('calculation result is negative: -9223372036854775808m');
  });

  it('formats %g like Go', () => {
    expect(formatGoFloat(100000)).toBe('100000');
    expect(formatGoFloat(1e6)).toBe('1e+06');
    expect(formatGoFloat(0.0001)).toBe('0.0001');
    expect(formatGoFloat(1.5e-7)).toBe('1.5e-07');
    expect(formatGoFloat(1e100)).toBe('1e+100');
    expect(formatGoFloat(NaN)).toBe('NaN');
    expect(formatGoFloat(-Infinity)).toBe('-Inf');
  });
});

describe('README examples and concurrent_test.go expressions', () => {
  it.each([
    ['2 + 3 * 4', '14'],
    ['50% * 200', '100'],
    ['max(40m, 20)', '20'],
    ['100m + 50m', '150m'],
    ['(2 + 3) * 4', '20'],
    ['40m * 2', '80m'],
    ['max(100m, 200m)', '200m'],
    ['min(100m, 200m)', '100m'],
    ['max(10, 20)', '20'],
  ])('%s = %s', (expr, want) => expect(calc(expr)).toBe(want));

  it.each([
    ['cpu * 2', '200'],
    ['memory * 50%', '256Mi'],
    ['max(cpu, 50)', '100'],
    ['min(memory, 1Gi)', '512Mi'],
    ['cpu + 50', '150'],
    ['memory - 100Mi', '412Mi'],
  ])('with cpu=100 (a number) and memory=512Mi: %s = %s', (expr, want) =>
    expect(calc(expr, { cpu: n(100), memory: q('512Mi') })).toBe(want),
  );

  it('evaluates the SidecarSet use case with its one variable', () => {
    const cpu = evaluateResourceExpression('max(cpu*50%, 50m)', { name: 'cpu', value: parseQuantity('200m') });
    expect(calcValueString(cpu)).toBe('100m');
    const mem = evaluateResourceExpression('max(memory*50%, 100Mi)', { name: 'memory', value: parseQuantity('512Mi') });
    expect(calcValueString(mem)).toBe('256Mi');
  });
});

describe('fuzz_test.go seeds never fail other than with a calculator error', () => {
  const seeds = [
    '2 + 3',
    '10 - 4',
    '3 * 4',
    '15 / 3',
    '(2 + 3) * 4',
    '50%',
    '100% * 2',
    'cpu * 50%',
    'max(10, 20)',
    'min(10, 20)',
    'max(cpu, 200m)',
    'min(memory, 100Mi)',
    '40m + 20m',
    '100Mi - 50Mi',
    '2 * 40m',
    '100m / 2',
    'max(cpu * 50%, 50m)',
    'max(memory * 50%, 100Mi)',
    '(cpu1 + cpu2) * 50%',
    'max(cpu1, cpu2) * 50%',
    '',
    '   ',
    '0',
    '0m',
    '0Mi',
    '1e3 + 500',
    '1.5e2 * 2',
    'max(min(10, 20), 15)',
    'max(min(max(10, 20), 15), 25)',
    '1000Gi + 500Gi',
    '999999999999999999 + 1',
    '0.000000000000000001 + 0.000000000000000002',
    '1m + 1m',
    '2   +   3',
    '2\t+\t3',
    '2\n+\n3',
    '10 / 0',
    '-10',
    '-100m',
    'unknown(1, 2)',
    'max()',
    'max(10)',
    'max(10, 20, 30)',
    '(2 + 3',
    '()',
    '2 + @',
    'é + ü',
    '\u0000',
    '5\u00b5',
    'ª',
    '1.5Ei',
    '9999999999999999999Ki * 2',
  ];
  it.each(seeds)('%j', (expr) => {
    try {
      evaluateExpression(expr, { cpu: q('100m'), memory: q('512Mi') });
    } catch (e) {
      expect(e).toBeInstanceOf(SidecarsetError);
    }
  });

  it('treats a NUL byte as the end of the input, as Go does', () => {
    expect(calc('2\u0000+3')).toBe('2');
  });
});

describe('parseResourceExpression', () => {
  it('returns the tree of a valid expression', () => {
    expect(parseResourceExpression('max(cpu*50%, 50m)').root).toEqual({
      type: 'call',
      name: 'max',
      args: [
        { type: 'binary', op: '*', left: { type: 'variable', name: 'cpu' }, right: { type: 'number', text: '50%' } },
        { type: 'quantity', text: '50m' },
      ],
    });
  });

  it('returns the syntax error and what was reduced before it', () => {
    const parsed = parseResourceExpression('1 + 2 3');
    expect(parsed.root).toBeUndefined();
    expect(parsed.syntaxError).toBe('parse error: syntax error at line 1, col 8');
    expect(parsed.reduced).toHaveLength(1);
  });
});

describe('validateResourceExpression (sidecarset_resources_policy_test.go TestValidateResourceExpression)', () => {
  it.each<[string, 'cpu' | 'memory']>([
    ['cpu*50%', 'cpu'],
    ['max(cpu*50%, 50m)', 'cpu'],
    ['min(cpu*50%, 100m)', 'cpu'],
    ['0.5*cpu - 0.3*max(0, cpu-4) + 0.3*max(0, cpu-8)', 'cpu'],
    ['max( cpu * 0.5 , 50m )', 'cpu'],
    ['memory*50%', 'memory'],
    ['max(min(cpu*50%, 100m), 50m)', 'cpu'],
    ['', 'cpu'],
    ['max(memory*50%, 100Mi)', 'memory'],
  ])('accepts %j', (expr, variable) => expect(validateResourceExpression(expr, variable)).toBeUndefined());

  it.each<[string, 'cpu' | 'memory']>([
    ['invalidvar * 50%', 'cpu'],
    ['cpu +*/ 50%', 'cpu'],
    ['invalid expression @#$', 'cpu'],
    ['max(cpu*50%, 50m', 'cpu'],
    ['max(cpu*50%)', 'cpu'],
    ['invalid_cpu_expr', 'cpu'],
    ['bad_memory_expr', 'memory'],
    ['cpu - 2', 'cpu'], // with cpu bound to 1 the result is negative
    ['memory * 2', 'cpu'], // the cpu field only binds cpu
  ])('rejects %j', (expr, variable) =>
    expect(validateResourceExpression(expr, variable)).toMatch(/^invalid expression: /),
  );

  it('words the message as Kruise does', () => {
    expect(validateResourceExpression('invalidvar * 50%', 'cpu')).toBe(
      'invalid expression: undefined variable: invalidvar',
    );
  });
});
