// `why` against the faithful API server: in-process through `run`, and as a user runs it (a child process).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { InjectionExplanation, ReasonCode } from '../../src/kruise/inject/why.js';
import { startApiServer, type TestApiServer } from '../apiserver/index.js';
import { tempDir } from '../cluster/live.js';
import { cli, ROOT } from './harness.js';
import { readyEndpoints, webhookConfiguration, whyObjects } from './why-cluster.js';

const NO_MWC = 'no-mwc-token-7a6b5c4d3e2f';
const NO_POD = 'no-pod-token-1a2b3c4d5e6f';
const NO_REVISIONS = 'no-revisions-token-9f8e7d6c5b4a';
let api: TestApiServer;
let tmp: ReturnType<typeof tempDir>;
let kubeconfig: string;

beforeAll(async () => {
  const reads = (resources: string[], apiGroups: string[]) => ({ verbs: ['get', 'list'], resources, apiGroups });
  api = await startApiServer({
    objects: whyObjects(),
    kubelet: false,
    tokens: {
      [NO_MWC]: {
        user: 'app-developer',
        rules: [
          reads(['pods', 'namespaces', 'endpoints'], ['']),
          reads(['sidecarsets'], ['apps.kruise.io']),
          reads(['controllerrevisions', 'deployments'], ['apps']),
        ],
      },
      [NO_POD]: { user: 'outsider', rules: [reads(['sidecarsets'], ['apps.kruise.io'])] },
      [NO_REVISIONS]: {
        user: 'no-history',
        rules: [
          reads(['pods', 'namespaces', 'endpoints'], ['']),
          reads(['sidecarsets'], ['apps.kruise.io']),
          reads(['mutatingwebhookconfigurations'], ['admissionregistration.k8s.io']),
        ],
      },
    },
  });
  tmp = tempDir('why');
  kubeconfig = api.writeKubeconfig(tmp.dir);
}, 60_000);

afterAll(async () => {
  await api?.close();
  tmp?.remove();
});

