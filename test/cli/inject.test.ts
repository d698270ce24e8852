import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { cli, expectGolden, fixture } from './harness.js';

type Obj = Record<string, any>;

function docs(text: string): Obj[] {
  return parseAllDocuments(text).map((d) => d.toJS() as Obj);
}

function template(obj: Obj): Obj {
  return obj.kind === 'CronJob' ? obj.spec.jobTemplate.spec.template : obj.spec.template;
}

const names = (list: { name: string }[] | undefined) => (list ?? []).map((c) => c.name);

describe('inject: the seed examples', () => {
  it('EFK: filebeat goes in front of nginx with its volumes, env and annotations', async () => {
    const r = await cli([
      'inject',
      '-f',
      fixture('efk/filebeat-sidecarset.yaml'),
      '-f',
      fixture('efk/nginx-deployment.yaml'),
    ]);
    expect(r.code).toBe(0);
    const [ss, deploy] = docs(r.stdout);
    expect(ss.kind).toBe('SidecarSet');
    const tpl = template(deploy);
    expect(names(tpl.spec.containers)).toEqual(['filebeat', 'nginx']);
    const filebeat = tpl.spec.containers[0];
    expect(names(filebeat.env)).toEqual(['POD_NAMESPACE', 'IS_INJECTED']);
    expect(filebeat.imagePullPolicy).toBe('IfNotPresent');
    expect(filebeat.podInjectPolicy).toBeUndefined();
    expect(names(tpl.spec.volumes)).toEqual(['log', 'config', 'varlog']);
    expect(tpl.metadata.annotations['kruise.io/sidecarset-injected-list']).toBe('filebeat-sidecarset');
    const hash = JSON.parse(tpl.metadata.annotations['kruise.io/sidecarset-hash']);
    expect(hash['filebeat-sidecarset']).toMatchObject({
      updateTimestamp: '2023-11-14T22:13:20Z',
      sidecarSetName: 'filebeat-sidecarset',
      sidecarList: ['filebeat'],
    });
    expect(hash['filebeat-sidecarset'].hash).toMatch(/^[245-9bcdfvwxz]{64}$/);
    expect(r.stderr).toBe('deployment.apps/nginx -n default: injected filebeat-sidecarset: filebeat\n');
    expectGolden('efk.yaml', r.stdout);
  });

  it('iLogtail into a Job: priority env, label fieldRef env, checkpoint hostPath, secret with subPath', async () => {
    const r = await cli(['inject', '-f', fixture('ilogtail')]);
    expect(r.code).toBe(0);
    const job = docs(r.stdout).find((d) => d.kind === 'Job')!;
    const tpl = template(job);
    expect(names(tpl.spec.containers)).toEqual(['ilogtail', 'report']);
    const agent = tpl.spec.containers[0];
    expect(agent.env.map((e: Obj) => e.name)).toEqual([
      'KRUISE_CONTAINER_PRIORITY',
      'ALIYUN_LOG_ENV_TAGS',
      '_pod_name_',
      '_pod_ip_',
      '_app_',
      'IS_INJECTED',
    ]);
    expect(agent.env[4].valueFrom.fieldRef).toEqual({ apiVersion: 'v1', fieldPath: "metadata.labels['app']" });
    // the Pod's own app-logs volume wins over the SidecarSet's volume of the same name
    expect(tpl.spec.volumes).toEqual([
      { name: 'app-logs', emptyDir: {} },
      { name: 'ilogtail-checkpoint', hostPath: { path: '/var/lib/ilogtail/checkpoint', type: 'DirectoryOrCreate' } },
      { name: 'ilogtail-credentials', secret: { secretName: 'ilogtail-credentials', defaultMode: 420 } },
    ]);
    expect(r.stderr).toContain('job.batch/nightly-report -n batch: injected ilogtail-sidecarset: ilogtail');
    expectGolden('ilogtail.yaml', r.stdout);
  });

  it('logtail: transferEnv copies TZ, shareVolumePolicy mounts the app volumes, AfterAppContainer', async () => {
    const r = await cli(['inject', '-f', fixture('logtail')]);
    expect(r.code).toBe(0);
    const tpl = template(docs(r.stdout).find((d) => d.kind === 'Deployment')!);
    expect(names(tpl.spec.containers)).toEqual(['api', 'logtail']);
    const logtail = tpl.spec.containers[1];
    expect(logtail.env).toEqual([
      { name: 'LOGTAIL_PATHS', value: '/var/log/payments/*.log' },
      { name: 'IS_INJECTED', value: 'true' },
      { name: 'TZ', value: 'Asia/Shanghai' },
    ]);
    expect(logtail.volumeMounts.map((m: Obj) => m.mountPath)).toEqual([
      '/var/lib/logtail',
      '/var/log/payments',
      '/tmp',
    ]);
    expectGolden('logtail.yaml', r.stdout);
  });

  it('hot upgrade: mesh-1 works on the real image, mesh-2 waits on the empty one', async () => {
    const r = await cli(['inject', '-f', fixture('mesh')]);
    expect(r.code).toBe(0);
    const cloneSet = docs(r.stdout).find((d) => d.kind === 'CloneSet')!;
    const tpl = template(cloneSet);
    expect(names(tpl.spec.containers)).toEqual(['mesh-1', 'mesh-2', 'checkout']);
    expect(tpl.spec.containers[0].image).toBe('registry.example.com/mesh/proxy:1.21.3');
    expect(tpl.spec.containers[1].image).toBe('registry.example.com/mesh/proxy-empty:1.0');
    expect(tpl.metadata.annotations['kruise.io/sidecarset-working-hotupgrade-container']).toBe('{"mesh":"mesh-1"}');
    expect(tpl.spec.containers[0].env).toContainEqual({
      name: 'SIDECARSET_VERSION',
      valueFrom: { fieldRef: { fieldPath: "metadata.annotations['version.sidecarset.kruise.io/mesh-1']" } },
    });
    expect(r.stderr).toContain('cloneset.apps.kruise.io/checkout -n shop: injected mesh-proxy: mesh-1, mesh-2');
    expectGolden('mesh.yaml', r.stdout);
  });

  it('namespaceSelector: decided by the Namespace objects among the inputs', async () => {
    const r = await cli(['inject', '-f', fixture('namespaces')]);
    expect(r.code).toBe(0);
    const deployments = docs(r.stdout).filter((d) => d.kind === 'Deployment');
    expect(names(template(deployments[0]).spec.containers)).toEqual(['web', 'audit']);
    expect(names(template(deployments[1]).spec.containers)).toEqual(['web']);
    expect(r.stderr).toContain('deployment.apps/web -n storefront: injected audit-agent: audit');
    expect(r.stderr).toMatch(
      /deployment\.apps\/web -n storefront-staging: not injected audit-agent: NamespaceMismatch/,
    );
    expectGolden('namespaces.yaml', r.stdout);
  });

  it('namespaceSelector without the Namespace objects is an error, not a silent skip', async () => {
    const r = await cli([
      'inject',
      '-f',
      fixture('namespaces/audit-sidecarset.yaml'),
      '-f',
      fixture('namespaces/web-deployments.yaml'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^error: fixtures\/namespaces\/web-deployments\.yaml: document 1: SidecarSet audit-agent selects namespaces by label/,
    );
    expect(r.stderr).toContain('pass the Namespace object');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a CronJob gets the sidecar in its job template', async () => {
    const r = await cli([
      'inject',
      '--sidecarsets',
      fixture('logtail/logtail-sidecarset.yaml'),
      '-f',
      fixture('workloads/cleanup-cronjob.yaml'),
    ]);
    expect(r.code).toBe(0);
    const [cron] = docs(r.stdout);
    expect(cron.kind).toBe('CronJob');
    const tpl = template(cron);
    expect(names(tpl.spec.containers)).toEqual(['api', 'logtail']);
    expect(tpl.spec.containers[1].env).toContainEqual({ name: 'TZ', value: 'Europe/Berlin' });
    expectGolden('cronjob.yaml', r.stdout);
  });
});

describe('inject: revisions and pod metadata', () => {
  it('injectionStrategy.revision injects the historical revision from the ControllerRevisions given', async () => {
    const r = await cli(['inject', '-f', fixture('revision')]);
    expect(r.code).toBe(0);
    const sts = docs(r.stdout).find((d) => d.kind === 'StatefulSet')!;
    const tpl = template(sts);
    expect(tpl.spec.containers[0]).toMatchObject({
      name: 'log-agent',
      image: 'registry.example.com/obs/log-agent:1.9.4',
    });
    const hash = JSON.parse(tpl.metadata.annotations['kruise.io/sidecarset-hash'])['log-agent'];
    expect(hash.controllerRevision).toBe('log-agent-7b5c9d8f6');
    expect(r.stderr).toContain(
      'statefulset.apps/orders -n shop: injected log-agent (revision log-agent-7b5c9d8f6): log-agent',
    );
    expectGolden('revision.yaml', r.stdout);
  });

  it('without the ControllerRevision it fails and says what to give, never injecting the latest', async () => {
    const r = await cli([
      'inject',
      '-f',
      fixture('revision/log-agent-sidecarset.yaml'),
      '-f',
      fixture('revision/orders-statefulset.yaml'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^error: fixtures\/revision\/log-agent-sidecarset\.yaml: document 1: SidecarSet log-agent would be rejected by Kruise: revision: .*"log-agent-7b5c9d8f6" not found; give the ControllerRevisions/,
    );
  });

  it('patchPodMetadata is applied; the whitelist, a cluster policy, only warns offline', async () => {
    const input = `apiVersion: apps.kruise.io/v1beta1
kind: SidecarSet
metadata:
  name: sc
spec:
  selector:
    matchLabels:
      app: web
  patchPodMetadata:
  - annotations:
      oom-score: "-100"
    patchPolicy: Overwrite
  containers:
  - name: agent
    image: agent:2
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
  annotations:
    oom-score: "0"
spec:
  containers:
  - name: web
    image: web:1
`;
    const r = await cli(['inject', '-f', '-'], { stdin: input });
    expect(r.code).toBe(0);
    expect(docs(r.stdout)[1].metadata.annotations['oom-score']).toBe('-100');
    expect(r.stderr).toMatch(
      /^note: <stdin>: document 1: SidecarSet sc: spec\.patchPodMetadata: .*not enforced offline/m,
    );
    const allowed = `apiVersion: v1
kind: ConfigMap
metadata:
  name: kruise-configuration
  namespace: kruise-system
data:
  SidecarSet_PatchPodMetadata_WhiteList: '{"rules":[{"allowedAnnotationKeyExprs":["^oom-score$"]}]}'
---
`;
    const ok = await cli(['inject', '-f', '-'], { stdin: allowed + input });
    expect(ok.code).toBe(0);
    expect(ok.stderr).not.toContain('note:');
  });
});

describe('inject: streams and formats', () => {
  it('stdin to stdout: --sidecarsets configures without echoing, comments survive', async () => {
    const input = '# the app\n' + (await import('node:fs')).readFileSync(fixture('efk/nginx-deployment.yaml'), 'utf8');
    const r = await cli(['inject', '--sidecarsets', fixture('efk/filebeat-sidecarset.yaml'), '-f', '-'], {
      stdin: input,
    });
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('# the app\napiVersion: apps/v1\nkind: Deployment\n')).toBe(true);
    expect(r.stdout).toContain('# ask for the filebeat sidecar');
    expect(r.stdout).toContain('# the log directory filebeat reads');
    expect(docs(r.stdout)).toHaveLength(1);
  });

  it('!!binary in an injected pod template: kept as written in YAML, its text (as kubectl sends it) in JSON', async () => {
    const input = (await import('node:fs'))
      .readFileSync(fixture('efk/nginx-deployment.yaml'), 'utf8')
      .replace(/^ {6}labels:\n/m, '      annotations:\n        note: !!binary aGVsbG8=\n      labels:\n');
    expect(input).toContain('note: !!binary');
    const sidecarSets = ['--sidecarsets', fixture('efk/filebeat-sidecarset.yaml')];
    const yaml = await cli(['inject', ...sidecarSets, '-f', '-'], { stdin: input });
    expect(yaml.code, yaml.stderr).toBe(0);
    expect(yaml.stdout).toContain('note: !!binary aGVsbG8=\n');
    const json = await cli(['inject', '-o', 'json', ...sidecarSets, '-f', '-'], { stdin: input });
    expect(json.code, json.stderr).toBe(0);
    const deploy = JSON.parse(json.stdout);
    expect(names(deploy.spec.template.spec.containers)).toEqual(['filebeat', 'nginx']);
    expect(deploy.spec.template.metadata.annotations.note).toBe('hello');
  });

  it('-o json prints one object, or a v1 List for several', async () => {
    const one = await cli([
      'inject',
      '-o',
      'json',
      '--sidecarsets',
      fixture('efk/filebeat-sidecarset.yaml'),
      '-f',
      fixture('efk/nginx-deployment.yaml'),
    ]);
    expect(one.code).toBe(0);
    const deploy = JSON.parse(one.stdout);
    expect(deploy.kind).toBe('Deployment');
    expect(names(deploy.spec.template.spec.containers)).toEqual(['filebeat', 'nginx']);
    const many = await cli(['inject', '-o', 'json', '-f', fixture('efk')]);
    expect(JSON.parse(many.stdout)).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    expect(JSON.parse(many.stdout).items).toHaveLength(2);
  });

  it('a v1 List is rendered back as a list with its items injected', async () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'a', labels: { app: 'payments' } },
          spec: { containers: [{ name: 'api', image: 'x:1' }] },
        },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }] } },
      ],
    };
    const r = await cli(['inject', '--sidecarsets', fixture('logtail/logtail-sidecarset.yaml'), '-f', '-'], {
      stdin: JSON.stringify(list),
    });
    expect(r.code).toBe(0);
    const [out] = docs(r.stdout);
    expect(out.kind).toBe('List');
    expect(names(out.items[0].spec.containers)).toEqual(['api', 'logtail']);
    expect(out.items[1]).toEqual(list.items[1]);
  });

  it('is deterministic and idempotent: injecting the output again changes nothing', async () => {
    for (const dir of ['efk', 'ilogtail', 'logtail', 'mesh', 'namespaces']) {
      const first = await cli(['inject', '-f', fixture(dir)], { env: { SOURCE_DATE_EPOCH: '1700000000' } });
      const again = await cli(['inject', '-f', fixture(dir)], { env: { SOURCE_DATE_EPOCH: '1700000000' } });
      expect(again.stdout).toBe(first.stdout);
      const twice = await cli(['inject', '-f', '-'], { stdin: first.stdout, env: { SOURCE_DATE_EPOCH: '1800000000' } });
      expect(twice.code).toBe(0);
      expect(twice.stdout, dir).toBe(first.stdout);
    }
  });

  it('without SOURCE_DATE_EPOCH the timestamp comes from the inputs, never the clock: reruns are identical', async () => {
    const unset = { env: { SOURCE_DATE_EPOCH: '' } };
    const first = await cli(['inject', '-f', fixture('efk')], unset);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a second later, the clock has moved on
    const again = await cli(['inject', '-f', fixture('efk')], unset);
    expect(first.code).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    // a SidecarSet without creationTimestamp: the Unix epoch; a stored one: its creationTimestamp
    expect(first.stdout).toContain('"updateTimestamp":"1970-01-01T00:00:00Z"');
    const ss = fixture('efk/filebeat-sidecarset.yaml');
    const stored = (await import('node:fs'))
      .readFileSync(ss, 'utf8')
      .replace(/^metadata:\n/m, 'metadata:\n  creationTimestamp: "2024-05-06T07:08:09Z"\n');
    const deploy = (await import('node:fs')).readFileSync(fixture('efk/nginx-deployment.yaml'), 'utf8');
    const created = await cli(['inject', '-f', '-'], { stdin: `${stored}\n---\n${deploy}`, ...unset });
    expect(created.stdout).toContain('"updateTimestamp":"2024-05-06T07:08:09Z"');
  });

  it('objects that carry no pod template pass through byte for byte', async () => {
    const input = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web # keep me\nspec:\n  ports:\n  - port: 80\n';
    const r = await cli(['inject', '--sidecarsets', fixture('efk/filebeat-sidecarset.yaml'), '-f', '-'], {
      stdin: input,
    });
    expect(r.stdout).toBe(input);
    expect(r.stderr).toBe('');
  });

  it('reports unknown workload kinds and objects no SidecarSet matched', async () => {
    const input = [
      'apiVersion: example.com/v1\nkind: Rollout\nmetadata:\n  name: r\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: a\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: plain\nspec:\n  containers:\n  - name: a\n    image: a\n',
    ].join('---\n');
    const r = await cli(['inject', '--sidecarsets', fixture('efk/filebeat-sidecarset.yaml'), '-f', '-'], {
      stdin: input,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(input);
    expect(r.stderr).toContain(
      'rollout.example.com/r -n default: skipped: UnknownPodTemplateKind (example.com/v1 Rollout)',
    );
    expect(r.stderr).toMatch(/pod\/plain -n default: not injected filebeat-sidecarset: SelectorMismatch/);
    const quiet = await cli(['inject', '-q', '--sidecarsets', fixture('efk/filebeat-sidecarset.yaml'), '-f', '-'], {
      stdin: input,
    });
    expect(quiet.stderr).toBe('');
  });
});

