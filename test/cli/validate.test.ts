import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { cli, expectGolden, fixture } from './harness.js';

type Obj = Record<string, unknown>;

/** A SidecarSet that Kruise accepts, with `spec` and `metadata` fields replaced (undefined removes one). */
function sidecarSet(name: string, spec: Obj = {}, metadata: Obj = {}): Obj {
  return {
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: { name, ...metadata },
    spec: {
      selector: { matchLabels: { a: 'b' } },
      containers: [{ name: 'test-sidecar', image: 'test-image' }],
      ...spec,
    },
  };
}

const yaml = (...objects: Obj[]) => objects.map((o) => stringify(o)).join('---\n');

const whitelist = (...exprs: string[]): Obj => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'kruise-configuration', namespace: 'kruise-system' },
  data: { SidecarSet_PatchPodMetadata_WhiteList: JSON.stringify({ rules: [{ allowedAnnotationKeyExprs: exprs }] }) },
});

async function errorsOf(...objects: Obj[]): Promise<string[]> {
  // master: the release with canary SidecarSets, which some scenarios include
  const r = await cli(['validate', '--kruise-version', 'master', '-f', '-', '-o', 'json'], { stdin: yaml(...objects) });
  const report = JSON.parse(r.stdout) as { sidecarSets: { errors: { message: string }[] }[] };
  expect(r.code).toBe(report.sidecarSets.every((s) => s.errors.length === 0) ? 0 : 1);
  return report.sidecarSets[0].errors.map((e) => e.message);
}

const LABEL_VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const DNS_LABEL_RULE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe('validate: the fixtures', () => {
  it('every SidecarSet of the fixtures is valid (ControllerRevisions and workloads among them)', async () => {
    const r = await cli(['validate', '-R', '-f', 'fixtures']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('7 SidecarSets valid');
    expect(
      lines
        .slice(0, -1)
        .every((l) => /^sidecarset\.apps\.kruise\.io\/\S+ \(fixtures\/.+: document \d+\): valid$/.test(l)),
    ).toBe(true);
    expectGolden('validate-fixtures.txt', r.stdout);
  });

  it('documents that are not configuration are ignored; without any SidecarSet it is an error', async () => {
    const efk = await cli(['validate', '-f', fixture('efk')]);
    expect(efk.stdout).toBe(
      'sidecarset.apps.kruise.io/filebeat-sidecarset (fixtures/efk/filebeat-sidecarset.yaml: document 1): valid\n1 SidecarSet valid\n',
    );
    const none = await cli(['validate', '-f', fixture('workloads')]);
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/^error: no SidecarSet .*found among the inputs\n$/);
  });
});

