import { describe, expect, it } from 'vitest';
import { parseRequestTimeout } from '../../src/cluster/request-timeout.js';
import { UsageError } from '../../src/errors.js';

describe('--request-timeout, as kubectl reads it', () => {
  it('0 and empty mean none; a bare number is seconds; otherwise a Go duration', () => {
    expect(parseRequestTimeout(undefined)).toBe(0);
    expect(parseRequestTimeout('0')).toBe(0);
    expect(parseRequestTimeout('0s')).toBe(0);
    expect(parseRequestTimeout('30')).toBe(30_000);
    expect(parseRequestTimeout('30s')).toBe(30_000);
    expect(parseRequestTimeout('1m')).toBe(60_000);
    expect(parseRequestTimeout('1m30s')).toBe(90_000);
    expect(parseRequestTimeout('1.5s')).toBe(1500);
    expect(parseRequestTimeout('250ms')).toBe(250);
    expect(parseRequestTimeout('1h')).toBe(3_600_000);
    expect(parseRequestTimeout('1us')).toBe(1);
  });

  it('rejects what kubectl rejects, as a usage error', () => {
    for (const bad of ['abc', '5x', '1.5', '-1', '-5s', 's']) {
      expect(() => parseRequestTimeout(bad), bad).toThrow(UsageError);
    }
    expect(() => parseRequestTimeout('5x')).toThrow(
      'invalid --request-timeout "5x": must be a single integer in seconds, or an integer followed by a time unit (e.g. 1s | 2m | 3h)',
    );
  });
});
