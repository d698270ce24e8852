import { describe, expect, it } from 'vitest';
import {
  canonicalQuantity,
  marshalQuantity,
  parseQuantity,
  parseQuantityStrict,
  roundUpQuantity,
  zeroQuantity,
  QUANTITY_FORMAT_ERROR,
  QUANTITY_NUMERIC_ERROR,
  QUANTITY_SUFFIX_ERROR,
} from '../../src/k8s/quantity.js';
import { SidecarsetError } from '../../src/errors.js';

const marshal = (s: string) => marshalQuantity(parseQuantity(s));
const rounded = (s: string) => marshalQuantity(roundUpQuantity(parseQuantity(s), -3));

describe('parseQuantity + marshalQuantity (apimachinery ParseQuantity / MarshalJSON)', () => {
  it.each([
    // canonical-looking input is kept as written
    ['100m', '100m'],
    ['1k', '1k'],
    ['1500m', '1500m'],
    ['1e3', '1e3'],
    ['1E3', '1E3'],
    ['1E', '1E'],
    ['129M', '129M'],
    ['+1', '+1'],
    ['01', '01'],
    ['-1', '-1'],
    ['5.', '5.'],
    ['01Gi', '01Gi'],
    ['10Mi', '10Mi'],
    ['1.Gi', '1.Gi'],
    ['0', '0'],
    // everything else is re-canonicalised
    ['1.5', '1500m'],
    ['-1.5', '-1500m'],
    ['1000', '1k'],
    ['1000m', '1'],
    ['0.1', '100m'],
    ['.5', '500m'],
    ['12e-1', '1200e-3'],
    ['5e-1', '500e-3'],
    ['1000e0', '1e3'],
    ['1000E', '1'], // exponent 21 has no suffix in Go's table
    ['8Mi', '8Mi'],
    ['1024Mi', '1Gi'],
    ['2048Ki', '2Mi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['1.5Ki', '1536'],
    ['0.5Ki', '512'],
    ['0.0001Ki', '102400u'],
    ['7Ei', '7Ei'],
    ['8Ei', '9223372036854775807'], // capped at int64 max
    ['16Ei', '9223372036854775807'],
    ['0Ki', '0'],
    ['0.0', '0'],
    ['00', '0'],
    ['-0', '0'],
    ['.', '0'],
    ['+', '0'],
    // inf.Dec path: more than 18 digits or below nano
    ['1234567890123456789', '1234567890123456789'],
    ['12345678901234567890', '12345678901234567890'],
    ['1.5n', '2n'],
    ['1e-20', '1e-9'],
    ['-1e-20', '-1e-9'],
  ])('%s -> %s', (input, want) => {
    expect(marshal(input)).toBe(want);
  });

  it('trims whitespace like UnmarshalJSON, and keeps the trimmed text', () => {
    expect(marshal(' 100m\n')).toBe('100m');
    expect(marshal('\t1.5 ')).toBe('1500m');
    expect(() => parseQuantityStrict(' 1')).toThrow(SidecarsetError);
  });

  it('keeps the exact value', () => {
    const gi = parseQuantity('1.5Gi');
    expect(gi.format).toBe('BinarySI');
    expect(gi.value * 10n ** BigInt(gi.exp + 1)).toBe(16106127360n);
    expect(parseQuantity('1500m')).toMatchObject({ value: 1500n, exp: -3, format: 'DecimalSI', cached: '1500m' });
    expect(parseQuantity('1.5')).toEqual({ value: 15n, exp: -1, format: 'DecimalSI' });
    expect(parseQuantity('12e-1').format).toBe('DecimalExponent');
  });

  it.each([
    ['', QUANTITY_FORMAT_ERROR],
    ['abc', QUANTITY_FORMAT_ERROR],
    ['1x', QUANTITY_FORMAT_ERROR],
    ['1.2.3', QUANTITY_FORMAT_ERROR],
    ['1KiB', QUANTITY_FORMAT_ERROR],
    ['1 m', QUANTITY_FORMAT_ERROR],
    ['1Ki5', QUANTITY_SUFFIX_ERROR],
    ['1e', QUANTITY_SUFFIX_ERROR],
    ['1kK', QUANTITY_SUFFIX_ERROR],
    ['1mi', QUANTITY_SUFFIX_ERROR],
    ['.e-20', QUANTITY_NUMERIC_ERROR],
  ])('rejects %j', (input, message) => {
    expect(() => parseQuantity(input)).toThrow(message);
  });
});

describe('roundUpQuantity (RoundUp(-3), as SetDefaults_ResourceList does)', () => {
  it.each([
    ['0.0001', '1m'],
    ['-0.0001', '-1m'],
    ['1n', '1m'],
    ['1500u', '2m'],
    ['1.5n', '1m'],
    ['100m', '100m'],
    ['1.5', '1500m'],
    ['+1', '+1'],
    ['01Gi', '01Gi'],
    ['1.0001', '1001m'],
    ['0', '0'],
  ])('%s -> %s', (input, want) => {
    expect(rounded(input)).toBe(want);
  });

  it('drops the kept text only when the value changes', () => {
    expect(roundUpQuantity(parseQuantity('100m'), -3).cached).toBe('100m');
    expect(roundUpQuantity(parseQuantity('1500u'), -3).cached).toBeUndefined();
  });

  it('does not mutate its input', () => {
    const q = parseQuantity('1n');
    roundUpQuantity(q, -3);
    expect(marshalQuantity(q)).toBe('1n');
  });
});

describe('zero and canonical form', () => {
  it('the zero Quantity writes "0"', () => {
    expect(marshalQuantity(zeroQuantity())).toBe('0');
  });
  it('canonicalQuantity ignores the kept text', () => {
    expect(canonicalQuantity(parseQuantity('+1'))).toBe('1');
    expect(canonicalQuantity(parseQuantity('01Gi'))).toBe('1Gi');
    expect(canonicalQuantity({ value: -2048n, exp: 0, format: 'BinarySI' })).toBe('-2Ki');
    expect(canonicalQuantity({ value: -1023n, exp: 0, format: 'BinarySI' })).toBe('-1023');
  });
});
