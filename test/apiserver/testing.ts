// Helpers for tests of and with the test API server: a client for it, a temporary directory, and polling.
import { mkdtempSync, rmSync } from 'node:fs';
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
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The Status body of a failed client call. */
export async function statusOf(call: Promise<unknown>): Promise<{ code: number; body: any; headers: Record<string, string> }> {
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
