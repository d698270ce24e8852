import { describe, expect, it } from 'vitest';
import { SidecarsetError } from '../../src/errors.js';
import { Container, Probe, ResourceRequirements } from '../../src/k8s/json/core-v1.js';
import { decodeGo } from '../../src/k8s/json/decode.js';
import { encodeGo } from '../../src/k8s/json/encode.js';
import { compareGoStrings } from '../../src/go/sort.js';
import { map, quantity, slice, str } from '../../src/k8s/json/schema.js';
import { SidecarContainer, SidecarSetV1beta1 } from '../../src/kruise/apis/schema.js';

// Expected bytes below are written from the field tables of hash-encoding.md §6, not from our output.

const everyType = {
  tty: true,
  image: 'busybox:1.36',
  name: 'sidecar',
  command: ['sh', '-c', 'a && b'],
  args: [],
  workingDir: '',
  ports: [{ protocol: 'UDP', containerPort: 53, name: 'dns' }, { hostPort: 0 }],
  envFrom: [{ configMapRef: { name: 'cm', optional: false } }, { prefix: 'P_', secretRef: {} }],
  env: [
    { name: 'A', value: '<x>' },
    { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
    { name: 'K', valueFrom: { configMapKeyRef: { name: 'cm' } } },
    { name: 'S', valueFrom: { secretKeyRef: { key: 'k', name: 's', optional: true } } },
  ],
  resources: {
    requests: { memory: '1.5Gi', cpu: 0.5 },
    limits: { 'example.com/x': '1', cpu: '1000m' },
    claims: [{ name: 'gpu' }],
  },
  resizePolicy: [{ resourceName: 'cpu' }],
  restartPolicy: 'Always',
  volumeMounts: [{ mountPath: '/data', name: 'data', readOnly: false, mountPropagation: '' }],
  volumeDevices: [{ name: 'dev' }],
  livenessProbe: { periodSeconds: 5, grpc: { port: 9090 } },
  readinessProbe: {
    initialDelaySeconds: 3,
    httpGet: { port: '8080', httpHeaders: [{ name: 'X' }] },
    terminationGracePeriodSeconds: 0,
  },
  startupProbe: { tcpSocket: { port: 'http' }, exec: { command: ['true'] } },
  lifecycle: { preStop: { sleep: {} }, postStart: { httpGet: {} } },
  terminationMessagePolicy: 'File',
  securityContext: {
    privileged: false,
    runAsUser: 0,
    capabilities: { drop: ['ALL'], add: [] },
    seccompProfile: {},
    appArmorProfile: { type: 'Localhost', localhostProfile: '' },
    seLinuxOptions: { level: 's0' },
    windowsOptions: { hostProcess: false },
  },
  stdin: false,
  podInjectPolicy: 'AfterAppContainer',
  shareVolumeDevicePolicy: {},
  transferEnv: [{ envName: 'E', sourceContainerNameFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } }],
  resourcesPolicy: { resourcesExpr: {} },
  Name: 'keys are case-sensitive',
  unknownField: 1,
};

