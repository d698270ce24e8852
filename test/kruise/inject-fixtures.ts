// Objects of Kruise's pkg/webhook/pod/mutating/sidecarset_test.go, in wire shape. Like Kruise's tests they are
// not defaulted: the injection sees exactly these fields.
import { kruiseProfile } from '../../src/kruise/apis/version.js';
import type { ControllerRevision, Pod } from '../../src/k8s/api.js';
import type { SidecarSet } from '../../src/kruise/apis/types.js';
import type { InjectionContext } from '../../src/kruise/inject/index.js';

export const NOW = '2024-05-06T07:08:09Z';

export function ctx(sidecarSets: SidecarSet[], extra: Partial<InjectionContext> = {}): InjectionContext {
  return { sidecarSets, namespaces: new Map(), revisions: [], now: NOW, profile: kruiseProfile(), ...extra };
}

export function copy<T>(v: T): T {
  return structuredClone(v);
}

const HASH = 'kruise.io/sidecarset-hash';

export const sidecarSet1: SidecarSet = {
  apiVersion: 'apps.kruise.io/v1beta1',
  kind: 'SidecarSet',
  metadata: { name: 'sidecarset1', annotations: { [HASH]: 'c4k2dbb95d' }, labels: {} },
  spec: {
    selector: { matchLabels: { app: 'suxing-test' } },
    initContainers: [
      { name: 'init-2', image: 'busybox:1.0.0' },
      { name: 'init-1', image: 'busybox:1.0.0' },
    ],
    containers: [
      {
        name: 'dns-f',
        image: 'dns-f-image:1.0',
        podInjectPolicy: 'BeforeAppContainer',
        shareVolumePolicy: { type: 'disabled' },
      },
      {
        name: 'log-agent',
        image: 'log-agent-image:1.0',
        podInjectPolicy: 'AfterAppContainer',
        shareVolumePolicy: { type: 'disabled' },
      },
    ],
  },
};

export const sidecarSetWithInitContainer: SidecarSet = {
  apiVersion: 'apps.kruise.io/v1beta1',
  kind: 'SidecarSet',
  metadata: { name: 'sidecarset', annotations: { [HASH]: 'c4k2dbb95d' }, labels: {} },
  spec: {
    selector: { matchLabels: { app: 'suxing-test' } },
    initContainers: [
      {
        name: 'dns-e',
        image: 'dns-e-image:1.0',
        volumeMounts: [{ name: 'volume-1', mountPath: '' }],
        transferEnv: [{ sourceContainerName: 'nginx', envName: 'hello2' }],
      },
    ],
    volumes: [{ name: 'volume-1' }],
  },
};

export const sidecarsetWithTransferEnv: SidecarSet = {
  apiVersion: 'apps.kruise.io/v1beta1',
  kind: 'SidecarSet',
  metadata: { name: 'sidecarset2', annotations: { [HASH]: 'c4k2dbb95d' }, labels: {} },
  spec: {
    selector: { matchLabels: { app: 'suxing-test' } },
    initContainers: [
      {
        name: 'dns-e',
        image: 'dns-e-image:1.0',
        volumeMounts: [{ name: 'volume-1', mountPath: '' }],
        podInjectPolicy: 'BeforeAppContainer',
        transferEnv: [{ sourceContainerName: 'nginx', envName: 'hello2' }],
      },
    ],
    containers: [
      {
        name: 'dns-f',
        image: 'dns-f-image:1.0',
        volumeMounts: [{ name: 'volume-1', mountPath: '' }],
        podInjectPolicy: 'BeforeAppContainer',
        shareVolumePolicy: { type: 'disabled' },
        transferEnv: [{ sourceContainerName: 'nginx', envName: 'hello2' }],
      },
    ],
    volumes: [{ name: 'volume-1' }, { name: 'volume-2' }],
  },
};

export const sidecarSet3: SidecarSet = {
  apiVersion: 'apps.kruise.io/v1beta1',
  kind: 'SidecarSet',
  metadata: { name: 'sidecarset3', annotations: { [HASH]: 'gm967682cm' }, labels: {} },
  spec: {
    selector: { matchLabels: { app: 'suxing-test' } },
    containers: [
      {
        name: 'dns-f',
        image: 'dns-f-image:1.0',
        volumeMounts: [
          { name: 'volume-1', mountPath: '/a/b/c' },
          { name: 'volume-2', mountPath: '/d/e/f' },
        ],
        podInjectPolicy: 'AfterAppContainer',
        shareVolumePolicy: { type: 'enabled' },
      },
      {
        name: 'log-agent',
        image: 'log-agent-image:1.0',
        podInjectPolicy: 'AfterAppContainer',
        shareVolumePolicy: { type: 'disabled' },
      },
    ],
    volumes: [{ name: 'volume-1' }, { name: 'volume-2' }],
  },
};

