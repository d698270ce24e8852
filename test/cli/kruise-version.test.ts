// --kruise-version and --feature-gates as a user gives them; the Pod webhook's scope from the chart or from
// Kruise's MutatingWebhookConfiguration given with the inputs.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { cli } from './harness.js';

const sidecarSet = {
  apiVersion: 'apps.kruise.io/v1beta1',
  kind: 'SidecarSet',
  metadata: { name: 'log' },
  spec: { selector: { matchLabels: { app: 'web' } }, containers: [{ name: 'log-agent', image: 'log:1' }] },
};
const pod = (namespace: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace, labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image: 'app:1' }] },
});
const yaml = (...objects: object[]) => objects.map((o) => stringify(o)).join('---\n');

describe('--kruise-version and --feature-gates', () => {
  it('every command takes them and --help names the modelled versions', async () => {
    for (const command of ['inject', 'validate', 'plan-rollout', 'status', 'why']) {
      const r = await cli([command, '--help']);
      expect(r.stdout, command).toContain('--kruise-version');
      expect(r.stdout, command).toContain('v1.9.0, master');
      expect(r.stdout, command).toContain('--feature-gates');
    }
  });

  it('refuses a version it does not model, with the list of those it does (exit 2)', async () => {
    const r = await cli(['inject', '--kruise-version', 'v1.8.4', '-f', '-'], { stdin: yaml(sidecarSet, pod('apps')) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Kruise version "v1.8.4" is not supported; supported versions: v1.9.0, master');
  });

  it("words a bad gate as Kruise's manager would", async () => {
    const r = await cli(['validate', '--feature-gates', 'NoSuchGate=true', '-f', '-'], { stdin: yaml(sidecarSet) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'invalid argument "NoSuchGate=true" for "--feature-gates" flag: unrecognized feature gate: NoSuchGate',
    );
  });

  it('PodWebhook=false injects nothing and says why', async () => {
    const r = await cli(['inject', '--feature-gates', 'PodWebhook=false', '-f', '-'], {
      stdin: yaml(sidecarSet, pod('apps')),
    });
    expect(r.code).toBe(0);
    expect(r.stdout.split('name: log-agent').length - 1).toBe(1); // the SidecarSet's own, printed unchanged
    expect(r.stderr).toContain('PodWebhookMissing');
  });
});

describe("inject and the Pod webhook's scope", () => {
  it('leaves a kube-system Pod untouched, naming the namespaceSelector', async () => {
    const r = await cli(['inject', '-f', '-'], { stdin: yaml(sidecarSet, pod('kube-system')) });
    expect(r.code).toBe(0);
    expect(r.stdout.split('name: log-agent').length - 1).toBe(1); // the SidecarSet's own, printed unchanged
    expect(r.stderr).toContain('WebhookNamespaceExcluded (webhook mpod.kb.io excludes namespace kube-system');
  });

  it("takes Kruise's MutatingWebhookConfiguration with --sidecarsets and uses its selectors", async () => {
    const mwc = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'kruise-mutating-webhook-configuration' },
      webhooks: [
        {
          name: 'mpod.kb.io',
          clientConfig: {
            service: { name: 'kruise-webhook-service', namespace: 'kruise-system', path: '/mutate-pod' },
          },
          namespaceSelector: {
            matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['apps'] }],
          },
          rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
        },
      ],
    };
    const r = await cli(['inject', '-f', '-'], { stdin: yaml(mwc, sidecarSet, pod('apps')) });
    expect(r.code).toBe(0);
    expect(r.stdout.split('name: log-agent').length - 1).toBe(1); // the SidecarSet's own, printed unchanged
    expect(r.stderr).toContain('excludes namespace apps');
  });
});
