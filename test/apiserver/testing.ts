// Helpers for tests of and with the test API server: a client for it, a temporary directory, and polling.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import type { KubeconfigOptions, TestApiServer } from './index.js';

export function tempDir(prefix = 'apiserver-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A KubeConfig loaded from a real kubeconfig file that the server wrote. */
export function kubeConfigFor(api: TestApiServer, dir: string, options: KubeconfigOptions = {}): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(api.writeKubeconfig(dir, options));
  return kc;
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The Status body of a failed client call. */
export async function statusOf(
  call: Promise<unknown>,
): Promise<{ code: number; body: any; headers: Record<string, string> }> {
  try {
    await call;
  } catch (e) {
    const error = e as { code?: number; body?: unknown; headers?: Record<string, string> };
    if (typeof error.code !== 'number') throw e;
    const body = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    return { code: error.code, body, headers: error.headers ?? {} };
  }
  throw new Error('the call succeeded');
}

export interface RawOptions {
  method?: string;
  /** the bearer token; default the admin token, null for none */
  token?: string | null;
  body?: string;
  contentType?: string;
  /** give up (reject) after this long without an answer */
  timeoutMs?: number;
}

/** One HTTPS request to the server, below any client library: status, parsed JSON body, headers. */
export function rawRequest(api: TestApiServer, path: string, options: RawOptions = {}) {
  return new Promise<{ status: number; body: any; headers: Record<string, unknown> }>((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.token !== null) headers.Authorization = `Bearer ${options.token ?? api.token}`;
    if (options.contentType) headers['Content-Type'] = options.contentType;
    const req = request(new URL(api.url + path), { method: options.method ?? 'GET', ca: api.caPem, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined, headers: res.headers }),
      );
    });
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The Status body Kubernetes writes for a failure, keys in its order (`details` left out when undefined). */
export function failureStatus(
  code: number,
  reason: string | undefined,
  message: string,
  details?: Record<string, unknown>,
): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    details,
    code,
  });
}
