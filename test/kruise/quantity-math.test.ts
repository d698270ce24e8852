// apimachinery Quantity arithmetic as Kruise's calculator and resourcesPolicy use it.
import { describe, expect, it } from 'vitest';
import {
  INT64_MAX,
  INT64_MIN,
  add,
  cmp,
  float64ToInt64,
  goZeroQuantity,
  milliValue,
  neg,
  newMilliQuantity,
  newQuantity,
  parseGoQuantity,
  quantityString,
  setMilli,
  type GoQuantity,
} from '../../src/k8s/quantity-math.js';

const p = parseGoQuantity;
const s = (q: GoQuantity) => quantityString(q);

describe('parseGoQuantity: which internal form apimachinery keeps', () => {
  it.each([
    ['100m', false],
    ['123', false],
    ['1Gi', false],
    ['999999999999999999', false],
    ['1.5Gi', true], // a binary suffix with a fraction
    ['0.0000000001', true], // finer than nano
    ['1e-10', true],
    ['1234567890123456789', true], // more than 18 digits
    ['10000000000000Ki', true], // too many digits for the binary fast path
    ['1Ei', true],
  ])('%s held as inf.Dec: %s', (text, dec) => expect(p(text).dec).toBe(dec));

  it('keeps the inf.Dec at nano scale, as inf.Dec.Round leaves it', () => {
    expect(p('1.5Gi')).toMatchObject({ value: 1610612736000000000n, exp: -9, dec: true });
    expect(s(p('1.5Gi'))).toBe('1536Mi');
  });

  it('keeps the text Go keeps', () => {
    expect(p('100m').cached).toBe('100m');
    expect(p(' 01 ').cached).toBe('01');
    expect(p('1.5').cached).toBeUndefined();
  });
});

describe('add (Quantity.Add)', () => {
  it('gives a zero receiver the format of what is added', () => {
    expect(s(add(newQuantity(0n, 'DecimalSI'), p('1Gi')))).toBe('1Gi');
    expect(s(add(goZeroQuantity(), p('100m')))).toBe('100m');
    expect(add(p('1Gi'), p('1G')).format).toBe('BinarySI');
  });

  it('aligns scales in int64 and drops the kept text', () => {
    const sum = add(p('1'), p('500m'));
    expect(sum).toMatchObject({ value: 1500n, exp: -3, dec: false });
    expect(sum.cached).toBeUndefined();
    expect(s(add(p('1Gi'), p('100Mi')))).toBe('1124Mi');
  });

  it('falls back to inf.Dec on int64 overflow, exactly', () => {
    const sum = add(p('9P'), p('9P'));
    expect(sum).toMatchObject({ value: 18n, exp: 15, dec: false });
    const big = add(p('10P'), p('1m'));
    expect(big.dec).toBe(true);
    expect(big.value).toBe(10n ** 19n + 1n);
    expect(big.exp).toBe(-3);
    expect(s(big)).toBe('10000000000000000001m');
  });

  it('subtracts through neg', () => {
    expect(s(add(p('50m'), neg(p('100m'))))).toBe('-50m');
    expect(neg(newMilliQuantity(INT64_MIN, 'DecimalSI')).value).toBe(INT64_MIN);
  });
});

describe('cmp (Quantity.Cmp)', () => {
  it.each([
    ['1', '1000m', 0],
    ['1Gi', '1G', 1],
    ['-1', '1m', -1],
    ['1P', '999999999999999999m', 1],
    ['0', '0m', 0],
    ['1e18', '1n', 1],
    ['-2', '-1', -1],
  ])('%s vs %s -> %d', (a, b, want) => expect(cmp(p(a), p(b))).toBe(want));
});

describe('milliValue (Quantity.MilliValue)', () => {
  it('rounds away from zero in the int64 form', () => {
    expect(milliValue(p('1n'))).toBe(1n);
    expect(milliValue(p('-1n'))).toBe(-1n);
    expect(milliValue(p('1000u'))).toBe(1n);
    expect(milliValue(p('1001u'))).toBe(2n);
    expect(milliValue(p('-1001u'))).toBe(-2n);
    expect(milliValue(p('2'))).toBe(2000n);
  });

  it('returns what Go returns on int64 overflow', () => {
    expect(milliValue(p('9P'))).toBe(9n * 10n ** 18n);
    // scale 18 is not special-cased: overflow gives 0
    expect(milliValue(p('10P'))).toBe(0n);
    // scale 3 is: the product wraps
    expect(milliValue(p('9999999999999999'))).toBe(BigInt.asIntN(64, 9999999999999999000n));
  });

  it('follows scaledValue for the inf.Dec form', () => {
    expect(milliValue(p('1.5Gi'))).toBe(1610612736000n);
    expect(milliValue(p('0.0000000001'))).toBe(1n);
    // negative inf.Dec values take the truncating fast path, then +1
    expect(milliValue(p('-0.0000000001'))).toBe(1n);
    expect(milliValue(p('-1.5Gi'))).toBe(-1610612736000n);
    // beyond int64, the exact result is cut to 64 bits
    expect(milliValue(p('9223372036854775807000'))).toBe(BigInt.asIntN(64, 9223372036854775807000000n));
  });
});

describe('constructors', () => {
  it('NewQuantity, NewMilliQuantity and SetMilli', () => {
    expect(s(newQuantity(0n, 'DecimalSI'))).toBe('0');
    expect(s(newMilliQuantity(1500n, 'DecimalSI'))).toBe('1500m');
    const q = setMilli(p('1Gi'), 3221225472000n);
    expect(q).toMatchObject({ format: 'BinarySI', dec: false });
    expect(s(q)).toBe('3Gi');
    expect(setMilli(p('100m'), 100n).cached).toBeUndefined();
  });

  it('prints the zero Quantity{} (Format "") as 0 and a non-zero one in exponent form', () => {
    expect(s(goZeroQuantity())).toBe('0');
    expect(s(setMilli(goZeroQuantity(), INT64_MIN))).toBe('-9223372036854775808e-3');
  });
});

describe('float64ToInt64 (Go int64(f) on amd64)', () => {
  it.each<[number, bigint]>([
    [1.9, 1n],
    [-1.9, -1n],
    [0.1 * 1000, 100n],
    [0.3 * 629145600000, 188743680000n],
    [NaN, INT64_MIN],
    [Infinity, INT64_MIN],
    [-Infinity, INT64_MIN],
    [2 ** 63, INT64_MIN],
    [-(2 ** 63), INT64_MIN],
    [2 ** 62, 2n ** 62n],
  ])('%d -> %d', (f, want) => expect(float64ToInt64(f)).toBe(want));

  it('stays within int64', () => {
    expect(float64ToInt64(9.2e18) <= INT64_MAX).toBe(true);
  });
});
