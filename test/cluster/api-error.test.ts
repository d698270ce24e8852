import { describe, expect, it } from 'vitest';
import { networkCause, redact, statusCause } from '../../src/cluster/api-error.js';
import { backoff, retryAfterMs } from '../../src/cluster/transport.js';

const status = (code: number, reason: string, message: string, details?: object) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message, details });

describe('API failures as one line: the cause from the Status body', () => {
  it('401, 403 with the missing permission, 404, 409, 410', () => {
    expect(statusCause(401, status(401, 'Unauthorized', 'Unauthorized'), { user: 'alice' })).toBe(
      'unauthorized: the server rejected the credentials of user "alice" (log in again, or check the kubeconfig\'s user)',
    );
    const forbidden =
      'pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "apps"';
    expect(statusCause(403, status(403, 'Forbidden', forbidden))).toBe(`forbidden: ${forbidden}`);
    expect(statusCause(404, status(404, 'NotFound', 'pods "web-0" not found'), { named: true })).toBe(
      'not found: pods "web-0" not found',
    );
    expect(statusCause(404, status(404, 'NotFound', 'the server could not find the requested resource'))).toBe(
      'the server does not serve this resource (404)',
    );
    expect(
      statusCause(
        409,
        status(409, 'Conflict', 'Operation cannot be fulfilled on pods "web-0": the object has been modified'),
      ),
    ).toMatch(/^conflict: Operation cannot be fulfilled/);
    expect(statusCause(410, status(410, 'Expired', 'too old resource version: 1 (5)'))).toBe(
      'expired: too old resource version: 1 (5)',
    );
  });

  it('422 keeps the field causes, adding those the message does not list', () => {
    const body = status(422, 'Invalid', 'Pod "web-0" is invalid: spec.containers[0].image: Required value', {
      causes: [
        { field: 'spec.containers[0].image', message: 'Required value', reason: 'FieldValueRequired' },
        { field: 'metadata.labels', message: 'Invalid value: "-x"', reason: 'FieldValueInvalid' },
      ],
    });
    expect(statusCause(422, body)).toBe(
      'invalid: Pod "web-0" is invalid: spec.containers[0].image: Required value [metadata.labels: Invalid value: "-x"]',
    );
  });

  it('429 and 5xx; a body that is not a Status gives its first line', () => {
    expect(statusCause(429, status(429, 'TooManyRequests', 'too many requests, please try again later'))).toBe(
      'too many requests: too many requests, please try again later',
    );
    expect(statusCause(503, 'upstream connect error\nmore')).toBe('server error (HTTP 503): upstream connect error');
    expect(statusCause(418, '')).toBe('HTTP 418');
  });

  it('network failures say what happened and what to check', () => {
    const e = (code: string, message = code) => Object.assign(new Error(message), { code });
    expect(networkCause(e('ECONNREFUSED'), 'https://127.0.0.1:1', 0).cause).toBe(
      'connection refused by https://127.0.0.1:1: is the API server running, and is this the right host and port?',
    );
    expect(networkCause(e('ENOTFOUND'), 'https://nowhere.invalid', 0).cause).toBe(
      'cannot resolve the host of https://nowhere.invalid (DNS lookup failed)',
    );
    expect(networkCause(e('ETIMEDOUT'), 'https://h', 2500).cause).toBe(
      'timed out: no answer from https://h within 2.5s (--request-timeout)',
    );
    expect(
      networkCause(e('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'), 'https://h', 0)
        .cause,
    ).toBe(
      "TLS verification of https://h failed: unable to verify the first certificate (check the cluster's certificate-authority in the kubeconfig)",
    );
  });
});

describe('redaction', () => {
  it('removes every known secret and any bearer token', () => {
    expect(redact('token s3cr3t-token and s3cr3t-token-longer', ['s3cr3t-token', 's3cr3t-token-longer'])).toBe(
      'token [redacted] and [redacted]',
    );
    expect(redact('Authorization: Bearer abc.def-ghi', [])).toBe('Authorization: Bearer [redacted]');
    expect(redact('short ab stays', ['ab'])).toBe('short ab stays');
  });
});

describe('retry timing', () => {
  it('Retry-After in seconds or as a date; backoff grows, with jitter, capped', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
    const inTwo = retryAfterMs(new Date(Date.now() + 2000).toUTCString()) ?? 0;
    expect(inTwo).toBeGreaterThan(0);
    expect(inTwo).toBeLessThanOrEqual(2000);
    for (let i = 0; i < 50; i++) {
      expect(backoff(1)).toBeGreaterThanOrEqual(100);
      expect(backoff(1)).toBeLessThanOrEqual(200);
      expect(backoff(3)).toBeGreaterThanOrEqual(400);
      expect(backoff(20)).toBeLessThanOrEqual(5000);
    }
  });
});