// Kruise's TestValidateSidecarSet cases (pkg/webhook/sidecarset/validating), run through the defaults first
// as the API server does, plus one SidecarSet per remaining rule family. Paths and texts as Kruise prints them.
describe('validate: each rule family, with Kruise field paths', () => {
  it('missing-selector', async () => {
    expect(await errorsOf(sidecarSet('t', { selector: undefined, updateStrategy: { type: 'NotUpdate' } }))).toEqual([
      'spec.selector: Required value: no selector defined for SidecarSet',
    ]);
  });

  it('wrong-selector and wrong-namespaceSelector: label values, and the selector does not convert', async () => {
    const expressions = {
      matchLabels: { a: 'b' },
      matchExpressions: [{ key: 'app-name', operator: 'NotIn', values: ['app-group', 'app-risk-'] }],
    };
    const selector = await errorsOf(sidecarSet('t', { selector: expressions }));
    expect(selector).toHaveLength(2);
    expect(selector[0]).toBe(
      `spec.selector.matchExpressions[0].values[1]: Invalid value: "app-risk-": ${LABEL_VALUE_RULE}`,
    );
    expect(selector[1]).toMatch(/^spec\.selector\.selector: Invalid value: /);
    const namespaces = await errorsOf(sidecarSet('t', { namespaceSelector: expressions }));
    expect(namespaces[0]).toMatch(
      /^spec\.namespaceSelector\.matchExpressions\[0\]\.values\[1\]: Invalid value: "app-risk-"/,
    );
    expect(await errorsOf(sidecarSet('t', { selector: {} }))).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is not valid for sidecarset.',
    ]);
  });

  it('wrong-updateStrategy and the other updateStrategy rules', async () => {
    const scatter = [
      { key: 'key-1', value: 'value-1' },
      { key: 'key-1', value: 'value-1' },
    ];
    expect(
      await errorsOf(sidecarSet('t', { updateStrategy: { type: 'RollingUpdate', scatterStrategy: scatter } })),
    ).toEqual(['spec.updateStrategy.scatterStrategy: Required value: duplicated key=key-1 value=value-1']);
    const both = await errorsOf(
      sidecarSet('t', { updateStrategy: { partition: 2, selector: { matchLabels: { a: 'b' } } } }),
    );
    expect(both).toEqual([
      expect.stringMatching(/^updateStrategy: Invalid value: .*: Partition and Selector cannot be used together$/),
    ]);
    const priority = {
      weightPriority: [{ weight: 50, matchSelector: { matchLabels: { a: 'b' } } }],
      orderPriority: [{ orderedKey: 'k' }],
    };
    expect(
      await errorsOf(sidecarSet('t', { updateStrategy: { maxUnavailable: -1, priorityStrategy: priority } })),
    ).toEqual([
      'spec.updateStrategy.maxUnavailable: Invalid value: -1: must be greater than or equal to 0',
      'spec.updateStrategy.priorityStrategy: Required value: only one of weightPriority and orderPriority can be used',
    ]);
  });

  it('injectionStrategy.revision: not-existing-injectionStrategy, both names empty, unknown policy', async () => {
    expect(
      await errorsOf(
        sidecarSet('t', {
          injectionStrategy: { revision: { revisionName: 'test-sidecarset-678235', policy: 'Always' } },
        }),
      ),
    ).toEqual([
      'revision: Invalid value: null: Cannot find specific ControllerRevision, err: controllerrevisions.apps "test-sidecarset-678235" not found',
    ]);
    expect(await errorsOf(sidecarSet('t', { injectionStrategy: { revision: { policy: 'Sometimes' } } }))).toEqual([
      'revision: Invalid value: map[string]string{"policy":"Sometimes"}: revisionName and customVersion cannot be empty simultaneously',
      'revision.policy: Invalid value: map[string]string{"policy":"Sometimes"}: Invalid policy Sometimes, supported: [Always, Partial]',
    ]);
  });

  it('the ControllerRevisions must be among the inputs', async () => {
    const alone = await cli(['validate', '-f', fixture('revision/log-agent-sidecarset.yaml')]);
    expect(alone.code).toBe(1);
    expect(alone.stdout).toContain('  revision: Invalid value: null: Cannot find specific ControllerRevision');
    const together = await cli([
      'validate',
      '-f',
      fixture('revision/log-agent-sidecarset.yaml'),
      '-f',
      fixture('revision/log-agent-revisions.yaml'),
    ]);
    expect(together.code).toBe(0);
  });

  it('missing-container, wrong-initContainer', async () => {
    expect(await errorsOf(sidecarSet('t', { updateStrategy: { type: 'NotUpdate' }, containers: undefined }))).toEqual([
      'spec: Required value: no initContainer or container defined for SidecarSet',
    ]);
    expect(
      await errorsOf(
        sidecarSet('t', {
          updateStrategy: { type: 'NotUpdate' },
          containers: undefined,
          initContainers: [{ name: 'test-sidecar' }],
        }),
      ),
    ).toEqual(['spec.initContainers[0].image: Required value']);
  });

  it('containers: podInjectPolicy, shareVolumePolicy, transferEnv field refs', async () => {
    const container = {
      name: 'test-sidecar',
      image: 'test-image',
      podInjectPolicy: 'Somewhere',
      shareVolumePolicy: { type: 'sometimes' },
      transferEnv: [{ sourceContainerNameFrom: { fieldRef: { fieldPath: 'spec.nodeName' } }, envName: 'X' }],
    };
    expect(await errorsOf(sidecarSet('t', { containers: [container] }))).toEqual([
      'spec.container.podInjectPolicy: Invalid value: "Somewhere": unsupported pod inject policy',
      'spec.container.shareVolumePolicy: Invalid value: map[string]string{"type":"sometimes"}: unsupported share volume policy',
      'spec[0].transferEnv.fieldRef.fieldPath: Invalid value: "spec.nodeName": error converting fieldPath: field label not supported: spec.nodeName',
    ]);
  });

  it('resourcesPolicy: resources-policy-and-resources-conflict, initContainer-with-resources-policy-forbidden, expressions', async () => {
    const policy = { targetContainersMode: 'sum', resourcesExpr: { limits: { cpu: 'cpu*50%' } } };
    const withResources = {
      name: 'test-sidecar',
      image: 'test-image',
      resources: { limits: { cpu: '100m', memory: '100Mi' } },
      resourcesPolicy: policy,
    };
    expect(await errorsOf(sidecarSet('t', { containers: [withResources] }))).toEqual([
      'spec[0].resourcesPolicy: Invalid value: {"targetContainersMode":"sum","targetContainersNameRegex":".*","resourcesExpr":{"limits":{"cpu":"cpu*50%"}}}: resourcesPolicy and resources cannot be configured together',
    ]);
    const plainInit = { name: 'test-init', image: 'test-image', resourcesPolicy: policy };
    expect(await errorsOf(sidecarSet('t', { containers: undefined, initContainers: [plainInit] }))).toEqual([
      expect.stringMatching(
        /^spec\[0\]\.resourcesPolicy: Invalid value: .*: resourcesPolicy is only supported for containers with RestartPolicy Always$/,
      ),
    ]);
    // native-sidecar-initContainer-with-resources-policy-allowed
    const nativeInit = { ...plainInit, restartPolicy: 'Always' };
    expect(
      await errorsOf(
        sidecarSet('t', { updateStrategy: { type: 'NotUpdate' }, containers: undefined, initContainers: [nativeInit] }),
      ),
    ).toEqual([]);
    const bad = {
      name: 'test-sidecar',
      image: 'test-image',
      resourcesPolicy: {
        targetContainersMode: 'sum',
        targetContainersNameRegex: '(',
        resourcesExpr: { limits: { cpu: 'cpu**2' } },
      },
    };
    expect(await errorsOf(sidecarSet('t', { containers: [bad] }))).toEqual([
      'spec[0].resourcesPolicy.targetContainersNameRegex: Invalid value: "(": invalid regex pattern: error parsing regexp: missing closing ): `(`',
      'spec[0].resourcesPolicy.resourcesExpr.limits.cpu: Invalid value: "cpu**2": invalid expression: parse error: syntax error at line 1, col 6',
    ]);
  });

  it('core Pod validation of the sidecar containers and volumes', async () => {
    const first = {
      name: 'Bad_Name',
      image: 'agent:1',
      ports: [{ containerPort: 70000 }],
      env: [{ name: '1=x' }],
      livenessProbe: { exec: { command: ['true'] }, successThreshold: 2 },
      volumeMounts: [{ name: 'nowhere', mountPath: '/x' }],
    };
    expect(await errorsOf(sidecarSet('t', { containers: [first, { name: 'Bad_Name', image: 'agent:2' }] }))).toEqual([
      `spec.containers[0].name: Invalid value: "Bad_Name": ${DNS_LABEL_RULE}`,
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      expect.stringMatching(
        /^spec\.containers\[0\]\.env\[0\]\.name: Invalid value: "1=x": a valid environment variable name must/,
      ),
      'spec.containers[0].volumeMounts[0].name: Not found: "nowhere"',
      'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
      `spec.containers[1].name: Invalid value: "Bad_Name": ${DNS_LABEL_RULE}`,
      'spec.containers[1].name: Duplicate value: "Bad_Name"',
    ]);
  });

  it('wrong-volumeDevice-volumes and volumeDevice-volumeMount-path-conflict', async () => {
    const device = {
      name: 'test-sidecar',
      image: 'test-image',
      volumeDevices: [{ name: 'disk0', devicePath: '/home/admin/log' }],
    };
    expect(await errorsOf(sidecarSet('t', { containers: [device] }))).toEqual([
      'spec.containers[0].volumeDevices[0].name: Not found: "disk0"',
    ]);
    const volumes = [
      { name: 'disk0', persistentVolumeClaim: { claimName: 'pvc-0' } },
      { name: 'log', emptyDir: {} },
    ];
    const both = { ...device, volumeMounts: [{ name: 'log', mountPath: '/home/admin/log' }] };
    expect(await errorsOf(sidecarSet('t', { containers: [both], volumes }))).toEqual([
      'spec.containers[0].volumeMounts[0].mountPath: Invalid value: "/home/admin/log": must not already exist as a path in volumeDevices',
      'spec.containers[0].volumeDevices[0].devicePath: Invalid value: "/home/admin/log": must not already exist as a path in volumeMounts',
    ]);
  });

  it('a native sidecar (init container, restartPolicy Always) cannot be rolled in place', async () => {
    // two of them: the API server answers each distinct message once
    const init = (name: string) => ({ name, image: 'test-image', restartPolicy: 'Always' });
    expect(
      await errorsOf(sidecarSet('t', { containers: undefined, initContainers: [init('one'), init('two')] })),
    ).toEqual(['spec.updateStrategy: Required value: The initContainer in-place upgrade is not currently supported.']);
    expect(
      await errorsOf(
        sidecarSet('t', {
          updateStrategy: { type: 'NotUpdate' },
          containers: undefined,
          initContainers: [init('one')],
        }),
      ),
    ).toEqual([]);
  });

  it('metadata: name rule and length, labels', async () => {
    const long = 'x'.repeat(64);
    expect(await errorsOf(sidecarSet('bad_name'))).toEqual([
      expect.stringMatching(
        /^metadata\.name: Invalid value: "bad_name": sidecarset name must consist of alphanumeric characters or '-'/,
      ),
    ]);
    expect(await errorsOf(sidecarSet(long, {}, { labels: { 'bad key!': 'v' } }))).toEqual([
      `metadata.name: Invalid value: "${long}": must be no more than 63 characters`,
      expect.stringMatching(/^metadata\.labels: Invalid value: "bad key!": name part must consist of/),
    ]);
  });

  it('canary: the base must exist, and a canary does not roll', async () => {
    const canary = { 'apps.kruise.io/sidecarset-canary': 'true', 'apps.kruise.io/sidecarset-base': 'base' };
    const errors = await errorsOf(
      sidecarSet('canary', { updateStrategy: { type: 'RollingUpdate' } }, { annotations: canary }),
    );
    expect(errors).toEqual([
      expect.stringMatching(
        /^metadata: Invalid value: map\[string\]string\{.*\}: fetch base sidecarSet\[base\] failed: sidecarsets\.apps\.kruise\.io "base" not found$/,
      ),
      expect.stringMatching(/^metadata: Invalid value: .*: RollingUpdate is not supported for canary sidecarSet$/),
    ]);
    // With its base given too, the pair is valid, as Kruise admits it: the base is created first (a canary needs
    // its base to exist), and the canary ignores its base.
    const r = await cli(['validate', '--kruise-version', 'master', '-f', '-'], {
      stdin: yaml(
        sidecarSet('canary', { updateStrategy: { type: 'NotUpdate' } }, { annotations: canary }),
        sidecarSet('base'),
      ),
    });
    expect(r.stdout).toBe(
      'sidecarset.apps.kruise.io/canary (<stdin>: document 1): valid\n' +
        'sidecarset.apps.kruise.io/base (<stdin>: document 2): valid\n' +
        '2 SidecarSets valid\n',
    );
    expect(r.code).toBe(0);
  });

  it('patchPodMetadata: its own rules, and the whitelist from kruise-configuration', async () => {
    const patches = [
      { annotations: { key1: 'value1' }, patchPolicy: 'MergePatchJson' },
      { annotations: { key1: 'value1' }, patchPolicy: 'Overwrite' },
      { annotations: {} },
    ];
    // wrong-metadata, plus an empty patch; without a whitelist the cluster policy refuses any patch
    expect(await errorsOf(sidecarSet('t', { patchPodMetadata: patches }))).toEqual([
      'spec.patchPodMetadata: Required value: SidecarSet patch metadata whitelist not found',
      'spec.patchPodMetadata: Required value: patch annotation[key1] already exist',
      'spec.patchPodMetadata: Required value: no annotations defined for SidecarSet',
    ]);
    const patched = sidecarSet('t', {
      patchPodMetadata: [{ annotations: { 'oom-score': '-100' }, patchPolicy: 'Overwrite' }],
    });
    expect(await errorsOf(patched, whitelist('^oom-score$'))).toEqual([]);
    expect(await errorsOf(patched, whitelist('^other$'))).toEqual([
      'spec.patchPodMetadata: Required value: sidecarSet patch metadata annotation(oom-score) is not allowed',
    ]);
  });
});

