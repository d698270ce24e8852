// Core Pod validation of the sidecars (corevalidation.ValidatePodCreate on Kruise's fake Pod) and the
// printing of field errors, checked through validateSidecarSet.
import { kruiseProfile } from '../../src/kruise/apis/version.js';
import { describe, expect, it } from 'vitest';
import type { Volume } from '../../src/k8s/api.js';
import type { SidecarContainer, SidecarSet, SidecarSetSpec } from '../../src/kruise/apis/types.js';
import { formatFieldError, validateSidecarSet } from '../../src/kruise/validate/index.js';

function sidecar(overrides: Partial<SidecarContainer> = {}): SidecarContainer {
  return {
    name: 'sidecar',
    image: 'img:1',
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePolicy: 'File',
    terminationMessagePath: '/dev/termination-log',
    podInjectPolicy: 'BeforeAppContainer',
    shareVolumePolicy: { type: 'disabled' },
    upgradeStrategy: { upgradeType: 'ColdUpgrade' },
    ...overrides,
  };
}

function messages(spec: Partial<SidecarSetSpec>): string[] {
  const ss: SidecarSet = {
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: { name: 'test' },
    spec: { selector: { matchLabels: { app: 'x' } }, updateStrategy: { type: 'NotUpdate' }, ...spec },
  };
  return validateSidecarSet(ss, {
    others: [],
    revisions: [],
    patchPodMetadataWhitelist: undefined,
    profile: kruiseProfile(),
  }).errors.map(formatFieldError);
}

const probe = (overrides: Record<string, unknown> = {}) => ({
  httpGet: { path: '/', port: 8080, scheme: 'HTTP' },
  timeoutSeconds: 1,
  periodSeconds: 10,
  successThreshold: 1,
  failureThreshold: 3,
  ...overrides,
});

