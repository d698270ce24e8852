import { describe, expect, it } from 'vitest';
import { SidecarsetError } from '../../src/errors.js';
import type { SidecarContainer, SidecarSet, SidecarSetSpec } from '../../src/kruise/apis/types.js';
import { setCrdStructuralDefaults, setDefaultsSidecarSet } from '../../src/kruise/apis/defaults.js';
import {
  defaultImagePullPolicy,
  isContainerImageEqual,
  isImageDigest,
  parseImage,
  parseNormalizedNamed,
} from '../../src/k8s/imageref.js';

const ss = (spec: SidecarSetSpec): SidecarSet => ({
  apiVersion: 'apps.kruise.io/v1beta1',
  kind: 'SidecarSet',
  metadata: { name: 'sidecarset-test' },
  spec,
});
const defaulted = (spec: SidecarSetSpec) => setDefaultsSidecarSet(ss(spec)).spec;
const one = (c: Partial<SidecarContainer>) =>
  defaulted({ containers: [{ name: 'c', image: 'x:1', ...c }] }).containers![0];

// Kruise pkg/webhook/sidecarset/mutating/sidecarset_mutating_test.go TestMutatingSidecarSetFn
describe('TestMutatingSidecarSetFn', () => {
  const spec = defaulted({
    containers: [{ name: 'dns-f', image: 'dns:1.0' }],
    patchPodMetadata: [{ annotations: { key1: 'value1' } }],
    injectionStrategy: { revision: { customVersion: '1' } },
  });
  it('initialises the update strategy', () => {
    expect(spec.updateStrategy).toEqual({ type: 'RollingUpdate', maxUnavailable: 1, partition: 0 });
  });
  it('initialises the container', () => {
    expect(spec.containers![0]).toMatchObject({
      podInjectPolicy: 'BeforeAppContainer',
      shareVolumePolicy: { type: 'disabled' },
      upgradeStrategy: { upgradeType: 'ColdUpgrade' },
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    });
  });
  it('defaults patch policy and injection revision policy', () => {
    expect(spec.patchPodMetadata![0].patchPolicy).toBe('Retain');
    expect(spec.injectionStrategy!.revision!.policy).toBe('Always');
    expect(spec.revisionHistoryLimit).toBe(10);
  });
});

