// Helm is not installed here: these tests do what Helm does with a post-renderer. Helm 3 runs the executable
// named by --post-renderer (looked up on PATH) with the --post-renderer-args, writes the rendered chart to its
// stdin and reads the manifests back from its stdout; Helm 4 runs a postrenderer/v1 plugin's platformCommand the
// same way, with the --post-renderer-args appended to the command's args.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, ROOT } from './harness.js';
import { readmeBlocks, shellWords } from './readme-recipes.js';

const FILENAME = 'postrenderer.helm.sh/postrender-filename';

/** One chart file as Helm renders it. */
interface Template {
  file: string;
  body: string;
}

const TEMPLATES: Template[] = [
  {
    file: 'templates/configmap.yaml',
    body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  mode: "0644"\n  enabled: yes\n',
  },
  {
    file: 'templates/deployment.yaml',
    body: readFileSync(path.join(ROOT, fixture('efk', 'nginx-deployment.yaml')), 'utf8').replace(/^#.*\n/gm, ''),
  },
  {
    file: 'templates/tests/test-connection.yaml',
    body:
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "web-test-connection"\n  labels:\n    kruise.io/inject-filebeat: "true"\n' +
      '  annotations:\n    "helm.sh/hook": test\n    "helm.sh/hook-delete-policy": hook-succeeded\nspec:\n' +
      '  containers:\n    - name: wget\n      image: busybox\n      command: [wget]\n      args: ["web:80"]\n  restartPolicy: Never\n',
  },
  {
    file: 'templates/job-migrate.yaml',
    body:
      'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: web-migrate\n  annotations:\n    helm.sh/hook: pre-install,pre-upgrade\n    helm.sh/hook-weight: "-5"\n' +
      'spec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: migrate\n        image: web:1.0\n',
  },
];

/** Helm's annotation, added at the end of metadata.annotations (creating it when absent). */
function annotate(t: Template): string {
  const lines = t.body.trimEnd().split('\n');
  const meta = lines.indexOf('metadata:');
  const ann = lines.findIndex((l, i) => i > meta && l === '  annotations:');
  const entry = `    ${FILENAME}: '${t.file}'`;
  if (ann >= 0) {
    let end = ann + 1;
    while (end < lines.length && lines[end].startsWith('    ')) end++;
    lines.splice(end, 0, entry);
  } else {
    lines.splice(meta + 1, 0, '  annotations:', entry);
  }
  return lines.join('\n') + '\n';
}

/** Helm 3: `---`, a `# Source:` comment per template, and (3.18 on) the file-name annotation. */
function helm3Stream(): string {
  return TEMPLATES.map((t) => `---\n# Source: web/${t.file}\n${annotate(t)}`).join('');
}

/** Helm 4: the annotated documents joined by `---`, no comments. */
function helm4Stream(): string {
  return TEMPLATES.map(annotate).join('---\n');
}

interface Doc {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

function containersOf(doc: Doc): string[] {
  const spec = (doc.kind === 'Pod' ? doc.spec : (doc.spec.template as { spec: Record<string, unknown> }).spec) as {
    containers: { name: string }[];
  };
  return spec.containers.map((c) => c.name);
}

/** What Helm does with the output: split it back per template by the annotation. */
function splitByFile(output: string): Map<string, Doc[]> {
  const byFile = new Map<string, Doc[]>();
  for (const d of parseAllDocuments(output)) {
    const doc = d.toJS() as Doc | null;
    if (!doc) continue;
    const file = doc.metadata.annotations?.[FILENAME] ?? '';
    byFile.set(file, [...(byFile.get(file) ?? []), doc]);
  }
  return byFile;
}

let dir: string;
let bin: string;
const env = () => ({
  PATH: [bin, path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter),
  HOME: dir,
  SOURCE_DATE_EPOCH: '1700000000',
});

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sidecarset-helm-'));
  bin = path.join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(path.join(ROOT, 'bin/kubectl-sidecarset'), path.join(bin, 'kubectl-sidecarset'));
  mkdirSync(path.join(dir, 'platform/sidecarsets'), { recursive: true });
  cpSync(
    path.join(ROOT, fixture('efk', 'filebeat-sidecarset.yaml')),
    path.join(dir, 'platform/sidecarsets/filebeat.yaml'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The values of a repeatable flag, in both spellings (`--flag value`, `--flag=value`). */
function flagValues(words: string[], flag: string): string[] {
  const out: string[] = [];
  words.forEach((w, i) => {
    if (w === flag) out.push(words[i + 1]);
    else if (w.startsWith(`${flag}=`)) out.push(w.slice(flag.length + 1));
  });
  return out;
}

function expectInjected(output: string, input: string): void {
  const byFile = splitByFile(output);
  expect([...byFile.keys()].sort()).toEqual(TEMPLATES.map((t) => t.file).sort());
  const one = (file: string) => byFile.get(file)![0];
  expect(containersOf(one('templates/deployment.yaml'))).toEqual(['filebeat', 'nginx']);
  const hook = one('templates/tests/test-connection.yaml');
  expect(hook.metadata.annotations).toMatchObject({
    'helm.sh/hook': 'test',
    'helm.sh/hook-delete-policy': 'hook-succeeded',
  });
  expect(containersOf(hook)).toEqual(['filebeat', 'wget']);
  const job = one('templates/job-migrate.yaml');
  expect(job.metadata.annotations).toMatchObject({
    'helm.sh/hook': 'pre-install,pre-upgrade',
    'helm.sh/hook-weight': '-5',
  });
  expect(containersOf(job)).toEqual(['migrate']);
  // documents no SidecarSet touches come back exactly as they went in
  const configMap = annotate(TEMPLATES[0]);
  expect(input).toContain(configMap);
  expect(output).toContain(configMap);
}

describe('Helm 3 post-renderer (README recipe)', () => {
  it('injects the chart Helm pipes through it; comments, hooks and Helm annotations survive', () => {
    const words = shellWords(readmeBlocks('Helm 3 post-renderer')[0]);
    expect(words.slice(0, 2)).toEqual(['helm', 'install']);
    const [renderer] = flagValues(words, '--post-renderer');
    const args = flagValues(words, '--post-renderer-args');
    expect(renderer).toBe('kubectl-sidecarset');
    expect(args).toEqual(['inject', '-f', '-', '--sidecarsets=platform/sidecarsets/', '-q']);
    const input = helm3Stream();
    const r = spawnSync(renderer, args, { cwd: dir, env: env(), input, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const t of TEMPLATES) expect(r.stdout).toContain(`# Source: web/${t.file}\n`);
    expectInjected(r.stdout, input);
  });

  it('fails without output when a SidecarSet is broken, so Helm stops', () => {
    const broken = path.join(dir, 'broken.yaml');
    cpSync(path.join(ROOT, fixture('efk', 'filebeat-sidecarset.yaml')), broken);
    const r = spawnSync(
      'kubectl-sidecarset',
      ['inject', '-f', '-', `--sidecarsets=${broken}`, '--sidecarsets=platform/sidecarsets/'],
      {
        cwd: dir,
        env: env(),
        input: helm3Stream(),
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: .*SidecarSet "filebeat-sidecarset" is given twice/);
  });
});

describe('Helm 4 postrenderer/v1 plugin (integrations/helm/sidecarset)', () => {
  const pluginDir = path.join(ROOT, 'integrations/helm/sidecarset');
  const plugin = parse(readFileSync(path.join(pluginDir, 'plugin.yaml'), 'utf8')) as {
    apiVersion: string;
    type: string;
    name: string;
    version: string;
    runtime: string;
    runtimeConfig: { platformCommand: { os?: string; arch?: string; command: string; args?: string[] }[] };
  };

  it('is a v1 postrenderer plugin with a subprocess command for every platform', () => {
    expect(plugin).toMatchObject({
      apiVersion: 'v1',
      type: 'postrenderer/v1',
      name: 'sidecarset',
      runtime: 'subprocess',
    });
    expect(plugin.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(plugin.runtimeConfig.platformCommand).toEqual([
      { command: 'kubectl-sidecarset', args: ['inject', '-f', '-'] },
    ]);
  });

  it('runs as Helm 4 runs it, with the README recipe post-renderer args appended', () => {
    const [install, use] = readmeBlocks('Helm 4 post-renderer plugin')[0].trim().split('\n');
    expect(install).toBe('helm plugin install integrations/helm/sidecarset');
    expect(existsSync(path.join(ROOT, install.split(' ')[3], 'plugin.yaml'))).toBe(true);
    const words = shellWords(use);
    expect(flagValues(words, '--post-renderer')).toEqual([plugin.name]);
    // Helm: the command's first word (env expanded), its other words, the args, then --post-renderer-args
    const vars: Record<string, string> = { ...env(), HELM_PLUGIN_DIR: pluginDir, HELM_PLUGIN_NAME: plugin.name };
    const expand = (s: string) => s.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => vars[a ?? b] ?? '');
    const [main, ...rest] = plugin.runtimeConfig.platformCommand[0].command.split(' ').map(expand);
    const argv = [
      ...rest,
      ...(plugin.runtimeConfig.platformCommand[0].args ?? []).map(expand),
      ...flagValues(words, '--post-renderer-args'),
    ];
    const input = helm4Stream();
    const r = spawnSync(main, argv, { cwd: dir, env: vars, input, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).not.toBe('');
    expect(r.stderr).toContain('deployment.apps/nginx -n default: injected filebeat-sidecarset: filebeat');
    expectInjected(r.stdout, input);
  });
});