describe('containers', () => {
  it('accepts a defaulted sidecar', () => {
    expect(
      messages({ containers: [sidecar({ ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }] })] }),
    ).toEqual([]);
  });

  it('requires names to be DNS labels, unique across containers and init containers', () => {
    expect(
      messages({
        containers: [sidecar({ name: 'Bad_Name' }), sidecar({ name: 'dup' }), sidecar({ name: 'dup' })],
        initContainers: [sidecar({ name: 'dup', restartPolicy: 'Always' })],
      }),
    ).toEqual([
      `spec.containers[0].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      'spec.containers[2].name: Duplicate value: "dup"',
      'spec.initContainers[0].name: Duplicate value: "dup"',
    ]);
  });

  it('requires image, pull policy and termination message policy', () => {
    expect(
      messages({ containers: [sidecar({ image: '', imagePullPolicy: '', terminationMessagePolicy: 'Other' })] }),
    ).toEqual([
      'spec.containers[0].image: Required value',
      'spec.containers[0].terminationMessagePolicy: Unsupported value: "Other": supported values: "File", "FallbackToLogsOnError"',
      'spec.containers[0].imagePullPolicy: Required value',
    ]);
    expect(messages({ containers: [sidecar({ imagePullPolicy: 'Sometimes', image: ' img ' })] })).toEqual([
      'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
      'spec.containers[0].image: Invalid value: " img ": must not have leading or trailing whitespace',
    ]);
  });

  it('checks ports', () => {
    const ports = [
      { name: 'http', containerPort: 80, protocol: 'TCP' },
      { name: 'http', containerPort: 70000, protocol: 'TCP' },
      { name: 'Metrics', containerPort: 0, protocol: 'HTTP' },
    ];
    expect(messages({ containers: [sidecar({ ports })] })).toEqual([
      'spec.containers[0].ports[1].name: Duplicate value: "http"',
      'spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[2].name: Invalid value: "Metrics": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.containers[0].ports[2].containerPort: Required value',
      'spec.containers[0].ports[2].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    ]);
  });

  it('checks host ports across containers, and each init container alone', () => {
    const hostPort = [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }];
    expect(
      messages({ containers: [sidecar({ name: 'a', ports: hostPort }), sidecar({ name: 'b', ports: hostPort })] }),
    ).toEqual(['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"']);
    expect(
      messages({
        containers: [sidecar({ name: 'a', ports: hostPort })],
        initContainers: [sidecar({ name: 'b', restartPolicy: 'Always', ports: hostPort })],
      }),
    ).toEqual([]);
  });

  it('checks env names and sources', () => {
    const env = [
      { name: '1BAD', value: 'x' },
      { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'BOTH', value: 'x', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'NONE', valueFrom: {} },
      { name: 'PHASE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.phase' } } },
      { name: 'CM', valueFrom: { configMapKeyRef: { name: 'cm', key: '' } } },
    ];
    expect(messages({ containers: [sidecar({ env })] })).toEqual([
      `spec.containers[0].env[0].name: Invalid value: "1BAD": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')`,
      'spec.containers[0].env[2].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
      'spec.containers[0].env[3].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      'spec.containers[0].env[4].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
      'spec.containers[0].env[5].valueFrom.configMapKeyRef.key: Required value',
    ]);
  });

  it('checks volume mounts against the declared volumes', () => {
    const volumes: Volume[] = [
      { name: 'data', emptyDir: {} },
      { name: 'bad', emptyDir: {}, hostPath: { path: '/x' } },
    ];
    const volumeMounts = [
      { name: 'data', mountPath: '/data' },
      { name: 'data', mountPath: '/data', subPath: '/abs' },
      { name: 'bad', mountPath: '/bad' },
      { name: 'data', mountPath: '/other', subPath: 'a', subPathExpr: '$(POD)' },
    ];
    expect(messages({ containers: [sidecar({ volumeMounts })], volumes })).toEqual([
      'spec.volumes[1].hostPath: Forbidden: may not specify more than 1 volume type',
      'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique',
      'spec.containers[0].volumeMounts.subPath: Invalid value: "/abs": must be a relative path',
      'spec.containers[0].volumeMounts[2].name: Not found: "bad"',
      'spec.containers[0].volumeMounts[3].subPathExpr: Invalid value: "$(POD)": subPathExpr and subPath are mutually exclusive',
    ]);
  });

  it('checks volumes: names, duplicates and sources', () => {
    const volumes: Volume[] = [
      { name: 'a', configMap: { name: 'cm', defaultMode: 0o1000, items: [{ key: 'k', path: '../x' }] } },
      // a volume with errors is not declared, so this one is no duplicate
      { name: 'a', secret: { secretName: 's' } },
      { name: 'a', persistentVolumeClaim: { claimName: 'c' } },
      { name: 'B', emptyDir: {} },
      { name: 'h', hostPath: { path: '/var/log', type: 'Dir' } },
    ];
    expect(messages({ containers: [sidecar()], volumes })).toEqual([
      'spec.volumes[0].configMap.defaultMode: Invalid value: 512: must be a number between 0 and 0777 (octal), both inclusive',
      `spec.volumes[0].configMap.items[0].path: Invalid value: "../x": must not contain '..'`,
      'spec.volumes[2].name: Duplicate value: "a"',
      `spec.volumes[3].name: Invalid value: "B": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      'spec.volumes[4].hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
    ]);
  });

  it('checks resources: quantities, names and requests <= limits', () => {
    const resources = {
      limits: { cpu: '100m', memory: '1Gi', 'example.com/gpu': '1' },
      requests: { cpu: '200m', memory: '-1', 'example.com/gpu': '0.5', foo: '1', 'example.com/fpga': '1' },
    };
    expect(messages({ containers: [sidecar({ resources })] })).toEqual([
      'spec.containers[0].resources.requests: Invalid value: "200m": must be less than or equal to cpu limit of 100m',
      'spec.containers[0].resources.requests[memory]: Invalid value: "-1": must be greater than or equal to 0',
      'spec.containers[0].resources.requests[example.com/gpu]: Invalid value: "500m": must be an integer',
      'spec.containers[0].resources.requests: Invalid value: "500m": must be equal to example.com/gpu limit of 1',
      'spec.containers[0].resources.requests[foo]: Invalid value: "foo": must be a standard resource type or fully qualified',
      'spec.containers[0].resources.requests[foo]: Invalid value: "foo": must be a standard resource for containers',
      'spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources',
    ]);
    expect(messages({ containers: [sidecar({ resources: { limits: { cpu: 'lots' } } })] })).toEqual([
      `spec.containers[0].resources.limits[cpu]: Invalid value: "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    ]);
  });

  it('checks probes and lifecycle hooks', () => {
    const c = sidecar({
      livenessProbe: probe({ successThreshold: 2 }),
      readinessProbe: probe({ httpGet: { path: '/', port: 'Http', scheme: 'HTTP' }, exec: { command: ['true'] } }),
      startupProbe: { httpGet: { port: 8080 }, successThreshold: 1, periodSeconds: -1 },
      lifecycle: { preStop: { sleep: { seconds: 60 } }, postStart: {} },
    });
    expect(messages({ containers: [c] })).toEqual([
      'spec.containers[0].lifecycle.postStart: Required value: must specify a handler type',
      'spec.containers[0].lifecycle.preStop.sleep: Invalid value: 60: must be greater than 0 and less than terminationGracePeriodSeconds (30). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.',
      'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
      'spec.containers[0].readinessProbe.httpGet: Forbidden: may not specify more than 1 handler type',
      'spec.containers[0].startupProbe.httpGet.path: Required value',
      'spec.containers[0].startupProbe.httpGet.scheme: Unsupported value: "": supported values: "HTTP", "HTTPS"',
      'spec.containers[0].startupProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('allows restartPolicy only on init containers, and only Always', () => {
    expect(
      messages({
        containers: [sidecar({ restartPolicy: 'Always' })],
        initContainers: [sidecar({ name: 'init', restartPolicy: 'OnFailure', livenessProbe: probe() })],
      }),
    ).toEqual([
      'spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers',
      'spec.initContainers[0].restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
      'spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
    ]);
  });

  it('gives init-only SidecarSets a stand-in container', () => {
    expect(messages({ initContainers: [sidecar({ name: 'init' })] })).toEqual([]);
    expect(messages({ initContainers: [sidecar({ name: 'test' })] })).toEqual([
      'spec.initContainers[0].name: Duplicate value: "test"',
    ]);
  });

  it('checks the security context', () => {
    const c = sidecar({
      securityContext: {
        runAsUser: -1,
        allowPrivilegeEscalation: false,
        privileged: true,
        seccompProfile: { type: 'Localhost' },
      },
      volumeMounts: [{ name: 'v', mountPath: '/v', mountPropagation: 'Bidirectional' }],
    });
    const msgs = messages({ containers: [c], volumes: [{ name: 'v', emptyDir: {} }] });
    expect(msgs).toEqual([
      'spec.containers[0].securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive',
      'spec.containers[0].securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost',
      expect.stringMatching(
        /^spec\.containers\[0\]\.securityContext: Invalid value: .*cannot set `allowPrivilegeEscalation` to false and `privileged` to true$/,
      ),
    ]);
  });
});

describe('Kruise fields of a sidecar', () => {
  it('reports podInjectPolicy and transferEnv on their irregular paths', () => {
    const c = sidecar({
      podInjectPolicy: 'Sometime',
      transferEnv: [
        {
          sourceContainerNameFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['app']" } },
          envName: 'A',
        },
        { sourceContainerNameFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } }, envName: 'B' },
        { sourceContainerNameFrom: { fieldRef: { fieldPath: "metadata.annotations['x']" } }, envName: 'C' },
      ],
    });
    expect(messages({ containers: [c] })).toEqual([
      'spec.container.podInjectPolicy: Invalid value: "Sometime": unsupported pod inject policy',
      'spec[0].transferEnv.fieldRef.fieldPath: Invalid value: "metadata.name": error converting fieldPath: field label not supported: metadata.name',
      'spec[0].transferEnv.fieldRef.apiVersion: Required value',
    ]);
  });

  it('checks update strategy numbers and selector', () => {
    const spec: Partial<SidecarSetSpec> = {
      containers: [sidecar()],
      updateStrategy: { type: 'RollingUpdate', partition: '50', maxUnavailable: -1, selector: { matchLabels: {} } },
    };
    expect(messages(spec)).toEqual([
      expect.stringMatching(/^updateStrategy: Invalid value: .*: Partition and Selector cannot be used together$/),
      'spec.updateStrategy.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is not valid for sidecarset.',
      `spec.updateStrategy.partition: Invalid value: "50": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
      'spec.updateStrategy.maxUnavailable: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('checks priority strategy terms', () => {
    const withPriority = (priorityStrategy: Record<string, unknown>) =>
      messages({ containers: [sidecar()], updateStrategy: { type: 'RollingUpdate', priorityStrategy } });
    expect(withPriority({ weightPriority: [{ weight: 50, matchSelector: { matchLabels: { a: 'b' } } }] })).toEqual([]);
    expect(withPriority({ weightPriority: [{ weight: 101, matchSelector: { matchLabels: { a: 'b' } } }] })).toEqual([
      'spec.updateStrategy.priorityStrategy: Required value: weight must be valid number in the range 1-100',
    ]);
    expect(withPriority({ orderPriority: [{ orderedKey: '' }] })).toEqual([
      'spec.updateStrategy.priorityStrategy: Required value: order key can not be empty',
    ]);
  });
});