describe('SetDefaultsSidecarSetV1beta1', () => {
  it('keeps an explicit update strategy (TestSidecarSetHandlerWithUpdateStrategy)', () => {
    const s = defaulted({ updateStrategy: { type: 'NotUpdate', partition: 5, maxUnavailable: '20%' } });
    expect(s.updateStrategy).toEqual({ type: 'NotUpdate', partition: 5, maxUnavailable: '20%' });
    expect(defaulted({ updateStrategy: { maxUnavailable: 0 } }).updateStrategy!.maxUnavailable).toBe(0);
  });

  it('keeps explicit revisionHistoryLimit 0 and an explicit patch policy', () => {
    const s = defaulted({ revisionHistoryLimit: 0, patchPodMetadata: [{ patchPolicy: 'Overwrite' }] });
    expect(s.revisionHistoryLimit).toBe(0);
    expect(s.patchPodMetadata![0].patchPolicy).toBe('Overwrite');
  });

  it('defaults init containers to AfterAppContainer', () => {
    const s = defaulted({ initContainers: [{ name: 'i', image: 'i:1' }] });
    expect(s.initContainers![0]).toMatchObject({
      podInjectPolicy: 'AfterAppContainer',
      upgradeStrategy: { upgradeType: 'ColdUpgrade' },
    });
  });

  it('never re-derives explicit container fields', () => {
    const c = one({
      image: 'nginx:1.25',
      imagePullPolicy: 'Always',
      podInjectPolicy: 'AfterAppContainer',
      upgradeStrategy: { upgradeType: 'HotUpgrade', hotUpgradeEmptyImage: 'e:1' },
      shareVolumePolicy: { type: 'enabled' },
      terminationMessagePath: '/tmp/log',
      terminationMessagePolicy: 'FallbackToLogsOnError',
    });
    expect(c).toMatchObject({
      imagePullPolicy: 'Always',
      podInjectPolicy: 'AfterAppContainer',
      upgradeStrategy: { upgradeType: 'HotUpgrade', hotUpgradeEmptyImage: 'e:1' },
      shareVolumePolicy: { type: 'enabled' },
      terminationMessagePath: '/tmp/log',
      terminationMessagePolicy: 'FallbackToLogsOnError',
    });
  });

  it('does not default shareVolumeDevicePolicy, hostPort, securityContext', () => {
    const c = one({ ports: [{ containerPort: 80 }] });
    expect(c.shareVolumeDevicePolicy).toBeUndefined();
    expect(c.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(c.securityContext).toBeUndefined();
  });

  it('defaults liveness and readiness probes but not the startup probe', () => {
    const c = one({
      livenessProbe: { httpGet: { port: 80 } },
      readinessProbe: { periodSeconds: 3, grpc: { port: 9 } },
      startupProbe: { httpGet: { port: 80 } },
    });
    expect(c.livenessProbe).toEqual({
      httpGet: { port: 80, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(c.readinessProbe).toEqual({
      periodSeconds: 3,
      grpc: { port: 9 },
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(c.startupProbe).toEqual({ httpGet: { port: 80 } });
  });

  it('defaults lifecycle httpGet hooks', () => {
    const c = one({
      lifecycle: { postStart: { httpGet: { port: 1, scheme: 'HTTPS' } }, preStop: { exec: { command: ['x'] } } },
    });
    expect(c.lifecycle).toEqual({
      postStart: { httpGet: { port: 1, scheme: 'HTTPS', path: '/' } },
      preStop: { exec: { command: ['x'] } },
    });
  });

  it('defaults env and transferEnv fieldRef apiVersion', () => {
    const c = one({
      env: [
        { name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'B', value: 'b' },
      ],
      transferEnv: [
        { sourceContainerNameFrom: { fieldRef: { fieldPath: "metadata.labels['x']" } }, envName: 'E' },
        { sourceContainerName: 'main', envName: 'F' },
      ],
    });
    expect(c.env).toEqual([
      { name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name', apiVersion: 'v1' } } },
      { name: 'B', value: 'b' },
    ]);
    expect(c.transferEnv![0].sourceContainerNameFrom!.fieldRef).toEqual({
      fieldPath: "metadata.labels['x']",
      apiVersion: 'v1',
    });
    expect(c.transferEnv![1]).toEqual({ sourceContainerName: 'main', envName: 'F' });
  });

  it('fails like Kruise (nil dereference) on sourceContainerNameFrom without fieldRef', () => {
    expect(() => defaulted({ containers: [{ name: 'c', transferEnv: [{ sourceContainerNameFrom: {} }] }] })).toThrow(
      SidecarsetError,
    );
    try {
      defaulted({ initContainers: [{ name: 'c', transferEnv: [{}, { sourceContainerNameFrom: {} }] }] });
    } catch (e) {
      expect((e as SidecarsetError).place.field).toBe(
        'spec.initContainers[0].transferEnv[1].sourceContainerNameFrom.fieldRef',
      );
    }
  });

  it('rounds limits and requests up to milli and writes them as Go does; leaves divisor alone', () => {
    const c = one({
      resources: {
        limits: { cpu: '0.0001', memory: '1.5Gi', a: '1n', b: '+1', c: 1.5, d: '1000m' },
        requests: { cpu: '100m', memory: '01Gi', e: '1.9999999Ki', f: '-0.0001' },
      },
      env: [{ name: 'X', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1n' } } }],
    });
    expect(c.resources).toEqual({
      limits: { cpu: '1m', memory: '1536Mi', a: '1m', b: '+1', c: '1500m', d: '1' },
      requests: { cpu: '100m', memory: '01Gi', e: '2Ki', f: '-1m' },
    });
    expect(c.env![0].valueFrom).toEqual({ resourceFieldRef: { resource: 'limits.cpu', divisor: '1n' } });
  });

  it('does not copy limits into requests as Pod defaulting would', () => {
    expect(one({ resources: { limits: { cpu: '1' } } }).resources).toEqual({ limits: { cpu: '1' } });
  });

  it('defaults volumes like SetDefaultPodVolumes', () => {
    const s = defaulted({
      volumes: [
        { name: 'none' },
        { name: 'host', hostPath: { path: '/x' } },
        { name: 'sec', secret: { secretName: 's' } },
        { name: 'cm', configMap: { name: 'c', defaultMode: 0o400 } },
        { name: 'dapi', downwardAPI: { items: [{ path: 'p', fieldRef: { fieldPath: 'metadata.name' } }] } },
        {
          name: 'proj',
          projected: {
            sources: [
              { serviceAccountToken: { path: 't' } },
              { downwardAPI: { items: [{ path: 'p', fieldRef: { fieldPath: 'metadata.uid' } }] } },
              { serviceAccountToken: { path: 'u', expirationSeconds: 600 } },
            ],
          },
        },
        { name: 'pvc', persistentVolumeClaim: { claimName: 'c' } },
      ],
    });
    expect(s.volumes).toEqual([
      { name: 'none', emptyDir: {} },
      { name: 'host', hostPath: { path: '/x', type: '' } },
      { name: 'sec', secret: { secretName: 's', defaultMode: 420 } },
      { name: 'cm', configMap: { name: 'c', defaultMode: 0o400 } },
      {
        name: 'dapi',
        downwardAPI: {
          items: [{ path: 'p', fieldRef: { fieldPath: 'metadata.name', apiVersion: 'v1' } }],
          defaultMode: 420,
        },
      },
      {
        name: 'proj',
        projected: {
          sources: [
            { serviceAccountToken: { path: 't', expirationSeconds: 3600 } },
            { downwardAPI: { items: [{ path: 'p', fieldRef: { fieldPath: 'metadata.uid', apiVersion: 'v1' } }] } },
            { serviceAccountToken: { path: 'u', expirationSeconds: 600 } },
          ],
          defaultMode: 420,
        },
      },
      { name: 'pvc', persistentVolumeClaim: { claimName: 'c' } },
    ]);
  });

  it('does not mutate its input', () => {
    const input = ss({
      containers: [{ name: 'c', image: 'nginx', resources: { limits: { cpu: '0.0001' } } }],
      volumes: [{ name: 'v' }],
    });
    const before = structuredClone(input);
    setDefaultsSidecarSet(input);
    expect(input).toEqual(before);
  });
});

describe('CRD structural defaults (API server, before the webhook)', () => {
  it('defaults targetContainersNameRegex only when absent', () => {
    const policy = { targetContainersMode: 'sum', resourcesExpr: {} };
    const s = setCrdStructuralDefaults(
      ss({
        containers: [
          { name: 'a', resourcesPolicy: policy },
          { name: 'b', resourcesPolicy: { ...policy, targetContainersNameRegex: '' } },
        ],
        initContainers: [{ name: 'i', restartPolicy: 'Always', resourcesPolicy: policy }],
      }),
    ).spec;
    expect(s.containers![0].resourcesPolicy!.targetContainersNameRegex).toBe('.*');
    expect(s.containers![1].resourcesPolicy!.targetContainersNameRegex).toBe('');
    expect(s.initContainers![0].resourcesPolicy!.targetContainersNameRegex).toBe('.*');
  });

  it('defaults revision policy and imagePullSecrets names', () => {
    const s = setCrdStructuralDefaults(
      ss({ injectionStrategy: { revision: { revisionName: 'r' } }, imagePullSecrets: [{}] }),
    ).spec;
    expect(s.injectionStrategy!.revision!.policy).toBe('Always');
    expect(s.imagePullSecrets).toEqual([{ name: '' }]);
  });

  it('is part of setDefaultsSidecarSet', () => {
    const c = one({ resourcesPolicy: { targetContainersMode: 'max', resourcesExpr: { limits: { cpu: 'cpu*50%' } } } });
    expect(c.resourcesPolicy!.targetContainersNameRegex).toBe('.*');
  });
});

describe('imagePullPolicy derivation (SetDefaults_Container + ParseNormalizedNamed)', () => {
  const digest = 'sha256:a9286defaba7b3a519d585ba0e37d0b2cbee74ebfe590960b0b1d6a5e97d1e1d';
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['docker.io/library/nginx', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    [`nginx@${digest}`, 'IfNotPresent'],
    [`nginx:latest@${digest}`, 'Always'],
    [`nginx:1.25@${digest}`, 'IfNotPresent'],
    ['host:5000/app', 'Always'],
    ['host:5000/app:v2', 'IfNotPresent'],
    ['localhost/app', 'Always'],
    ['[::1]:5000/app', 'Always'],
    ['Nginx', 'IfNotPresent'],
    ['Registry.example.com/app', 'Always'],
    ['registry.example.com/App', 'IfNotPresent'],
    ['', 'IfNotPresent'],
    ['nginx:', 'IfNotPresent'],
    ['nginx@sha256:abc', 'IfNotPresent'],
    [`nginx@md5:${'a'.repeat(32)}`, 'IfNotPresent'],
    [`nginx:latest@sha256:${'A'.repeat(64)}`, 'IfNotPresent'],
    ['a'.repeat(64), 'IfNotPresent'],
    [`${'a'.repeat(250)}/b`, 'Always'],
    [`${'a'.repeat(254)}/b`, 'IfNotPresent'], // path longer than 255
  ])('%j -> %s', (image, policy) => {
    expect(defaultImagePullPolicy(image)).toBe(policy);
    expect(one({ image }).imagePullPolicy).toBe(policy);
  });

  it('handles long invalid names without catastrophic backtracking', () => {
    expect(defaultImagePullPolicy(`${'a-'.repeat(20000)}!`)).toBe('IfNotPresent');
    expect(isImageDigest(`${'a.'.repeat(20000)}/b!`)).toBe(false);
  });

  it('normalizes names as docker does', () => {
    expect(parseNormalizedNamed('nginx:1')).toEqual({ repository: 'docker.io/library/nginx', tag: '1', digest: '' });
    expect(parseNormalizedNamed('index.docker.io/foo/bar')).toEqual({
      repository: 'docker.io/foo/bar',
      tag: '',
      digest: '',
    });
  });
});

// Kruise pkg/util/tools_test.go TestIsContainerImageEqual (ParseImage and IsContainerImageEqual)
describe('TestIsContainerImageEqual', () => {
  const d1 = 'sha256:a9286defaba7b3a519d585ba0e37d0b2cbee74ebfe590960b0b1d6a5e97d1e1d';
  const d2 = 'sha256:a2d86defaba7b3a519d585ba0e37d0b2cbee74ebfe590960b0b1d6a5e97d1e1d';
  it.each([
    ['image tag and equal', 'docker.io/busybox:v1', 'docker.io/busybox:v1', true],
    ['image tag and not equal', 'docker.io/busybox:v1', 'docker.io/busybox:v2', false],
    ['image digest and equal', `docker.io/busybox@${d1}`, `docker.io/busybox@${d1}`, true],
    ['image digest and not equal', `docker.io/busybox@${d1}`, `docker.io/busybox@${d2}`, false],
  ])('%s', (_name, a, b, equal) => {
    expect(isContainerImageEqual(a, b)).toBe(equal);
  });

  it('splits images into repository, tag and digest', () => {
    expect(parseImage('docker.io/busybox:v1')).toEqual({ repository: 'docker.io/busybox', tag: 'v1', digest: '' });
    expect(parseImage(`docker.io/busybox@${d1}`)).toEqual({ repository: 'docker.io/busybox', tag: '', digest: d1 });
    expect(parseImage('busybox')).toEqual({ repository: 'busybox', tag: '', digest: '' });
    expect(parseImage('host:5000/ns/app:1.0')).toEqual({ repository: 'host:5000/ns/app', tag: '1.0', digest: '' });
    expect(isImageDigest(`busybox@${d1}`)).toBe(true);
    expect(isImageDigest('busybox:1')).toBe(false);
    expect(() => parseImage('Busybox')).toThrow(SidecarsetError);
    expect(isContainerImageEqual('Busybox', 'Busybox')).toBe(false);
  });
});