const everyTypeGo =
  '{"name":"sidecar","image":"busybox:1.36","command":["sh","-c","a \\u0026\\u0026 b"],' +
  '"ports":[{"name":"dns","containerPort":53,"protocol":"UDP"},{"containerPort":0}],' +
  '"envFrom":[{"configMapRef":{"name":"cm","optional":false}},{"prefix":"P_","secretRef":{}}],' +
  '"env":[{"name":"A","value":"\\u003cx\\u003e"},' +
  '{"name":"POD","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},' +
  '{"name":"CPU","valueFrom":{"resourceFieldRef":{"resource":"limits.cpu","divisor":"0"}}},' +
  '{"name":"K","valueFrom":{"configMapKeyRef":{"name":"cm","key":""}}},' +
  '{"name":"S","valueFrom":{"secretKeyRef":{"name":"s","key":"k","optional":true}}}],' +
  '"resources":{"limits":{"cpu":"1","example.com/x":"1"},"requests":{"cpu":"500m","memory":"1536Mi"},"claims":[{"name":"gpu"}]},' +
  '"resizePolicy":[{"resourceName":"cpu","restartPolicy":""}],' +
  '"restartPolicy":"Always",' +
  '"volumeMounts":[{"name":"data","mountPath":"/data","mountPropagation":""}],' +
  '"volumeDevices":[{"name":"dev","devicePath":""}],' +
  '"livenessProbe":{"grpc":{"port":9090,"service":null},"periodSeconds":5},' +
  '"readinessProbe":{"httpGet":{"port":"8080","httpHeaders":[{"name":"X","value":""}]},"initialDelaySeconds":3,"terminationGracePeriodSeconds":0},' +
  '"startupProbe":{"exec":{"command":["true"]},"tcpSocket":{"port":"http"}},' +
  '"lifecycle":{"postStart":{"httpGet":{"port":0}},"preStop":{"sleep":{"seconds":0}}},' +
  '"terminationMessagePolicy":"File",' +
  '"securityContext":{"capabilities":{"drop":["ALL"]},"privileged":false,"seLinuxOptions":{"level":"s0"},' +
  '"windowsOptions":{"hostProcess":false},"runAsUser":0,"seccompProfile":{"type":""},' +
  '"appArmorProfile":{"type":"Localhost","localhostProfile":""}},' +
  '"tty":true,' +
  '"podInjectPolicy":"AfterAppContainer","upgradeStrategy":{},"shareVolumePolicy":{},"shareVolumeDevicePolicy":{},' +
  '"transferEnv":[{"sourceContainerNameFrom":{"fieldRef":{"fieldPath":"metadata.labels[\'app\']"}},"envName":"E"}],' +
  '"resourcesPolicy":{"targetContainersMode":"","resourcesExpr":{}}}';

