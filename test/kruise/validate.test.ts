// Kruise's SidecarSet validating webhook, ported from sidecarset_validating_test.go (TestValidateSidecarSet,
// TestValidateSidecarSetCanaryAnnotations), sidecarset_hotupgrade_test.go (TestSidecarSetUpdateConflict)
// and util_test.go (TestValidateSidecarSetPatchMetadataWhitelist).
import { kruiseProfile } from '../../src/kruise/apis/version.js';

// master: the release with canary SidecarSets, which these scenarios include
const MASTER = kruiseProfile('master');
import { describe, expect, it } from 'vitest';
import type { ControllerRevision, ObjectMeta } from '../../src/k8s/api.js';
import type { SidecarContainer, SidecarSet, SidecarSetSpec } from '../../src/kruise/apis/types.js';
import {
  formatFieldError,
  parsePatchPodMetadataWhitelist,
  validateSidecarSet,
  type ValidationContext,
} from '../../src/kruise/validate/index.js';
import { validateCanaryAnnotations } from '../../src/kruise/validate/metadata.js';
import { validateContainerUpdate } from '../../src/kruise/validate/container-update.js';
import { patchMetadataWhitelistError } from '../../src/kruise/validate/patch-metadata.js';
import { SidecarsetError } from '../../src/errors.js';

function sidecarSet(name: string, spec: SidecarSetSpec, metadata: Partial<ObjectMeta> = {}): SidecarSet {
  return { apiVersion: 'apps.kruise.io/v1beta1', kind: 'SidecarSet', metadata: { name, ...metadata }, spec };
}

/** A sidecar container as the Go tests write it (defaults filled in by hand). */
function sidecar(overrides: Partial<SidecarContainer> = {}): SidecarContainer {
  return {
    name: 'test-sidecar',
    image: 'test-image',
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePolicy: 'File',
    podInjectPolicy: 'BeforeAppContainer',
    shareVolumePolicy: { type: 'disabled' },
    upgradeStrategy: { upgradeType: 'ColdUpgrade' },
    ...overrides,
  };
}

function context(overrides: Partial<ValidationContext> = {}): ValidationContext {
  return { others: [], revisions: [], patchPodMetadataWhitelist: undefined, profile: MASTER, ...overrides };
}

const ab = { matchLabels: { a: 'b' } };
const notUpdate = { type: 'NotUpdate' };