describe('validate: SidecarSets given together', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });
  const write = (name: string, ...objects: Obj[]) => {
    dir ||= mkdtempSync(path.join(os.tmpdir(), 'sidecarset-validate-'));
    writeFileSync(path.join(dir, name), yaml(...objects));
  };

  it('TestSidecarSetNameConflict test1: same container and init container names, each side reports it', async () => {
    const spec = {
      containers: [{ name: 'container-name', image: 'a:1' }],
      initContainers: [{ name: 'init-name', image: 'a:1' }],
      volumes: [{ name: 'volume-name' }],
    };
    write('a.yaml', sidecarSet('sidecarset1', spec));
    write('b.yaml', sidecarSet('sidecarset2', spec));
    const r = await cli(['validate', '-f', dir]);
    expect(r.code).toBe(1);
    const a = path.join(dir, 'a.yaml');
    const b = path.join(dir, 'b.yaml');
    expect(r.stdout).toBe(
      `sidecarset.apps.kruise.io/sidecarset1 (${a}: document 1): invalid, 2 errors\n` +
        '  spec.containers: Invalid value: "init-name": container init-name already exist in sidecarset2\n' +
        '  spec.containers: Invalid value: "container-name": container container-name already exist in sidecarset2\n' +
        `sidecarset.apps.kruise.io/sidecarset2 (${b}: document 1): invalid, 2 errors\n` +
        '  spec.containers: Invalid value: "init-name": container init-name already exist in sidecarset1\n' +
        '  spec.containers: Invalid value: "container-name": container container-name already exist in sidecarset1\n' +
        '2 of 2 SidecarSets invalid\n',
    );
  });

  it('TestSidecarSetNameConflict test3 / TestSelectorConflict: namespace selectors that cannot overlap keep them apart', async () => {
    const spec = (app: string) => ({
      namespaceSelector: { matchLabels: { app } },
      containers: [{ name: 'container-name', image: 'a:1' }],
    });
    write('a.yaml', sidecarSet('sidecarset1', spec('redis')));
    write('b.yaml', sidecarSet('sidecarset2', spec('nginx')));
    expect((await cli(['validate', '-f', dir])).code).toBe(0);
    write('b.yaml', sidecarSet('sidecarset2', spec('redis')));
    expect((await cli(['validate', '-f', dir])).code).toBe(1);
  });

  it('TestSidecarSetVolumeConflict: same volume name, different definition', async () => {
    const spec = (path: string) => ({
      containers: [{ name: path.slice(1), image: 'a:1' }],
      volumes: [{ name: 'logs', hostPath: { path } }],
    });
    write('a.yaml', sidecarSet('one', spec('/a')));
    write('b.yaml', sidecarSet('two', spec('/a')));
    expect((await cli(['validate', '-f', dir])).code).toBe(1); // same container name "a"
    write('b.yaml', sidecarSet('two', { ...spec('/b'), containers: [{ name: 'b', image: 'a:1' }] }));
    const r = await cli(['validate', '-f', dir, '-o', 'json']);
    const report = JSON.parse(r.stdout);
    expect(report.sidecarSets[0].errors).toEqual([
      {
        field: 'spec.volumes',
        type: 'Invalid',
        message: 'spec.volumes: Invalid value: "logs": volume logs is in conflict with sidecarset two',
        detail: 'volume logs is in conflict with sidecarset two',
        value: 'logs',
      },
    ]);
  });

  it('TestSidecarSetPodMetadataConflict: an annotation patched with Overwrite on either side, whitelist from a ConfigMap file', async () => {
    const spec = (container: string, patchPolicy: string) => ({
      containers: [{ name: container, image: 'a:1' }],
      patchPodMetadata: [{ annotations: { 'oom-score': '-100' }, patchPolicy }],
    });
    write('a.yaml', sidecarSet('one', spec('a', 'Overwrite')));
    write('b.yaml', sidecarSet('two', spec('b', 'MergePatchJson')));
    write('config.yaml', whitelist('^oom-score$'));
    const r = await cli(['validate', '-f', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '  spec.patchPodMetadata: Invalid value: "oom-score": annotation oom-score is in conflict with sidecarset two\n',
    );
    // a Retain patch never conflicts
    write('a.yaml', sidecarSet('one', spec('a', 'Retain')));
    expect((await cli(['validate', '-f', dir])).code).toBe(0);
  });

  it('conflicts are checked only once everything else passes, and the report says so', async () => {
    write('a.yaml', sidecarSet('one', { selector: {} }));
    write('b.yaml', sidecarSet('two'));
    const r = await cli(['validate', '-f', dir]);
    expect(r.stdout).toContain(
      '  spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is not valid for sidecarset.\n' +
        '  warning: conflicts with the other SidecarSets were not checked: Kruise checks them only once everything else passes\n',
    );
    expect(r.stdout).toContain(
      `sidecarset.apps.kruise.io/two (${path.join(dir, 'b.yaml')}: document 1): invalid, 1 error\n`,
    );
  });
});