describe('encodeGo: encoding/json.Marshal of a SidecarContainer', () => {
  it('writes every nested type in Go field order with Go omitempty rules', () => {
    expect(encodeGo(decodeGo(everyType, SidecarContainer, 'c'), SidecarContainer)).toBe(everyTypeGo);
  });

  it('gives the same bytes for the undecoded wire value', () => {
    const { Name: _n, unknownField: _u, ...known } = everyType;
    expect(encodeGo(known, SidecarContainer)).toBe(everyTypeGo);
  });

  it('writes a bare container with its always-present structs', () => {
    expect(encodeGo({ name: 'container1', image: 'test-image' }, SidecarContainer)).toBe(
      '{"name":"container1","image":"test-image","resources":{},"upgradeStrategy":{},"shareVolumePolicy":{}}',
    );
    expect(encodeGo({}, Container)).toBe('{"name":"","resources":{}}');
  });

  it('escapes <, >, &, U+2028 and U+2029 as Go does', () => {
    const c = { name: 'x', args: ['a && b', '<tag>', 'line\u2028sep\u2029', 'tab\t"q"\\', '\u007f é 😀'] };
    expect(encodeGo(c, Container)).toBe(
      '{"name":"x","args":["a \\u0026\\u0026 b","\\u003ctag\\u003e","line\\u2028sep\\u2029","tab\\t\\"q\\"\\\\","\u007f é 😀"],"resources":{}}',
    );
  });

  it('puts the inlined probe handler before initialDelaySeconds', () => {
    const probe = { failureThreshold: 2, initialDelaySeconds: 1, httpGet: { scheme: 'HTTP', path: '/', port: 80 } };
    expect(encodeGo(probe, Probe)).toBe(
      '{"httpGet":{"path":"/","port":80,"scheme":"HTTP"},"initialDelaySeconds":1,"failureThreshold":2}',
    );
  });

  it('keeps IntOrString strings as strings, even numeric ones', () => {
    expect(encodeGo({ tcpSocket: { port: '8080' } }, Probe)).toBe('{"tcpSocket":{"port":"8080"}}');
    expect(encodeGo({ tcpSocket: { port: 8080 } }, Probe)).toBe('{"tcpSocket":{"port":8080}}');
    expect(encodeGo({ tcpSocket: {} }, Probe)).toBe('{"tcpSocket":{"port":0}}');
  });

  it('writes grpc service null when unset and "" when explicitly empty', () => {
    expect(encodeGo({ grpc: { port: 1 } }, Probe)).toBe('{"grpc":{"port":1,"service":null}}');
    expect(encodeGo({ grpc: { port: 1, service: '' } }, Probe)).toBe('{"grpc":{"port":1,"service":""}}');
  });

  it('keeps explicit false / 0 / "" / {} behind pointers', () => {
    const c = {
      name: 'x',
      restartPolicy: '',
      securityContext: { privileged: false, runAsUser: 0, runAsNonRoot: false, procMount: '' },
      shareVolumeDevicePolicy: {},
      envFrom: [{ secretRef: { optional: false } }],
    };
    expect(encodeGo(c, SidecarContainer)).toBe(
      '{"name":"x","envFrom":[{"secretRef":{"optional":false}}],"resources":{},"restartPolicy":"",' +
        '"securityContext":{"privileged":false,"runAsUser":0,"runAsNonRoot":false,"procMount":""},' +
        '"upgradeStrategy":{},"shareVolumePolicy":{},"shareVolumeDevicePolicy":{}}',
    );
  });

  it('writes non-omitempty zero values', () => {
    const c = { name: '', env: [{ valueFrom: { fieldRef: {}, secretKeyRef: {} } }], volumeMounts: [{}] };
    expect(encodeGo(c, Container)).toBe(
      '{"name":"","env":[{"name":"","valueFrom":{"fieldRef":{"fieldPath":""},"secretKeyRef":{"key":""}}}],' +
        '"resources":{},"volumeMounts":[{"name":"","mountPath":""}]}',
    );
  });

  it('omits false, 0, "" and empty lists and maps behind omitempty values', () => {
    const c = {
      name: 'x',
      stdin: false,
      workingDir: '',
      command: [],
      env: [],
      resources: { limits: {}, requests: {} },
    };
    expect(encodeGo(c, Container)).toBe('{"name":"x","resources":{}}');
  });

  it('sorts map keys by UTF-8 bytes', () => {
    const r = {
      limits: { memory: '1', 'hugepages-2Mi': '1', cpu: '1', 'example.com/x': '1', 'ephemeral-storage': '1' },
    };
    expect(encodeGo(r, ResourceRequirements)).toBe(
      '{"limits":{"cpu":"1","ephemeral-storage":"1","example.com/x":"1","hugepages-2Mi":"1","memory":"1"}}',
    );
    // integer-like keys are not reordered numerically, as JS objects would
    expect(encodeGo({ '9': 'a', '10': 'b' }, map(str))).toBe('{"10":"b","9":"a"}');
    expect(compareGoStrings('\uffff', '\u{10000}')).toBeLessThan(0);
    expect(encodeGo({ '<k>': 'v' }, map(str))).toBe('{"\\u003ck\\u003e":"v"}');
  });

  it('writes quantities as apimachinery marshals them, without rounding', () => {
    const r = {
      requests: { a: '1.5', b: '1000m', c: '1.5Gi', d: '+1', e: '01', f: '01Gi', g: '0.0001', h: 2, i: '100m' },
    };
    expect(encodeGo(r, ResourceRequirements)).toBe(
      '{"requests":{"a":"1500m","b":"1","c":"1536Mi","d":"+1","e":"01","f":"01Gi","g":"100u","h":"2","i":"100m"}}',
    );
  });

  it('writes nil lists as null and empty lists as []', () => {
    expect(encodeGo(undefined, slice(SidecarContainer))).toBe('null');
    expect(encodeGo([], slice(SidecarContainer))).toBe('[]');
  });
});