describe('inject: hashes of SidecarSets from files', () => {
  const edited = (hash: string) =>
    `apiVersion: apps.kruise.io/v1beta1
kind: SidecarSet
metadata:
  name: sc
  annotations:
    kruise.io/sidecarset-hash: ${hash}
spec:
  selector:
    matchLabels:
      app: web
  containers:
  - name: agent
    image: agent:2
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: web
    image: web:1
`;

  it('recomputes hash annotations as the webhook would, and says so on stderr', async () => {
    const r = await cli(['inject', '-f', '-'], { stdin: edited('stalehash') });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^note: <stdin>: document 1: SidecarSet sc: kruise\.io\/sidecarset-hash recomputed as Kruise's webhook would \(stalehash -> [245-9bcdfvwxz]{12}…\); use --keep-hash/,
    );
    const pod = docs(r.stdout)[1];
    expect(JSON.parse(pod.metadata.annotations['kruise.io/sidecarset-hash']).sc.hash).not.toBe('stalehash');
  });

  it("status.latestRevision is written only with the hash it belongs to (an edited copy's is stale)", async () => {
    const withStatus = (hash: string) =>
      edited(hash).replace('spec:\n  selector:', 'status:\n  latestRevision: sc-5d4f8c7b9\nspec:\n  selector:');
    const revisionOf = (stdout: string) =>
      JSON.parse(docs(stdout)[1].metadata.annotations['kruise.io/sidecarset-hash']).sc.controllerRevision;
    const stale = await cli(['inject', '-f', '-'], { stdin: withStatus('stalehash') });
    expect(revisionOf(stale.stdout)).toBeUndefined(); // omitted when empty, as Go's omitempty
    const hash = JSON.parse(docs(stale.stdout)[1].metadata.annotations['kruise.io/sidecarset-hash']).sc.hash;
    const current = await cli(['inject', '-f', '-'], { stdin: withStatus(hash) });
    expect(revisionOf(current.stdout)).toBe('sc-5d4f8c7b9');
  });

  it('--keep-hash reads the annotations as stored', async () => {
    const r = await cli(['inject', '--keep-hash', '-f', '-'], { stdin: edited('stalehash') });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('note:');
    const pod = docs(r.stdout)[1];
    expect(JSON.parse(pod.metadata.annotations['kruise.io/sidecarset-hash']).sc.hash).toBe('stalehash');
    expect(JSON.parse(pod.metadata.annotations['kruise.io/sidecarset-hash-without-image']).sc.hash).toBe('');
  });
});

