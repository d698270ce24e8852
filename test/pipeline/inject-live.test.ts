// `inject` with workloads and configuration from a live cluster, against the faithful local API server, run
// in-process as a user runs it (harness) and, where the network or the process matters, as the real binary.
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { startApiServer, type TestApiServer } from '../apiserver/index.js';
import { cli, injectEfkOffline } from '../cli/harness.js';
import { tempDir, pod } from '../cluster/live.js';
import { deployment, kruiseWebhook, sidecarSetYaml, storedSidecarSet, writeYaml } from './live-helpers.js';

const LOG_AGENT = sidecarSetYaml('log-agent', 'registry.example.com/log-agent:1.0', { app: 'web' });
const READER = 'reader-token-0a1b2c3d4e5f';

let api: TestApiServer;
let tmp: ReturnType<typeof tempDir>;
let env: Record<string, string>;
const stored = storedSidecarSet(LOG_AGENT);

beforeAll(async () => {
  api = await startApiServer({
    kubelet: false,
    objects: [
      stored,
      deployment('web', 'apps', { app: 'web' }),
      deployment('other', 'apps', { app: 'other' }),
      { ...pod('web-0', 'apps', { app: 'web' }) },
      {
        ...pod('web-owned', 'apps', { app: 'web' }),
        metadata: {
          name: 'web-owned',
          namespace: 'apps',
          labels: { app: 'web' },
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'u1', controller: true },
          ],
        },
      },
      {
        apiVersion: 'apps.kruise.io/v1alpha1',
        kind: 'CloneSet',
        metadata: { name: 'shop', namespace: 'apps', labels: { app: 'web' } },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'shop', image: 'shop:2' }] } },
        },
      },
    ],
    tokens: {
      [READER]: {
        user: 'reader',
        rules: [
          { verbs: ['get', 'list'], resources: ['deployments'], apiGroups: ['apps'] },
          { verbs: ['get', 'list'], resources: ['namespaces'], apiGroups: [''] },
        ],
      },
    },
    onPodCreate: kruiseWebhook(() => api),
  });
  tmp = tempDir('inject-live');
  env = { KUBECONFIG: api.writeKubeconfig(tmp.dir, { namespace: 'apps' }) };
}, 60_000);

afterAll(async () => {
  await api?.close();
  tmp?.remove();
});

const docsOf = (stdout: string) => YAML.parseAllDocuments(stdout).map((d) => d.toJS());