describe('validate: reporting', () => {
  it('a SidecarSet that cannot be decoded is reported, and the others are still checked', async () => {
    const bad = sidecarSet('bad', { containers: [{ name: 'agent', image: 'a:1', ports: [{ containerPort: '80' }] }] });
    const r = await cli(['validate', '-f', '-'], {
      stdin: yaml(bad, sidecarSet('good', { containers: [{ name: 'other', image: 'a:1' }] })),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      'sidecarset.apps.kruise.io/bad (<stdin>: document 1): invalid, 1 error\n' +
        '  spec.containers[0].ports[0].containerPort: expected an integer (int32), got the string "80" (Kruise\'s webhook cannot decode this SidecarSet)\n' +
        'sidecarset.apps.kruise.io/good (<stdin>: document 2): valid\n' +
        '1 of 2 SidecarSets invalid\n',
    );
  });

  it('a SidecarSet given twice', async () => {
    const r = await cli(['validate', '-f', '-'], { stdin: yaml(sidecarSet('twin'), sidecarSet('twin')) });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'sidecarset.apps.kruise.io/twin (<stdin>: document 2): invalid, 1 error\n  metadata.name: Duplicate value: "twin": already given in <stdin>: document 1\n',
    );
  });

  it('-o json: the documented schema', async () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [sidecarSet('listed', { containers: [{ name: 'listed', image: 'a:1' }] })],
    };
    const decode = sidecarSet('undecodable', { containers: [{ name: 'agent', image: 7 }] });
    const r = await cli(['validate', '-f', '-', '-o', 'json'], {
      stdin: yaml(sidecarSet('good'), sidecarSet('bad', { containers: [{ name: 'x' }] }), list, decode),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      valid: false,
      sidecarSets: [
        {
          name: 'good',
          ref: 'sidecarset.apps.kruise.io/good',
          source: '<stdin>',
          document: 1,
          valid: true,
          errors: [],
          warnings: [],
        },
        {
          name: 'bad',
          ref: 'sidecarset.apps.kruise.io/bad',
          source: '<stdin>',
          document: 2,
          valid: false,
          errors: [
            {
              field: 'spec.containers[0].image',
              type: 'Required',
              message: 'spec.containers[0].image: Required value',
              detail: '',
            },
          ],
          warnings: [
            'conflicts with the other SidecarSets were not checked: Kruise checks them only once everything else passes',
          ],
        },
        {
          name: 'listed',
          ref: 'sidecarset.apps.kruise.io/listed',
          source: '<stdin>',
          document: 3,
          item: 1,
          valid: true,
          errors: [],
          warnings: [],
        },
        {
          name: 'undecodable',
          ref: 'sidecarset.apps.kruise.io/undecodable',
          source: '<stdin>',
          document: 4,
          valid: false,
          errors: [
            {
              field: 'spec.containers[0].image',
              type: 'Decode',
              message:
                "spec.containers[0].image: expected a string, got number 7 (Kruise's webhook cannot decode this SidecarSet)",
              detail: "expected a string, got number 7 (Kruise's webhook cannot decode this SidecarSet)",
            },
          ],
          warnings: [],
        },
      ],
    });
    const ok = await cli(['validate', '-f', fixture('efk'), '-o', 'json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).valid).toBe(true);
  });

  it('usage mistakes exit 2', async () => {
    for (const argv of [
      ['validate'],
      ['validate', '-f', fixture('efk'), '-o', 'yaml'],
      ['validate', '-f', '-', '-f', '-'],
    ]) {
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
  });
});

// validateSidecarSetUpdate: the stored object (--stored) is the old one of the update.
describe('validate --stored: an update of the stored SidecarSet', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });
  const file = (name: string, ...objects: Obj[]) => {
    dir ||= mkdtempSync(path.join(os.tmpdir(), 'sidecarset-stored-'));
    writeFileSync(path.join(dir, name), yaml(...objects));
    return path.join(dir, name);
  };
  const container = (name: string, upgradeType?: string) => ({
    name,
    image: 'a:1',
    ...(upgradeType ? { upgradeStrategy: { upgradeType } } : {}),
  });

  it('upgradeType is immutable and every container must already be stored (TestValidateSidecarSet update cases)', async () => {
    const stored = file('stored.yaml', sidecarSet('log', { containers: [container('agent', 'ColdUpgrade')] }));
    const next = file(
      'new.yaml',
      sidecarSet('log', { containers: [container('agent', 'HotUpgrade'), container('extra')] }),
    );
    const created = await cli(['validate', '-f', next, '-o', 'json']);
    expect(JSON.parse(created.stdout).sidecarSets[0].errors.map((e: { message: string }) => e.message)).not.toContain(
      'spec.containers.name: Invalid value: "extra": container extra is not found',
    );
    const r = await cli(['validate', '-f', next, '--stored', stored, '-o', 'json']);
    expect(r.code).toBe(1);
    const messages = JSON.parse(r.stdout).sidecarSets[0].errors.map((e: { message: string }) => e.message);
    expect(messages).toContain(
      'spec.containers.upgradeStrategy.upgradeType: Invalid value: "agent": container agent upgradeType is immutable',
    );
    expect(messages).toContain('spec.containers.name: Invalid value: "extra": container extra is not found');
  });

  it('an unchanged stored SidecarSet is a valid update; another name is a create', async () => {
    const stored = file('stored.yaml', sidecarSet('log', { containers: [container('agent')] }));
    expect((await cli(['validate', '-f', stored, '--stored', stored])).code).toBe(0);
    const other = file('other.yaml', sidecarSet('mesh', { containers: [container('proxy')] }));
    expect((await cli(['validate', '-f', other, '--stored', stored])).stdout).toMatch(/valid\n1 SidecarSet valid\n$/);
  });

  it('the other stored SidecarSets stand for the cluster: conflicts and the canary base', async () => {
    const canary = { 'apps.kruise.io/sidecarset-canary': 'true', 'apps.kruise.io/sidecarset-base': 'log' };
    const stored = file(
      'stored.yaml',
      sidecarSet('log', { containers: [container('agent')] }),
      sidecarSet(
        'log-canary',
        { updateStrategy: { type: 'NotUpdate' }, containers: [container('agent')] },
        {
          annotations: { ...canary, 'apps.kruise.io/sidecarset-base': 'old' },
        },
      ),
    );
    const conflicting = file('mesh.yaml', sidecarSet('mesh', { containers: [container('agent')] }));
    const r = await cli(['validate', '-f', conflicting, '--stored', stored]);
    expect(r.stdout).toContain('spec.containers: Invalid value: "agent": container agent already exist in log');
    // a canary's base annotation is immutable on update; its base is found among the stored objects
    const moved = file(
      'canary.yaml',
      sidecarSet(
        'log-canary',
        { updateStrategy: { type: 'NotUpdate' }, containers: [container('agent')] },
        {
          annotations: canary,
        },
      ),
    );
    const c = await cli(['validate', '--kruise-version', 'master', '-f', moved, '--stored', stored]);
    expect(c.code).toBe(1);
    expect(c.stdout).toMatch(
      /metadata: Invalid value: map\[string\]string\{.*\}: annotations\[apps\.kruise\.io\/sidecarset-base\] is immutable\n/,
    );
    expect(c.stdout).not.toContain('fetch base');
  });

  it('--stored and --live together are a usage error', async () => {
    const r = await cli(['validate', '-f', '-', '--stored', 'x.yaml', '--live'], { stdin: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--stored and --live/);
  });
});