export const sidecarSetWithStaragent: SidecarSet = {
  apiVersion: 'apps.kruise.io/v1beta1',
  kind: 'SidecarSet',
  metadata: { name: 'sidecarset3', annotations: { [HASH]: 'gm967682cm' }, labels: {} },
  spec: {
    selector: { matchLabels: { app: 'suxing-test' } },
    initContainers: [
      {
        name: 'dns-e',
        image: 'dns-e-image:1.0',
        volumeMounts: [
          { name: 'volume-3', mountPath: '/g/h/i' },
          { name: 'volume-4', mountPath: '/j/k/l' },
          { name: 'volume-staragent', mountPath: '/staragent' },
        ],
        podInjectPolicy: 'BeforeAppContainer',
        shareVolumePolicy: { type: 'enabled' },
      },
    ],
    containers: [
      {
        name: 'dns-f',
        image: 'dns-f-image:1.0',
        volumeMounts: [
          { name: 'volume-1', mountPath: '/a/b/c' },
          { name: 'volume-2', mountPath: '/d/e/f' },
          { name: 'volume-staragent', mountPath: '/staragent' },
        ],
        podInjectPolicy: 'AfterAppContainer',
        shareVolumePolicy: { type: 'enabled' },
      },
      {
        name: 'staragent',
        image: 'staragent-image:1.0',
        podInjectPolicy: 'AfterAppContainer',
        shareVolumePolicy: { type: 'enabled' },
      },
      {
        name: 'log-agent',
        image: 'log-agent-image:1.0',
        podInjectPolicy: 'AfterAppContainer',
        shareVolumePolicy: { type: 'disabled' },
      },
    ],
    volumes: [
      { name: 'volume-1' },
      { name: 'volume-2' },
      { name: 'volume-staragent' },
      { name: 'volume-3' },
      { name: 'volume-4' },
    ],
  },
};

export const pod1: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'test-pod', namespace: 'default', labels: { app: 'suxing-test' } },
  spec: {
    initContainers: [{ name: 'init-0', image: 'busybox:1.0.0' }],
    containers: [
      {
        name: 'nginx',
        image: 'nginx:1.15.1',
        env: [
          { name: 'hello1', value: 'world1' },
          { name: 'hello2', value: 'world2' },
        ],
        volumeMounts: [
          { name: 'volume-a', mountPath: '/a/b' },
          { name: 'volume-b', mountPath: '/e/f' },
        ],
      },
    ],
    volumes: [{ name: 'volume-a' }, { name: 'volume-b' }],
  },
};

export const podWithStaragent: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'test-pod', namespace: 'default', labels: { app: 'suxing-test' } },
  spec: {
    containers: [
      {
        name: 'nginx',
        image: 'nginx:1.15.1',
        env: [
          { name: 'hello1', value: 'world1' },
          { name: 'hello2', value: 'world2' },
        ],
        volumeMounts: [
          { name: 'volume-a', mountPath: '/a/b' },
          { name: 'volume-b', mountPath: '/e/f' },
          { name: 'volume-staragent', mountPath: '/staragent' },
        ],
      },
    ],
    volumes: [{ name: 'volume-a' }, { name: 'volume-b' }, { name: 'volume-staragent' }],
  },
};

/** A ControllerRevision as Kruise records one: data.spec with "$patch": "replace". */
export function controllerRevision(
  name: string,
  spec: Record<string, unknown>,
  meta: { labels?: Record<string, string>; annotations?: Record<string, string>; revision?: number } = {},
): ControllerRevision {
  const out: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: { name, namespace: 'kruise-system', labels: meta.labels ?? {} },
    data: { spec: { $patch: 'replace', ...spec } },
  };
  if (meta.annotations) out.metadata.annotations = meta.annotations;
  if (meta.revision !== undefined) out.revision = meta.revision;
  return out;
}

export function names(list: { name: string }[] | undefined): string[] {
  return (list ?? []).map((c) => c.name);
}