async function why(
  target: string,
  ...more: string[]
): Promise<{ code: number; stderr: string; explanation: InjectionExplanation }> {
  const r = await cli(['why', target, '--kubeconfig', kubeconfig, '-o', 'json', ...more]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return { code: r.code, stderr: r.stderr, explanation: JSON.parse(r.stdout) as InjectionExplanation };
}

function codesOf(e: InjectionExplanation, sidecarSet: string): ReasonCode[] {
  return (e.sidecarSets.find((s) => s.name === sidecarSet)?.reasons ?? []).map((r) => r.code);
}

describe('why: the webhook layer', () => {
  it('a kube-system Pod is excluded by the namespaceSelector of the chart webhook', async () => {
    const { explanation: e } = await why('pod/web-system', '-n', 'kube-system');
    expect(e).toMatchObject({
      apiVersion: 'kubectl-sidecarset/v1',
      kind: 'InjectionExplanation',
      target: { kind: 'Pod', namespace: 'kube-system', name: 'web-system' },
    });
    expect(e.webhook).toMatchObject({
      admits: false,
      configuration: 'kruise-mutating-webhook-configuration',
      name: 'mpod.kb.io',
      failurePolicy: 'Fail',
    });
    expect(e.webhook.reasons.map((r) => r.code)).toEqual(['WebhookNamespaceExcluded']);
    expect(e.sidecarSets.find((s) => s.name === 'log-agent')?.newPod).toBe('notInjected');
  });

  it('an objectSelector the Pod does not match', async () => {
    const configuration = webhookConfiguration() as unknown as { webhooks: { objectSelector?: unknown }[] };
    configuration.webhooks[0].objectSelector = { matchLabels: { 'sidecar-injection': 'enabled' } };
    api.store.put(configuration as never);
    try {
      const { explanation: e } = await why('pod/web-early');
      expect(e.webhook.reasons.map((r) => r.code)).toEqual(['WebhookObjectExcluded']);
    } finally {
      api.store.put(webhookConfiguration());
    }
  });

  it('no webhook installed', async () => {
    api.store.delete(
      'mutatingwebhookconfigurations.admissionregistration.k8s.io',
      undefined,
      'kruise-mutating-webhook-configuration',
    );
    try {
      const { explanation: e } = await why('pod/web-early');
      expect(e.webhook).toMatchObject({
        admits: false,
        reasons: [{ code: 'WebhookConfigurationMissing', effect: 'blocks' }],
      });
    } finally {
      api.store.put(webhookConfiguration());
    }
  });

  it('no ready endpoints: with failurePolicy Fail, a Pod created now is rejected', async () => {
    api.store.put(readyEndpoints(false));
    try {
      const { explanation: e } = await why('pod/web-early');
      expect(e.webhook.reasons).toEqual([
        expect.objectContaining({ code: 'WebhookNoReadyEndpoints', effect: 'rejects' }),
      ]);
      expect(e.sidecarSets.find((s) => s.name === 'log-agent')?.newPod).toBe('rejected');
    } finally {
      api.store.put(readyEndpoints(true));
    }
  });

  it('RBAC denial on the MutatingWebhookConfiguration degrades to a note', async () => {
    const config = api.writeKubeconfig(tmp.dir, { token: NO_MWC, fileName: 'no-mwc' });
    const r = await cli(['why', 'pod/web-early', '--kubeconfig', config, '-o', 'json']);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout) as InjectionExplanation;
    expect(e.webhook).toMatchObject({
      admits: 'unknown',
      reasons: [{ code: 'WebhookUnchecked', effect: 'unchecked' }],
    });
    expect(e.notes.join('\n')).toMatch(
      /MutatingWebhookConfiguration "kruise-mutating-webhook-configuration" could not be read \(.*forbidden/,
    );
    expect(e.sidecarSets.find((s) => s.name === 'log-agent')).toMatchObject({
      newPod: 'unknown',
      reasons: [{ code: 'CreatedBeforeSidecarSet' }, { code: 'Matched' }],
    });
  });
});

describe('why: unreadable ControllerRevisions', () => {
  it('leave a pinned revision unchecked, with a note', async () => {
    const config = api.writeKubeconfig(tmp.dir, { token: NO_REVISIONS, fileName: 'no-revisions' });
    const r = await cli(['why', 'pod/pinned-pod', '--kubeconfig', config, '-o', 'json']);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout) as InjectionExplanation;
    expect(e.webhook.admits).toBe(true);
    expect(e.sidecarSets.find((s) => s.name === 'pinned-agent')).toMatchObject({
      newPod: 'unknown',
      reasons: [{ code: 'RevisionPinned', effect: 'unchecked' }],
    });
    expect(e.notes).toEqual([
      expect.stringMatching(/^the ControllerRevisions in kruise-system could not be read \(.*forbidden/),
    ]);
  });
});

describe('why: time and the SidecarSet rules', () => {
  it('a Pod created before the SidecarSet', async () => {
    const { explanation: e } = await why('pod/web-early');
    expect(e.webhook.admits).toBe(true);
    expect(e.sidecarSets.find((s) => s.name === 'log-agent')).toMatchObject({ injected: false, newPod: 'injected' });
    expect(codesOf(e, 'log-agent')).toEqual(['CreatedBeforeSidecarSet', 'Matched']);
  });

  it('a Pod injected at an older revision, and what a render now changes', async () => {
    const { explanation: e } = await why('pod/web-old');
    const s = e.sidecarSets.find((x) => x.name === 'log-agent')!;
    expect(s.injected).toBe(true);
    expect(codesOf(e, 'log-agent')[0]).toBe('InjectedOlderRevision');
    expect(s.podRevision?.hash).not.toBe(s.revision.hash);
    expect(s.render.parts.find((p) => p.kind === 'container')).toMatchObject({
      name: 'log-agent',
      change: 'changed',
      live: 'log-agent:1.0',
      rendered: 'log-agent:1.1',
    });
  });

  it('an injected Pod: what it got', async () => {
    const { explanation: e } = await why('pod/web-injected');
    const s = e.sidecarSets.find((x) => x.name === 'log-agent')!;
    expect(s).toMatchObject({ injected: true, newPod: 'injected' });
    expect(codesOf(e, 'log-agent')).toEqual(['InjectedCurrentRevision', 'Matched']);
    expect(s.render.parts.map((p) => `${p.change} ${p.kind} ${p.name}`)).toContain('unchanged container log-agent');
    expect(s.render.parts.every((p) => p.change === 'unchanged')).toBe(true);
  });

  it('selector mismatch, paused injection, pinned revision', async () => {
    expect(codesOf((await why('pod/other')).explanation, 'log-agent')).toEqual(['SelectorMismatch']);
    expect(codesOf((await why('pod/paused-pod')).explanation, 'paused-agent')).toEqual(['Paused']);
    const pinned = (await why('pod/pinned-pod')).explanation;
    expect(codesOf(pinned, 'pinned-agent')).toEqual(['RevisionPinned', 'Matched']);
    const s = pinned.sidecarSets.find((x) => x.name === 'pinned-agent')!;
    expect(s.render.revision).toBe('pinned-agent-rev1');
    expect(s.render.parts.find((p) => p.kind === 'container')).toMatchObject({ name: 'log-agent', change: 'added' });
  });

  it('a Deployment: its template, as a Pod created now', async () => {
    const { explanation: e } = await why('deployment/web');
    expect(e.target).toEqual({ kind: 'Deployment', namespace: 'default', name: 'web', template: true });
    expect(codesOf(e, 'log-agent')).toEqual(['Matched']);
    expect(e.sidecarSets.find((s) => s.name === 'log-agent')?.newPod).toBe('injected');
  });

  it('text and yaml', async () => {
    const text = await cli(['why', 'pod/web-early', '--kubeconfig', kubeconfig]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      "Kruise's Pod webhook sees the Pod (kruise-mutating-webhook-configuration mpod.kb.io, failurePolicy Fail)",
    );
    expect(text.stdout).toContain('SidecarSet log-agent: not injected; a Pod created now is injected');
    expect(text.stdout).toContain(
      '  - CreatedBeforeSidecarSet: the Pod was created (2024-01-01T00:00:00Z) before SidecarSet "log-agent"',
    );
    const yaml = await cli(['why', 'pod/web-early', '--kubeconfig', kubeconfig, '-o', 'yaml']);
    expect(parse(yaml.stdout)).toEqual(
      JSON.parse((await cli(['why', 'pod/web-early', '--kubeconfig', kubeconfig, '-o', 'json'])).stdout),
    );
  });
});

describe('why: failures are one line', () => {
  it('object not found, RBAC denial on the object, bad usage', async () => {
    const missing = await cli(['why', 'pod/nope', '--kubeconfig', kubeconfig]);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(
      /^error: cannot get pods "nope" in namespace "default" on https:\/\/127\.0\.0\.1:\d+: not found: pods "nope" not found\n$/,
    );
    const denied = await cli([
      'why',
      'pod/web-early',
      '--kubeconfig',
      api.writeKubeconfig(tmp.dir, { token: NO_POD, fileName: 'no-pod' }),
    ]);
    expect(denied.code).toBe(1);
    expect(denied.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(denied.stderr).toContain('forbidden');
    const usage = await cli(['why', 'web-early', '--kubeconfig', kubeconfig]);
    expect(usage.code).toBe(2);
    expect((await cli(['why', 'pod/x', '-o', 'wide', '--kubeconfig', kubeconfig])).code).toBe(2);
  });

  it('Kruise not installed', async () => {
    const bare = await startApiServer({ sidecarSetVersions: null, kubelet: false });
    try {
      const r = await cli(['why', 'pod/x', '--kubeconfig', bare.writeKubeconfig(tmp.dir, { fileName: 'bare' })]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: OpenKruise is not installed in this cluster/);
    } finally {
      await bare.close();
    }
  });

  it('a v1alpha1-only server', async () => {
    const old = await startApiServer({
      sidecarSetVersions: ['v1alpha1'],
      objects: whyObjects('apps.kruise.io/v1alpha1'),
      kubelet: false,
    });
    try {
      const r = await cli([
        'why',
        'pod/web-early',
        '-o',
        'json',
        '--kubeconfig',
        old.writeKubeconfig(tmp.dir, { fileName: 'old' }),
      ]);
      expect(r.stderr).toBe('');
      const e = JSON.parse(r.stdout) as InjectionExplanation;
      expect(codesOf(e, 'log-agent')).toEqual(['CreatedBeforeSidecarSet', 'Matched']);
      expect(old.requests.some((q) => q.path.startsWith('/apis/apps.kruise.io/v1alpha1/sidecarsets'))).toBe(true);
    } finally {
      await old.close();
    }
  });
});

describe('why: as a user runs it', () => {
  it('the real CLI as a child process', async () => {
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          path.join(ROOT, 'bin/kubectl-sidecarset'),
          'why',
          'pod/web-system',
          '-n',
          'kube-system',
          '-o',
          'json',
          '--kubeconfig',
          kubeconfig,
        ],
        { env: { PATH: process.env.PATH, HOME: tmp.dir }, encoding: 'utf8' },
        (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as InjectionExplanation).webhook.reasons.map((x) => x.code)).toEqual([
      'WebhookNamespaceExcluded',
    ]);
  });
});
