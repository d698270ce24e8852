// Runs the Argo CD plugin's generate command as the CMP server does: in the application's source directory,
// with ARGOCD_APP_* and the Application's plugin env (prefixed ARGOCD_ENV_), reading the manifests it prints.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, onPath, ROOT } from './harness.js';
import { readmeBlocks } from './readme-recipes.js';

interface Plugin {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: { version: string; generate: { command: string[]; args?: string[] } };
}

const plugin = parse(readFileSync(path.join(ROOT, 'integrations/argocd/plugin.yaml'), 'utf8')) as Plugin;

interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: { template?: { spec: { containers: { name: string }[] } } };
}

let dir: string;
let bin: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sidecarset-argocd-'));
  bin = path.join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(path.join(ROOT, 'bin/kubectl-sidecarset'), path.join(bin, 'kubectl-sidecarset'));
  // the repo-server image's kustomize: kubectl's embedded one stands in for it
  writeFileSync(path.join(bin, 'kustomize'), '#!/bin/sh\n[ "$1" = build ] && shift\nexec kubectl kustomize "$@"\n', {
    mode: 0o755,
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An application source: the nginx Deployment and the SidecarSets where the README's Application says. */
function source(name: string): string {
  const root = path.join(dir, name);
  mkdirSync(path.join(root, 'platform/sidecarsets'), { recursive: true });
  cpSync(
    path.join(ROOT, fixture('efk', 'filebeat-sidecarset.yaml')),
    path.join(root, 'platform/sidecarsets/filebeat.yaml'),
  );
  cpSync(path.join(ROOT, fixture('efk', 'nginx-deployment.yaml')), path.join(root, 'deployment.yaml'));
  return root;
}

function generate(cwd: string, appEnv: Record<string, string>) {
  const [command, ...args] = [...plugin.spec.generate.command, ...(plugin.spec.generate.args ?? [])];
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: [bin, path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter),
      HOME: dir,
      SOURCE_DATE_EPOCH: '1700000000',
      ARGOCD_APP_NAME: 'web',
      ARGOCD_APP_NAMESPACE: 'shop',
      ...appEnv,
    },
  });
}

function docs(text: string): Doc[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Doc | null)
    .filter((d): d is Doc => d !== null);
}

/** The env the README's Application example gives the plugin. */
function readmeAppEnv(): Record<string, string> {
  const app = parse(readmeBlocks('Argo CD config-management plugin')[1]) as {
    spec: { source: { plugin: { name: string; env: { name: string; value: string }[] } } };
  };
  expect(app.spec.source.plugin.name).toBe(`${plugin.metadata.name}-${plugin.spec.version}`);
  return Object.fromEntries(app.spec.source.plugin.env.map((e) => [`ARGOCD_ENV_${e.name}`, e.value]));
}

describe('Argo CD config-management plugin (integrations/argocd/plugin.yaml)', () => {
  it('is a ConfigManagementPlugin with a generate command', () => {
    expect(plugin).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ConfigManagementPlugin',
      metadata: { name: 'kubectl-sidecarset' },
    });
    expect(plugin.spec.version).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(plugin.spec.generate.command).toEqual(['sh', '-c']);
    expect(readmeBlocks('Argo CD config-management plugin')[0]).toContain(
      '--from-file=plugin.yaml=integrations/argocd/plugin.yaml',
    );
  });

  it('plain manifests: prints them injected, without the SidecarSets, in the app namespace', () => {
    const r = generate(source('plain'), readmeAppEnv());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = docs(r.stdout);
    expect(out.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['Deployment/nginx']);
    expect(out[0].spec?.template?.spec.containers.map((c) => c.name)).toEqual(['filebeat', 'nginx']);
  });

  it.skipIf(!onPath('kubectl'))(
    'a kustomization: renders it with kustomize build first (needs kubectl on PATH)',
    () => {
      const root = source('kustomized');
      writeFileSync(
        path.join(root, 'kustomization.yaml'),
        'namespace: shop\nnamePrefix: prod-\nresources:\n- deployment.yaml\n',
      );
      const r = generate(root, readmeAppEnv());
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = docs(r.stdout);
      expect(out.map((d) => `${d.kind}/${d.metadata.namespace}/${d.metadata.name}`)).toEqual([
        'Deployment/shop/prod-nginx',
      ]);
      expect(out[0].spec?.template?.spec.containers.map((c) => c.name)).toEqual(['filebeat', 'nginx']);
    },
  );

  it('fails, printing nothing, when the source does not render', () => {
    const root = source('broken');
    writeFileSync(path.join(root, 'deployment.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: [oops\n');
    const r = generate(root, readmeAppEnv());
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: /);
  });
});