describe('inject: bad input is a one-line error and an empty stdout', () => {
  const expectError = (r: { code: number; stdout: string; stderr: string }, pattern: RegExp, code = 1) => {
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  };

  it('malformed YAML names the document and line', async () => {
    const r = await cli(['inject', '-f', '-'], {
      stdin: 'apiVersion: v1\nkind: Pod\n---\napiVersion: v1\nkind: [Pod\n',
    });
    expectError(r, /^error: <stdin>: document 2: line \d+: /);
  });

  it('a SidecarSet Kruise would reject names its field', async () => {
    const bad =
      'apiVersion: apps.kruise.io/v1beta1\nkind: SidecarSet\nmetadata:\n  name: bad\nspec:\n  selector:\n    matchLabels:\n      a: b\n  containers:\n  - name: agent\n';
    const r = await cli(['inject', '-f', '-'], { stdin: bad });
    expectError(
      r,
      /^error: <stdin>: document 1: SidecarSet bad would be rejected by Kruise: spec\.containers\[0\]\.image: Required value/,
    );
  });

  it('a volume mount that names no volume', async () => {
    const bad =
      'apiVersion: apps.kruise.io/v1beta1\nkind: SidecarSet\nmetadata:\n  name: bad\nspec:\n  selector:\n    matchLabels:\n      a: b\n  containers:\n  - name: agent\n    image: agent:1\n    volumeMounts:\n    - name: nowhere\n      mountPath: /x\n';
    const r = await cli(['inject', '-f', '-'], { stdin: bad });
    expectError(r, /spec\.containers\[0\]\.volumeMounts\[0\]\.name: Not found: "nowhere"/);
  });

  it('wrong JSON types are rejected as Kruise decodes them', async () => {
    const bad =
      'apiVersion: apps.kruise.io/v1beta1\nkind: SidecarSet\nmetadata:\n  name: bad\nspec:\n  selector:\n    matchLabels:\n      a: b\n  containers:\n  - name: agent\n    image: agent:1\n    ports:\n    - containerPort: "80"\n';
    const r = await cli(['inject', '-f', '-'], { stdin: bad });
    expectError(r, /spec\.containers\[0\]\.ports\[0\]\.containerPort/);
  });

  it('two SidecarSets injecting the same container are an error naming both', async () => {
    const ss = (name: string) =>
      `apiVersion: apps.kruise.io/v1beta1\nkind: SidecarSet\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    matchLabels:\n      app: web\n  containers:\n  - name: agent\n    image: agent:1\n`;
    const r = await cli(['inject', '-f', '-'], { stdin: ss('one') + '---\n' + ss('two') });
    expectError(
      r,
      /SidecarSet one would be rejected by Kruise: spec\.containers: Invalid value: "agent": container agent already exist in two/,
    );
  });

  it('a missing file', async () => {
    const r = await cli(['inject', '-f', 'does/not/exist.yaml']);
    expectError(r, /does\/not\/exist\.yaml/);
  });

  it('usage mistakes exit 2', async () => {
    expectError(await cli(['inject']), /must specify -f/, 2);
    expectError(await cli(['inject', '-f', fixture('efk'), '-o', 'wide']), /allowed formats are: yaml,json/, 2);
    expectError(await cli(['inject', '--frobnicate']), /unknown option/, 2);
    expectError(await cli(['frobnicate']), /unknown command/, 2);
  });
});

