import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, fixture, onPath, ROOT } from './harness.js';
import { readmeBlocks } from './readme-recipes.js';

interface Item {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { template: { metadata: { annotations?: Record<string, string> }; spec: { containers: { name: string }[] } } };
}
interface ResourceList {
  items: Item[];
  functionConfig?: unknown;
  results?: {
    message: string;
    severity: string;
    resourceRef?: Record<string, string>;
    file?: { path: string; index?: number };
    tags?: Record<string, string>;
  }[];
}

/** A ResourceList as kpt hands it over: items indented under `items:`, kpt's annotations, a comment kept. */
function resourceList(files: string[], functionConfig: string): string {
  const items = files.flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(ROOT, file), 'utf8')).map((doc, i) => {
      const object = doc.toJS() as Item;
      object.metadata.annotations = {
        ...object.metadata.annotations,
        'config.kubernetes.io/index': String(i),
        'internal.config.kubernetes.io/path': path.basename(file),
        'internal.config.kubernetes.io/index': String(i),
        'internal.config.kubernetes.io/seqindent': 'compact',
      };
      return `- ${stringify(object).trimEnd().replace(/\n/g, '\n  ')}`;
    }),
  );
  items[0] = items[0].replace(/^- /, '- # the first item\n  ');
  return `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${items.join('\n')}\nfunctionConfig:\n${functionConfig.replace(/^/gm, '  ')}\n`;
}

const DEPLOYMENT = fixture('efk', 'nginx-deployment.yaml');
const CRONJOB = fixture('workloads', 'cleanup-cronjob.yaml');
const SIDECARSET = fixture('efk', 'filebeat-sidecarset.yaml');

async function fn(input: string): Promise<{ code: number; out: ResourceList; stdout: string; stderr: string }> {
  const r = await cli(['fn'], { stdin: input });
  return { code: r.code, out: parse(r.stdout) as ResourceList, stdout: r.stdout, stderr: r.stderr };
}