describe("decodeGo: what Kruise's decoder accepts and keeps", () => {
  const decodeSpec = (spec: unknown) => decodeGo({ spec }, SidecarSetV1beta1, '') as { spec: Record<string, unknown> };
  const reject = (spec: unknown, field: string) => {
    let err: unknown;
    try {
      decodeSpec(spec);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SidecarsetError);
    expect((err as SidecarsetError).place.field).toBe(field);
    expect((err as SidecarsetError).fieldMessage).toContain(field);
  };

  it('rejects a string where an int32 is expected', () => {
    reject(
      { containers: [{ name: 'a', ports: [{ containerPort: '80' }] }] },
      'spec.containers[0].ports[0].containerPort',
    );
  });
  it('rejects a fractional int32', () => {
    reject(
      { containers: [{ name: 'a', ports: [{ containerPort: 80.5 }] }] },
      'spec.containers[0].ports[0].containerPort',
    );
  });
  it('rejects an int32 out of range', () => {
    reject(
      { containers: [{ name: 'a', ports: [{ containerPort: 2 ** 31 }] }] },
      'spec.containers[0].ports[0].containerPort',
    );
  });
  it('rejects an object where a string is expected', () => {
    reject({ initContainers: [{ name: 'a', image: { repo: 'x' } }] }, 'spec.initContainers[0].image');
  });
  it('rejects a list where a struct is expected', () => {
    reject({ containers: [{ name: 'a', resources: [] }] }, 'spec.containers[0].resources');
  });
  it('rejects a bad quantity, naming the resource', () => {
    reject(
      { containers: [{ name: 'a', resources: { limits: { cpu: '1 core' } } }] },
      'spec.containers[0].resources.limits[cpu]',
    );
  });
  it('rejects a boolean IntOrString', () => {
    reject(
      { containers: [{ name: 'a', livenessProbe: { httpGet: { port: true } } }] },
      'spec.containers[0].livenessProbe.httpGet.port',
    );
  });
  it('rejects a wrong type outside containers too', () => {
    reject({ revisionHistoryLimit: '10' }, 'spec.revisionHistoryLimit');
    reject({ selector: { matchLabels: { app: 1 } } }, 'spec.selector.matchLabels[app]');
  });

  it('accepts integral floats (kubectl sends 80.0 as 80)', () => {
    const { spec } = decodeSpec({ containers: [{ name: 'a', ports: [{ containerPort: 80.0 }] }] });
    expect(spec.containers).toEqual([{ name: 'a', ports: [{ containerPort: 80 }] }]);
  });

  it('drops unknown and wrongly-cased keys and nulls, keeps empty lists, orders keys like Go', () => {
    const { spec } = decodeSpec({
      containers: [
        { image: 'x', Name: 'A', name: 'a', extra: { deep: 1 }, env: [], command: null, securityContext: null },
      ],
      initContainers: [],
      typo: true,
    });
    expect(spec).toEqual({ initContainers: [], containers: [{ name: 'a', image: 'x', env: [] }] });
    expect(Object.keys((spec.containers as object[])[0])).toEqual(['name', 'image', 'env']);
    expect(Object.keys(spec)).toEqual(['initContainers', 'containers']);
  });

  it('turns null list and map entries into Go zero values', () => {
    const { spec } = decodeSpec({ containers: [{ name: 'a', args: [null], resources: { limits: { cpu: null } } }] });
    expect(spec.containers).toEqual([{ name: 'a', args: [''], resources: { limits: { cpu: '0' } } }]);
  });

  it('keeps quantity text as written (defaults round and rewrite it later)', () => {
    const { spec } = decodeSpec({
      containers: [{ name: 'a', resources: { limits: { cpu: 0.5, memory: ' 1.5Gi ' } } }],
    });
    expect(spec.containers).toEqual([{ name: 'a', resources: { limits: { cpu: 0.5, memory: ' 1.5Gi ' } } }]);
  });

  it('carries volume sources untyped but drops unknown volume keys', () => {
    const { spec } = decodeSpec({ volumes: [{ secret: { secretName: 's', x: 1 }, name: 'v', bogus: {} }] });
    expect(spec.volumes).toEqual([{ name: 'v', secret: { secretName: 's', x: 1 } }]);
  });

  it('does not mutate its input', () => {
    const input = { containers: [{ name: 'a', extra: 1, resources: { limits: { cpu: '1' } } }] };
    const before = structuredClone(input);
    const { spec } = decodeSpec(input);
    (spec.containers as { name: string }[])[0].name = 'changed';
    expect(input).toEqual(before);
  });

  it('a decoded value encodes like the original', () => {
    const wire = { limits: { cpu: '1.5' } };
    expect(encodeGo(decodeGo(wire, ResourceRequirements, 'r'), ResourceRequirements)).toBe(
      encodeGo(wire, ResourceRequirements),
    );
    expect(encodeGo(decodeGo(null, quantity, 'q'), quantity)).toBe('"0"');
  });
});