describe('inject: documents go out as they are done', () => {
  const many = (count: number, bad?: number) =>
    Array.from({ length: count }, (_, i) =>
      i === bad
        ? `apiVersion: v1\nkind: Pod\nmetadata: {name: [broken\n`
        : `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  annotations:\n    payload: "${'x'.repeat(300)}"\n`,
    ).join('---\n');

  it('a large stream is written in pieces while it is rendered, not held until the end', async () => {
    const { run } = await import('../../src/cli/main.js');
    const { PassThrough, Readable } = await import('node:stream');
    const stdout = new PassThrough();
    const writes: string[] = [];
    stdout.on('data', (d: Buffer) => writes.push(d.toString()));
    const code = await run(['inject', '-f', '-'], {
      stdin: Readable.from([many(2000)]),
      stdout,
      stderr: new PassThrough(),
      env: {},
      stderrIsTTY: false,
      cwd: process.cwd(),
    });
    expect(code).toBe(0);
    expect(writes.length).toBeGreaterThan(5); // ~700 KB in writes of ~64 KB
    expect(writes.join('')).toBe(many(2000));
  });

  it('a document that fails stops the command there: what came before it is out, nothing after it', async () => {
    const r = await cli(['inject', '-f', '-'], { stdin: many(2000, 1500) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: <stdin>: document 1501: line \d+: /);
    const out = docs(r.stdout);
    expect(out.length).toBeGreaterThan(0);
    expect(out.length).toBeLessThan(1500);
    expect(out.map((d) => d.metadata.name)).toEqual(Array.from({ length: out.length }, (_, i) => `svc-${i}`));
    expect(r.stdout).toBe(many(out.length).slice(0, r.stdout.length)); // whole documents, byte for byte
    expect(r.stdout.endsWith('\n')).toBe(true);
  });

  it('with -o json a failure leaves an unfinished List that no JSON reader takes', async () => {
    const r = await cli(['inject', '-o', 'json', '-f', '-'], { stdin: many(2000, 1500) });
    expect(r.code).toBe(1);
    expect(r.stdout.startsWith('{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": [\n')).toBe(true);
    expect(() => JSON.parse(r.stdout)).toThrow();
  });

  it('small outputs are written at the end, so an early failure still leaves stdout empty', async () => {
    const r = await cli(['inject', '-f', '-'], { stdin: many(20, 15) });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });
});