describe('fn: a KRM function (ResourceList in, ResourceList with results out)', () => {
  it('injects the items with the SidecarSets named in a ConfigMap functionConfig (kpt key=value)', async () => {
    const input = resourceList(
      [CRONJOB, DEPLOYMENT],
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: function-input\ndata:\n  sidecarSets: ${SIDECARSET}`,
    );
    const { code, out, stdout } = await fn(input);
    expect(code).toBe(0);
    expect(out.items.map((i) => i.kind)).toEqual(['CronJob', 'Deployment']);
    const deployment = out.items[1];
    expect(deployment.spec.template.spec.containers.map((c) => c.name)).toEqual(['filebeat', 'nginx']);
    expect(deployment.spec.template.metadata.annotations?.['kruise.io/sidecarset-injected-list']).toBe(
      'filebeat-sidecarset',
    );
    expect(deployment.metadata.annotations).toMatchObject({
      'internal.config.kubernetes.io/path': 'nginx-deployment.yaml',
      'internal.config.kubernetes.io/seqindent': 'compact',
    });
    expect(stdout).toContain('# the first item\n');
    expect(out.functionConfig).toMatchObject({ kind: 'ConfigMap', data: { sidecarSets: SIDECARSET } });
    expect(out.results).toEqual([
      {
        message: "not injected filebeat-sidecarset: SelectorMismatch (the Pod's labels do not match spec.selector)",
        severity: 'info',
        resourceRef: { apiVersion: 'batch/v1', kind: 'CronJob', name: 'cleanup', namespace: 'shop' },
        file: { path: 'cleanup-cronjob.yaml', index: 0 },
        tags: { sidecarSet: 'filebeat-sidecarset', reason: 'SelectorMismatch' },
      },
      {
        message: 'injected filebeat-sidecarset: filebeat',
        severity: 'info',
        resourceRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx' },
        file: { path: 'nginx-deployment.yaml', index: 0 },
        tags: { sidecarSet: 'filebeat-sidecarset', reason: 'Injected' },
      },
    ]);
  });

  it('renders exactly what inject renders for the same objects', async () => {
    const { out } = await fn(
      resourceList(
        [DEPLOYMENT],
        `kind: SidecarSetInjector\napiVersion: sidecarset.kruise.io/v1alpha1\nspec:\n  sidecarSets: [${SIDECARSET}]`,
      ),
    );
    const injected = parse((await cli(['inject', '-q', '--sidecarsets', SIDECARSET, '-f', DEPLOYMENT])).stdout) as Item;
    const item = out.items[0];
    for (const a of Object.keys(item.metadata.annotations ?? {}))
      if (a.includes('config.kubernetes.io/')) delete item.metadata.annotations![a];
    if (Object.keys(item.metadata.annotations ?? {}).length === 0) delete item.metadata.annotations;
    expect(item).toEqual(injected);
  });

  it('takes SidecarSets among the items (left unchanged) and the namespace from a SidecarSetInjector', async () => {
    const input = resourceList(
      [SIDECARSET, DEPLOYMENT],
      'apiVersion: sidecarset.kruise.io/v1alpha1\nkind: SidecarSetInjector\nmetadata:\n  name: inject\nspec:\n  namespace: web',
    );
    const { code, out } = await fn(input);
    expect(code).toBe(0);
    expect(out.items[0]).toEqual((parse(input) as ResourceList).items[0]);
    expect(out.items[1].spec.template.spec.containers.map((c) => c.name)).toEqual(['filebeat', 'nginx']);
    expect(out.results?.[0]).toMatchObject({ severity: 'info', tags: { reason: 'Injected' } });
  });

  it('warns when there is no SidecarSet, and reports nothing more for an empty list', async () => {
    const { out } = await fn(resourceList([DEPLOYMENT], 'kind: ConfigMap\napiVersion: v1\ndata: {}'));
    expect(out.results).toEqual([expect.objectContaining({ severity: 'warning', tags: { reason: 'NoSidecarSets' } })]);
    const empty = await fn('apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n');
    expect(empty.code).toBe(0);
    expect(empty.out.items).toEqual([]);
  });

  it('turns what inject rejects into an error result: exit 1, items unchanged', async () => {
    const broken = path.join(mkdtempSync(path.join(tmpdir(), 'sidecarset-krm-')), 'broken.yaml');
    writeFileSync(
      broken,
      readFileSync(path.join(ROOT, SIDECARSET), 'utf8').replace(
        'image: docker.elastic.co/beats/filebeat:7.16.2',
        'image: ""',
      ),
    );
    const input = resourceList([DEPLOYMENT], `kind: ConfigMap\napiVersion: v1\ndata:\n  sidecarSets: ${broken}`);
    const { code, out, stderr } = await fn(input);
    expect(code).toBe(1);
    expect(out.items).toEqual((parse(input) as ResourceList).items);
    expect(out.results).toHaveLength(1);
    expect(out.results?.[0].severity).toBe('error');
    expect(out.results?.[0].message).toMatch(/filebeat-sidecarset would be rejected by Kruise: .*image/);
    expect(stderr).toMatch(/^error: .*would be rejected by Kruise/);
    rmSync(path.dirname(broken), { recursive: true, force: true });
  });

  it('rejects unknown options and input that is not a ResourceList', async () => {
    const bad = await fn(
      resourceList(
        [DEPLOYMENT],
        'kind: SidecarSetInjector\napiVersion: sidecarset.kruise.io/v1alpha1\nspec:\n  sidecarset: x',
      ),
    );
    expect(bad.code).toBe(1);
    expect(bad.out.results?.[0].message).toBe(
      'spec.sidecarset: unknown option "sidecarset"; known: sidecarSets, namespace, keepHash, recursive, kruiseVersion, featureGates',
    );
    const notList = await fn(readFileSync(path.join(ROOT, DEPLOYMENT), 'utf8'));
    expect(notList.code).toBe(1);
    expect(notList.stderr).toContain('expected a ResourceList');
  });
});

describe('fn is offline', () => {
  it('runs the real binary with every network call and @kubernetes/client-node refused', () => {
    const input = resourceList([DEPLOYMENT], `kind: ConfigMap\napiVersion: v1\ndata:\n  sidecarSets: ${SIDECARSET}`);
    const r = spawnSync(
      process.execPath,
      ['--require', path.join(ROOT, 'test/cli/offline-guard.cjs'), path.join(ROOT, 'bin/kubectl-sidecarset'), 'fn'],
      {
        cwd: ROOT,
        input,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), SOURCE_DATE_EPOCH: '1700000000' },
      },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((parse(r.stdout) as ResourceList).items[0].spec.template.spec.containers.map((c) => c.name)).toEqual([
      'filebeat',
      'nginx',
    ]);
  });
});

describe('fn under the real tools (README recipes)', () => {
  let dir: string;
  let bin: string;
  const env = () => ({
    PATH: [bin, path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter),
    HOME: dir,
    SOURCE_DATE_EPOCH: '1700000000',
    XDG_CONFIG_HOME: path.join(dir, 'config'),
  });

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sidecarset-krm-tools-'));
    bin = path.join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(path.join(ROOT, 'bin/kubectl-sidecarset'), path.join(bin, 'kubectl-sidecarset'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function project(name: string): string {
    const root = path.join(dir, name);
    mkdirSync(path.join(root, 'platform/sidecarsets'), { recursive: true });
    cpSync(path.join(ROOT, SIDECARSET), path.join(root, 'platform/sidecarsets/filebeat.yaml'));
    return root;
  }

  it.skipIf(!onPath('kubectl'))(
    'kubectl kustomize --enable-alpha-plugins runs it as an exec plugin (needs kubectl on PATH)',
    () => {
      const [install, injector, kustomization, build] = readmeBlocks('kustomize (`kubectl kustomize`');
      const root = project('kustomize');
      writeFileSync(path.join(root, 'sidecarsets.yaml'), injector);
      writeFileSync(path.join(root, 'kustomization.yaml'), kustomization);
      cpSync(path.join(ROOT, DEPLOYMENT), path.join(root, 'deployment.yaml'));
      const installed = spawnSync('sh', ['-c', install], { cwd: root, env: env(), encoding: 'utf8' });
      expect(installed.stderr).toBe('');
      const command = build.trim().replace(/\s*\|\s*kubectl apply -f -$/, '');
      expect(command).toBe('kubectl kustomize --enable-alpha-plugins .');
      const r = spawnSync('sh', ['-c', command], { cwd: root, env: env(), encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = parse(r.stdout) as Item;
      expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(['filebeat', 'nginx']);
      expect(out.spec.template.metadata.annotations?.['kruise.io/sidecarset-hash']).toContain(
        '"updateTimestamp":"2023-11-14T22:13:20Z"',
      );
    },
  );

  it.skipIf(!onPath('kpt'))('kpt fn eval --exec runs it on a package (needs kpt on PATH)', () => {
    const recipe = readmeBlocks('KRM function')[0].trim();
    expect(recipe).toMatch(
      /^kpt fn eval apps\/ --exec "kubectl-sidecarset fn" -- sidecarSets=platform\/sidecarsets\/$/,
    );
    const root = project('kpt');
    mkdirSync(path.join(root, 'apps'));
    cpSync(path.join(ROOT, DEPLOYMENT), path.join(root, 'apps/deployment.yaml'));
    cpSync(path.join(ROOT, CRONJOB), path.join(root, 'apps/cronjob.yaml'));
    const r = spawnSync('sh', ['-c', recipe], { cwd: root, env: env(), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('[info] apps/v1/Deployment/nginx: injected filebeat-sidecarset: filebeat');
    expect(r.stderr).toContain(
      '[info] batch/v1/CronJob/shop/cleanup: not injected filebeat-sidecarset: SelectorMismatch',
    );
    const written = parse(readFileSync(path.join(root, 'apps/deployment.yaml'), 'utf8')) as Item;
    expect(written.spec.template.spec.containers.map((c) => c.name)).toEqual(['filebeat', 'nginx']);
    expect(readFileSync(path.join(root, 'apps/cronjob.yaml'), 'utf8')).toBe(
      readFileSync(path.join(ROOT, CRONJOB), 'utf8'),
    );
  });
});