// Each message against the Kruise format string it follows (pkg/webhook/sidecarset/validating, apimachinery's
// field.Error: %q for strings, %#v for structs and maps, the value's String() where it has one).
describe('validate: message text as Kruise formats it', () => {
  const cases: { format: string; spec: Obj; message: string }[] = [
    {
      format: 'field.Invalid(fldPath, selector /* %#v */, "empty selector is not valid for sidecarset.")',
      spec: { selector: { matchLabels: {} } },
      message:
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is not valid for sidecarset.',
    },
    {
      format:
        'field.Invalid(field.NewPath("updateStrategy"), fmt.Sprintf("%++v", strategy) /* %q */, "Partition and Selector cannot be used together")',
      spec: { updateStrategy: { type: 'RollingUpdate', partition: 1, selector: { matchLabels: { a: 'b' } } } },
      message:
        'updateStrategy: Invalid value: "&{Type:RollingUpdate Paused:false Selector:&LabelSelector{MatchLabels:map[string]string{a: b,},MatchExpressions:[]LabelSelectorRequirement{},} Partition:1 MaxUnavailable:1 PriorityStrategy:<nil> ScatterStrategy:[]}": Partition and Selector cannot be used together',
    },
  ];
  it.each(cases)('$format', async ({ spec, message }) => {
    expect(await errorsOf(sidecarSet('t', spec))).toContain(message);
  });
});