describe('TestValidateSidecarSet', () => {
  const revisions: ControllerRevision[] = [
    { kind: 'ControllerRevision', metadata: { name: 'test-sidecarset-01234' } },
    { kind: 'ControllerRevision', metadata: { name: 'test-sidecarset-56789' } },
  ];
  // The Go test turns SidecarSetPatchPodMetadataDefaultsAllowed on.
  const ctx = context({ revisions, patchPodMetadataDefaultsAllowed: true });

  const cases: { name: string; spec: SidecarSetSpec; fields: string[] }[] = [
    {
      name: 'missing-selector',
      spec: { updateStrategy: notUpdate, containers: [sidecar()] },
      fields: ['spec.selector'],
    },
    {
      name: 'wrong-updateStrategy',
      spec: {
        selector: ab,
        updateStrategy: {
          type: 'RollingUpdate',
          scatterStrategy: [
            { key: 'key-1', value: 'value-1' },
            { key: 'key-1', value: 'value-1' },
          ],
        },
        containers: [sidecar()],
      },
      fields: ['spec.updateStrategy.scatterStrategy'],
    },
    {
      name: 'wrong-selector',
      spec: {
        selector: {
          matchLabels: { a: 'b' },
          matchExpressions: [{ key: 'app-name', operator: 'NotIn', values: ['app-group', 'app-risk-'] }],
        },
        containers: [sidecar({ shareVolumePolicy: { type: 'enabled' } })],
      },
      fields: ['spec.selector.matchExpressions[0].values[1]', 'spec.selector.selector'],
    },
    {
      name: 'wrong-namespaceSelector',
      spec: {
        selector: {
          matchLabels: { a: 'b' },
          matchExpressions: [{ key: 'app-name', operator: 'NotIn', values: ['app-group', 'app-risk'] }],
        },
        namespaceSelector: {
          matchLabels: { a: 'b' },
          matchExpressions: [{ key: 'app-name', operator: 'NotIn', values: ['app-group', 'app-risk-'] }],
        },
        containers: [sidecar({ shareVolumePolicy: { type: 'enabled' } })],
      },
      fields: ['spec.namespaceSelector.matchExpressions[0].values[1]', 'spec.namespaceSelector.selector'],
    },
    {
      name: 'wrong-namespace-selector',
      spec: {
        selector: {
          matchLabels: { a: 'b' },
          matchExpressions: [{ key: 'app-name', operator: 'NotIn', values: ['app-group', 'app-risk'] }],
        },
        namespaceSelector: { matchLabels: { a: 'b' } },
        containers: [sidecar({ shareVolumePolicy: { type: 'enabled' } })],
      },
      fields: [],
    },
    {
      name: 'wrong-initContainer',
      spec: {
        selector: ab,
        updateStrategy: notUpdate,
        initContainers: [{ name: 'test-sidecar', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' }],
      },
      fields: ['spec.initContainers[0].image'],
    },
    {
      name: 'missing-container',
      spec: { selector: ab, updateStrategy: notUpdate },
      fields: ['spec'],
    },
    {
      name: 'wrong-containers',
      spec: { selector: ab, updateStrategy: notUpdate, containers: [sidecar({ shareVolumePolicy: undefined })] },
      fields: ['spec.container.shareVolumePolicy'],
    },
    {
      name: 'wrong-volumes',
      spec: {
        selector: ab,
        updateStrategy: notUpdate,
        containers: [sidecar()],
        volumes: [
          { name: 'test-volume' },
          {
            name: 'istio-token',
            projected: {
              defaultMode: 420,
              sources: [
                { serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } },
              ],
            },
          },
        ],
      },
      fields: ['spec.volumes[0]'],
    },
    {
      name: 'wrong-volumeDevice-volumes',
      spec: {
        selector: ab,
        updateStrategy: notUpdate,
        containers: [sidecar({ volumeDevices: [{ name: 'disk0', devicePath: '/dev/nvme1' }] })],
      },
      fields: ['spec.containers[0].volumeDevices[0].name'],
    },
    {
      name: 'right-volumeDevice-volumes',
      spec: {
        selector: ab,
        updateStrategy: notUpdate,
        containers: [sidecar({ volumeDevices: [{ name: 'disk0', devicePath: '/dev/nvme1' }] })],
        volumes: [{ name: 'disk0', persistentVolumeClaim: { claimName: 'pvc-0' } }],
      },
      fields: [],
    },
    {
      name: 'volumeDevice-volumeMount-path-conflict',
      spec: {
        selector: ab,
        updateStrategy: notUpdate,
        containers: [
          sidecar({
            volumeDevices: [{ name: 'disk0', devicePath: '/home/admin/log' }],
            volumeMounts: [{ name: 'log', mountPath: '/home/admin/log' }],
          }),
        ],
        volumes: [
          { name: 'disk0', persistentVolumeClaim: { claimName: 'pvc-0' } },
          { name: 'log', emptyDir: {} },
        ],
      },
      fields: ['spec.containers[0].volumeMounts[0].mountPath', 'spec.containers[0].volumeDevices[0].devicePath'],
    },
    {
      name: 'wrong-metadata',
      spec: {
        selector: ab,
        updateStrategy: notUpdate,
        containers: [sidecar()],
        patchPodMetadata: [
          { annotations: { key1: 'value1' }, patchPolicy: 'MergePatchJson' },
          { annotations: { key1: 'value1' }, patchPolicy: 'Overwrite' },
        ],
      },
      fields: ['spec.patchPodMetadata'],
    },
    {
      name: 'wrong-name-injectionStrategy',
      spec: {
        selector: ab,
        injectionStrategy: { revision: { customVersion: 'normal-sidecarset-01234' } },
        updateStrategy: notUpdate,
        containers: [sidecar()],
      },
      fields: ['revision'],
    },
    {
      name: 'not-existing-injectionStrategy',
      spec: {
        selector: ab,
        injectionStrategy: { revision: { revisionName: 'test-sidecarset-678235', policy: 'Always' } },
        updateStrategy: notUpdate,
        containers: [sidecar()],
      },
      fields: ['revision'],
    },
    {
      name: 'The initContainer in-place upgrade is not currently supported.',
      spec: {
        selector: ab,
        updateStrategy: { type: 'RollingUpdate' },
        initContainers: [sidecar({ restartPolicy: 'Always' })],
      },
      fields: ['spec.updateStrategy'],
    },
    {
      name: 'resources-policy-and-resources-conflict',
      spec: {
        selector: { matchLabels: { app: 'test' } },
        containers: [
          sidecar({
            resources: { limits: { cpu: '100m', memory: '100Mi' } },
            resourcesPolicy: { targetContainersMode: 'sum', resourcesExpr: { limits: { cpu: 'cpu*50%' } } },
          }),
        ],
      },
      fields: ['spec[0].resourcesPolicy'],
    },
    {
      name: 'invalid-target-container-mode',
      spec: {
        selector: { matchLabels: { app: 'test' } },
        containers: [
          sidecar({
            resourcesPolicy: { targetContainersMode: 'invalid', resourcesExpr: { limits: { cpu: 'cpu*50%' } } },
          }),
        ],
      },
      fields: ['spec[0].resourcesPolicy.targetContainersNameRegex'],
    },
    {
      name: 'initContainer-with-resources-policy-forbidden',
      spec: {
        selector: { matchLabels: { app: 'test' } },
        initContainers: [
          sidecar({
            name: 'test-init',
            resourcesPolicy: {
              targetContainersMode: 'sum',
              targetContainersNameRegex: '.*',
              resourcesExpr: { limits: { cpu: 'cpu*50%' } },
            },
          }),
        ],
      },
      fields: ['spec[0].resourcesPolicy'],
    },
    {
      name: 'native-sidecar-initContainer-with-resources-policy-allowed',
      spec: {
        selector: { matchLabels: { app: 'test' } },
        updateStrategy: notUpdate,
        initContainers: [
          sidecar({
            name: 'test-init',
            restartPolicy: 'Always',
            resourcesPolicy: {
              targetContainersMode: 'sum',
              targetContainersNameRegex: '.*',
              resourcesExpr: { limits: { cpu: 'cpu*50%' } },
            },
          }),
        ],
      },
      fields: [],
    },
  ];

  it.each(cases)('$name', ({ spec, fields }) => {
    const result = validateSidecarSet(sidecarSet('test-sidecarset', spec), ctx);
    expect(result.errors.map((e) => e.field)).toEqual(fields);
    expect(result.clusterPolicy).toEqual([]);
  });

  it('prints errors as the API server does', () => {
    const messages = (spec: SidecarSetSpec) =>
      validateSidecarSet(sidecarSet('test-sidecarset', spec), ctx).errors.map(formatFieldError);
    expect(messages(cases[5].spec)).toEqual(['spec.initContainers[0].image: Required value']);
    expect(messages(cases[0].spec)).toEqual(['spec.selector: Required value: no selector defined for SidecarSet']);
    expect(messages(cases[8].spec)).toEqual(['spec.volumes[0]: Required value: must specify a volume type']);
    expect(messages(cases[9].spec)).toEqual(['spec.containers[0].volumeDevices[0].name: Not found: "disk0"']);
    expect(messages(cases[14].spec)).toEqual([
      'revision: Invalid value: null: Cannot find specific ControllerRevision, err: controllerrevisions.apps "test-sidecarset-678235" not found',
    ]);
    expect(messages(cases[12].spec)).toEqual([
      'spec.patchPodMetadata: Required value: patch annotation[key1] already exist',
    ]);
  });

  it('finds a revision by custom version through its labels', () => {
    const labelled: ControllerRevision = {
      kind: 'ControllerRevision',
      metadata: {
        name: 'test-sidecarset-abcde',
        labels: {
          'kruise.io/sidecarset-name': 'test-sidecarset',
          'apps.kruise.io/sidecarset-custom-version': 'normal-sidecarset-01234',
        },
      },
    };
    const result = validateSidecarSet(
      sidecarSet('test-sidecarset', cases[13].spec),
      context({ revisions: [labelled] }),
    );
    expect(result.errors).toEqual([]);
  });

  it('reports a missing patch whitelist as cluster policy, apart from the other errors', () => {
    const result = validateSidecarSet(sidecarSet('test-sidecarset', cases[12].spec), context({ revisions }));
    expect(result.errors.map((e) => e.field)).toEqual(['spec.patchPodMetadata']);
    expect(result.clusterPolicy.map(formatFieldError)).toEqual([
      'spec.patchPodMetadata: Required value: SidecarSet patch metadata whitelist not found',
    ]);
  });

  it('validates the metadata name with the SidecarSet name rule', () => {
    const result = validateSidecarSet(
      sidecarSet('bad_name', { selector: ab, updateStrategy: notUpdate, containers: [sidecar()] }),
      ctx,
    );
    expect(result.errors.map(formatFieldError)).toEqual([
      `metadata.name: Invalid value: "bad_name": sidecarset name must consist of alphanumeric characters or '-' (e.g. 'example-com', regex used for validation is '^[a-zA-Z0-9\\-]+$')`,
    ]);
  });

  it('runs the conflict checks only when everything else passed', () => {
    const other = sidecarSet('other', { selector: ab, containers: [sidecar()] });
    const good = sidecarSet('test-sidecarset', { selector: ab, updateStrategy: notUpdate, containers: [sidecar()] });
    expect(validateSidecarSet(good, context({ others: [other] })).errors.map(formatFieldError)).toEqual([
      'spec.containers: Invalid value: "test-sidecar": container test-sidecar already exist in other',
    ]);
    const bad = sidecarSet('test-sidecarset', { updateStrategy: notUpdate, containers: [sidecar()] });
    expect(validateSidecarSet(bad, context({ others: [other] })).errors.map((e) => e.field)).toEqual(['spec.selector']);
  });
});

describe('TestValidateSidecarSetCanaryAnnotations', () => {
  const canary = (base: string, type = 'NotUpdate') =>
    sidecarSet(
      'test-sidecarset',
      { updateStrategy: { type } },
      {
        annotations: { 'apps.kruise.io/sidecarset-canary': 'true', 'apps.kruise.io/sidecarset-base': base },
      },
    );
  const plain = (name: string) => sidecarSet(name, {});

  const cases: { name: string; obj: SidecarSet; older?: SidecarSet; cluster: SidecarSet[]; details: string[] }[] = [
    {
      name: 'non-canary sidecarset',
      obj: sidecarSet('test-sidecarset', {}, { annotations: {} }),
      cluster: [],
      details: [],
    },
    {
      name: 'canary sidecarset with base set to itself',
      obj: canary('test-sidecarset'),
      cluster: [plain('test-sidecarset')],
      details: ['base sidecarSet cannot be itself'],
    },
    {
      name: 'canary sidecarset with valid base that exists',
      obj: canary('base-sidecarset'),
      cluster: [plain('base-sidecarset')],
      details: [],
    },
    {
      name: 'canary sidecarset with valid base that exists, but base is canary',
      obj: canary('base1-sidecarset'),
      cluster: [
        sidecarSet(
          'base1-sidecarset',
          {},
          {
            annotations: {
              'apps.kruise.io/sidecarset-canary': 'true',
              'apps.kruise.io/sidecarset-base': 'other-base-sidecarset',
            },
          },
        ),
      ],
      details: ['base sidecarSet cannot be canary'],
    },
    {
      name: 'canary sidecarset with base that does not exist',
      obj: canary('nonexistent-sidecarset'),
      cluster: [],
      details: [
        'fetch base sidecarSet[nonexistent-sidecarset] failed: sidecarsets.apps.kruise.io "nonexistent-sidecarset" not found',
      ],
    },
    {
      name: 'updating canary sidecarset with unchanged base',
      obj: canary('base-sidecarset'),
      older: canary('base-sidecarset'),
      cluster: [plain('base-sidecarset')],
      details: [],
    },
    {
      name: 'updating canary sidecarset with changed base',
      obj: canary('new-base-sidecarset'),
      older: canary('old-base-sidecarset'),
      cluster: [plain('new-base-sidecarset'), plain('old-base-sidecarset')],
      details: ['annotations[apps.kruise.io/sidecarset-base] is immutable'],
    },
    {
      name: 'canary sidecarset with RollingUpdate strategy',
      obj: canary('base-sidecarset', 'RollingUpdate'),
      cluster: [plain('base-sidecarset')],
      details: ['RollingUpdate is not supported for canary sidecarSet'],
    },
  ];

  it.each(cases)('$name', ({ obj, older, cluster, details }) => {
    const errs = validateCanaryAnnotations(obj, cluster, older);
    expect(errs.map((e) => e.type)).toEqual(details.map(() => 'Invalid'));
    expect(errs.map((e) => e.field)).toEqual(details.map(() => 'metadata'));
    expect(errs.map((e) => e.message)).toEqual(details);
  });

  it('reaches the canary rules through validateSidecarSet', () => {
    const obj = canary('base-sidecarset', 'RollingUpdate');
    obj.spec = { ...obj.spec, selector: ab, containers: [sidecar()] };
    const errors = validateSidecarSet(obj, context({ others: [plain('base-sidecarset')] })).errors;
    expect(errors.map(formatFieldError)).toEqual([
      'metadata: Invalid value: map[string]string{"apps.kruise.io/sidecarset-base":"base-sidecarset", "apps.kruise.io/sidecarset-canary":"true"}: RollingUpdate is not supported for canary sidecarSet',
    ]);
  });
});

describe('TestSidecarSetUpdateConflict', () => {
  it('refuses changing a container upgradeType', () => {
    const oldContainers = [{ name: 'test', upgradeStrategy: { upgradeType: 'ColdUpgrade' } }];
    const newContainers = [{ name: 'test', upgradeStrategy: { upgradeType: 'HotUpgrade' } }];
    // same argument order as the Go test
    const errs = validateContainerUpdate(oldContainers, newContainers, 'spec.containers');
    expect(errs.map(formatFieldError)).toEqual([
      'spec.containers.upgradeStrategy.upgradeType: Invalid value: "test": container test upgradeType is immutable',
    ]);
  });

  it('refuses a container the stored SidecarSet does not have, through validateSidecarSet', () => {
    const older = sidecarSet('test-sidecarset', { selector: ab, updateStrategy: notUpdate, containers: [sidecar()] });
    const obj = sidecarSet('test-sidecarset', {
      selector: ab,
      updateStrategy: notUpdate,
      containers: [sidecar({ name: 'other' })],
    });
    expect(validateSidecarSet(obj, context({ older })).errors.map(formatFieldError)).toEqual([
      'spec.containers.name: Invalid value: "other": container other is not found',
    ]);
  });
});

describe('TestValidateSidecarSetPatchMetadataWhitelist', () => {
  const demo = (patched: boolean) =>
    sidecarSet(
      'test-sidecarset',
      {
        containers: [{ name: 'cold-sidecar', image: 'cold-image:v1', upgradeStrategy: { upgradeType: 'ColdUpgrade' } }],
        ...(patched ? { patchPodMetadata: [{ annotations: { key1: 'value1' } }] } : {}),
      },
      { labels: { app: 'sidecar' } },
    );
  const whitelist = (json: string) => parsePatchPodMetadataWhitelist({ SidecarSet_PatchPodMetadata_WhiteList: json });

  it.each([
    { name: 'validate sidecarSet no patch Metadata', patched: false, json: undefined, expectErr: false },
    { name: 'validate sidecarSet whitelist failed-1', patched: true, json: undefined, expectErr: true },
    {
      name: 'validate sidecarSet whitelist success-1',
      patched: true,
      json: '{"rules":[{"allowedAnnotationKeyExprs":["key.*"]}]}',
      expectErr: false,
    },
    {
      name: 'validate sidecarSet whitelist failed-2',
      patched: true,
      json: '{"rules":[{"allowedAnnotationKeyExprs":["key2"]}]}',
      expectErr: true,
    },
    {
      name: 'validate sidecarSet whitelist failed-3',
      patched: true,
      json: '{"rules":[{"allowedAnnotationKeyExprs":["key.*"],"selector":{"matchLabels":{"app":"other"}}}]}',
      expectErr: true,
    },
    {
      name: 'validate sidecarSet whitelist success-2',
      patched: true,
      json: '{"rules":[{"allowedAnnotationKeyExprs":["key.*"],"selector":{"matchLabels":{"app":"sidecar"}}}]}',
      expectErr: false,
    },
  ])('$name', ({ patched, json, expectErr }) => {
    const err = patchMetadataWhitelistError(demo(patched), json === undefined ? undefined : whitelist(json));
    expect(err !== undefined).toBe(expectErr);
  });

  it('names the key that is not allowed', () => {
    expect(
      patchMetadataWhitelistError(demo(true), whitelist('{"rules":[{"allowedAnnotationKeyExprs":["key2"]}]}')),
    ).toBe('sidecarSet patch metadata annotation(key1) is not allowed');
    expect(patchMetadataWhitelistError(demo(true), whitelist('{"rules":[]}'))).toBe(
      'sidecarSet patch metadata annotation is not allowed',
    );
    expect(patchMetadataWhitelistError(demo(true), whitelist('{"rules":[]}'), true)).toBeUndefined();
  });

  it('parses the ConfigMap data', () => {
    expect(parsePatchPodMetadataWhitelist({})).toBeUndefined();
    expect(whitelist('{"rules":[{"allowedAnnotationKeyExprs":["a"],"selector":{"matchLabels":{"x":"y"}}}]}')).toEqual({
      rules: [{ allowedAnnotationKeyExprs: ['a'], selector: { matchLabels: { x: 'y' } } }],
    });
    expect(() => whitelist('{"invalid-json')).toThrow(SidecarsetError);
    expect(() => whitelist('{"rules":{}}')).toThrow(SidecarsetError);
  });
});