describe('inject TYPE/NAME and -l: workloads from the cluster', () => {
  it('inject deployment/web: printed as kubectl get -o yaml prints it, injected with the stored SidecarSet, hashes as stored', async () => {
    const r = await cli(['inject', 'deployment/web'], { env });
    expect(r.stderr).toBe('deployment.apps/web -n apps: injected log-agent: log-agent\n');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  creationTimestamp:')).toBe(true);
    expect(r.stdout).not.toContain('managedFields');
    const [d] = docsOf(r.stdout);
    expect(d.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['log-agent', 'app']); // Kruise's default: BeforeAppContainer
    const hash = JSON.parse(d.spec.template.metadata.annotations['kruise.io/sidecarset-hash'])['log-agent'].hash;
    expect(hash).toBe(stored.metadata.annotations!['kruise.io/sidecarset-hash']);
  });

  it('never re-hashes a SidecarSet from the cluster', async () => {
    api.store.put({
      ...stored,
      metadata: {
        ...stored.metadata,
        annotations: { ...stored.metadata.annotations, 'kruise.io/sidecarset-hash': 'as-stored-by-kruise' },
      },
    });
    try {
      const [d] = docsOf((await cli(['inject', 'deployment/web'], { env })).stdout);
      expect(d.spec.template.metadata.annotations['kruise.io/sidecarset-hash']).toContain(
        '"hash":"as-stored-by-kruise"',
      );
    } finally {
      api.store.put(stored);
    }
  });

  it('inject pod/web-0 and cloneset/shop (several at once, in argument order)', async () => {
    const r = await cli(['inject', 'pod/web-0', 'cloneset/shop', '-q'], { env });
    expect(r.code).toBe(0);
    const docs = docsOf(r.stdout);
    expect(docs.map((d) => d.kind)).toEqual(['Pod', 'CloneSet']);
    expect(docs[0].spec.containers.map((c: { name: string }) => c.name)).toEqual(['log-agent', 'app']);
    expect(docs[1].spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['log-agent', 'shop']);
  });

  it('inject -l: every kind with a pod template; Pods a controller owns are left to their owner', async () => {
    const r = await cli(['inject', '-l', 'app=web', '-q'], { env });
    expect(r.code).toBe(0);
    expect(
      docsOf(r.stdout)
        .map((d) => `${d.kind}/${d.metadata.name}`)
        .sort(),
    ).toEqual(['CloneSet/shop', 'Deployment/web', 'Pod/web-0']);
    const typed = await cli(['inject', '-l', 'app=web', 'deployment', '-q'], { env });
    expect(docsOf(typed.stdout).map((d) => d.metadata.name)).toEqual(['web']);
  });

  it('files win over the cluster: a SidecarSet of the same name from -f is used, and re-hashed', async () => {
    const file = writeYaml(
      tmp.dir,
      'new-log-agent.yaml',
      YAML.parse(LOG_AGENT.replace('log-agent:1.0', 'log-agent:2.0')),
    );
    const r = await cli(['inject', 'deployment/web', '--sidecarsets', file], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('image: registry.example.com/log-agent:2.0');
  });

  it('conflicts are checked against every SidecarSet in the cluster', async () => {
    const file = writeYaml(
      tmp.dir,
      'clash.yaml',
      YAML.parse(sidecarSetYaml('clash', 'other:1', { app: 'web' }, 'log-agent')),
    );
    const r = await cli(['inject', 'deployment/web', '--sidecarsets', file], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*SidecarSet clash would be rejected by Kruise: .*log-agent.*\n$/);
  });

  it('--local never contacts a cluster, and says so', async () => {
    const r = await cli(['inject', 'deployment/web', '--local'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: --local never contacts a cluster, and deployment/web is read from one; give the manifests with -f instead\n',
    );
  });

  it('a kind without a pod template, a missing object and a denied list are one line each', async () => {
    const ns = await cli(['inject', 'namespace/apps'], { env });
    expect(ns.code).toBe(1);
    expect(ns.stderr).toMatch(/^error: namespaces has no pod template to inject into/);
    const missing = await cli(['inject', 'deployment/nope'], { env });
    expect(missing.stderr).toBe(
      `error: cannot get deployments.apps "nope" in namespace "apps" on ${api.url}: not found: deployments.apps "nope" not found\n`,
    );
    const reader = {
      KUBECONFIG: api.writeKubeconfig(tmp.dir, { fileName: 'reader', namespace: 'apps', token: READER }),
    };
    const denied = await cli(['inject', 'deployment/web'], { env: reader });
    expect(denied.code).toBe(1);
    expect(denied.stderr.split('\n')).toHaveLength(2);
    expect(denied.stderr).toContain('sidecarsets.apps.kruise.io');
    expect(denied.stderr).toMatch(/forbidden/i);
  });
});

describe('which SidecarSet versions the server serves', () => {
  for (const versions of [['v1beta1'], ['v1alpha1']] as const) {
    it(`a ${versions[0]}-only server`, async () => {
      const one = await startApiServer({
        kubelet: false,
        sidecarSetVersions: versions,
        objects: [
          storedSidecarSet(LOG_AGENT, `apps.kruise.io/${versions[0]}`),
          deployment('web', 'apps', { app: 'web' }),
        ],
      });
      try {
        const r = await cli(['inject', 'deployment/web', '-n', 'apps'], {
          env: { KUBECONFIG: one.writeKubeconfig(tmp.dir, { fileName: `only-${versions[0]}` }) },
        });
        expect(r.stderr).toBe('deployment.apps/web -n apps: injected log-agent: log-agent\n');
        expect(one.requests.some((q) => q.path === `/apis/apps.kruise.io/${versions[0]}/sidecarsets`)).toBe(true);
      } finally {
        await one.close();
      }
    });
  }

  it('no Kruise: one clear line when the SidecarSets had to come from the cluster; files suffice otherwise', async () => {
    const bare = await startApiServer({
      kubelet: false,
      sidecarSetVersions: null,
      objects: [deployment('web', 'apps', { app: 'web' })],
    });
    try {
      const e = { KUBECONFIG: bare.writeKubeconfig(tmp.dir, { fileName: 'bare', namespace: 'apps' }) };
      const r = await cli(['inject', 'deployment/web'], { env: e });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `error: OpenKruise is not installed in this cluster: the server serves no apps.kruise.io SidecarSet API (${bare.url})\n`,
      );
      const file = writeYaml(tmp.dir, 'log-agent.yaml', YAML.parse(LOG_AGENT));
      const ok = await cli(['inject', 'deployment/web', '--sidecarsets', file], { env: e });
      expect(ok.stderr).toBe('deployment.apps/web -n apps: injected log-agent: log-agent\n');
    } finally {
      await bare.close();
    }
  });
});

describe('inject --verify: the server-side dry run compared on the SidecarSet-owned parts', () => {
  it('agrees with a cluster whose Kruise webhook renders as we do (and stores nothing)', async () => {
    const before = api.store.list('pods').length;
    const r = await cli(['inject', 'deployment/web', 'pod/web-0', '--verify', '-q'], { env });
    expect(r.stderr).toBe("verify: the server's admission agrees with the render (2 Pods)\n");
    expect(r.code).toBe(0);
    const creates = api.requests.filter((q) => q.method === 'POST' && q.resource === 'pods');
    expect(creates.length).toBeGreaterThanOrEqual(2);
    expect(creates.every((q) => q.query.dryRun === 'All')).toBe(true);
    expect(api.store.list('pods')).toHaveLength(before);
  });

  it('reports every planted difference (path, ours, theirs) and exits 1', async () => {
    const planted = await startApiServer({
      kubelet: false,
      objects: [stored, deployment('web', 'apps', { app: 'web' })],
      onPodCreate: kruiseWebhook(
        () => planted,
        (p) => {
          p.spec.containers.find((c) => c.name === 'log-agent')!.image = 'registry.example.com/log-agent:9.9';
          delete p.metadata.annotations!['kruise.io/sidecarset-injected-list'];
        },
      ),
    });
    try {
      const r = await cli(['inject', 'deployment/web', '--verify', '-q'], {
        env: { KUBECONFIG: planted.writeKubeconfig(tmp.dir, { fileName: 'planted', namespace: 'apps' }) },
      });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('log-agent:1.0'); // the render is still printed
      expect(r.stderr).toBe(
        'verify: deployment.apps/web -n apps: spec.containers[log-agent].image: ours "registry.example.com/log-agent:1.0", theirs "registry.example.com/log-agent:9.9"\n' +
          'verify: deployment.apps/web -n apps: metadata.annotations[kruise.io/sidecarset-injected-list]: ours "log-agent", theirs (none)\n' +
          "verify: 2 differences from the server's admission\n",
      );
    } finally {
      await planted.close();
    }
  });
});

describe('the connection', () => {
  it('an unreachable server fails within --request-timeout, in one line', async () => {
    // accepts connections and never answers, like a blackholed API server
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const kubeconfig = writeYaml(tmp.dir, 'silent', {
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 's',
        clusters: [{ name: 's', cluster: { server: `https://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 's', user: { token: 'x' } }],
        contexts: [{ name: 's', context: { cluster: 's', user: 's' } }],
      });
      const start = Date.now();
      const r = await cli(['inject', 'deployment/web', '--request-timeout', '1s'], { env: { KUBECONFIG: kubeconfig } });
      expect(Date.now() - start).toBeLessThan(5000);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr).toMatch(/timed out|timeout/i);
    } finally {
      silent.close();
    }
  });

  it('no kubeconfig: says so', async () => {
    const r = await cli(['inject', 'deployment/web'], {
      env: { KUBECONFIG: path.join(tmp.dir, 'none'), HOME: tmp.dir },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: no kubeconfig: .*; set --kubeconfig or \$KUBECONFIG, or create ~\/\.kube\/config\n$/,
    );
  });

  it("offline commands place objects in the kubeconfig context's namespace, reading the file only", () => {
    // the real binary, with every network call and client-node refused
    const kubeconfig = api.writeKubeconfig(tmp.dir, { fileName: 'shop', namespace: 'shop' });
    const run = (extra: string[]) => injectEfkOffline(extra, { HOME: tmp.dir, KUBECONFIG: kubeconfig });
    const r = run([]);
    expect(r.stderr).toBe('deployment.apps/nginx -n shop: injected filebeat-sidecarset: filebeat\n');
    expect(r.status).toBe(0);
    expect(run(['-n', 'web']).stderr).toBe('deployment.apps/nginx -n web: injected filebeat-sidecarset: filebeat\n');
  });
});
