import { describe, expect, it } from 'vitest';
import type { SidecarContainer, SidecarSet } from '../../src/kruise/apis/types.js';
import { setDefaultsSidecarSet } from '../../src/kruise/apis/defaults.js';
import {
  encodeSidecarSetContainers,
  safeEncodeString,
  sidecarSetHash,
  sidecarSetHashWithoutImage,
} from '../../src/kruise/sidecarcontrol/hash.js';

function sidecarSet(containers?: SidecarContainer[], initContainers?: SidecarContainer[]): SidecarSet {
  return {
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: { name: 'test-sidecar-set' },
    spec: { containers, initContainers },
  };
}
const container1 = (): SidecarContainer => ({ name: 'container1', image: 'test-image' });
const nativeContainer1 = (): SidecarContainer => ({ ...container1(), restartPolicy: 'Always' });

// Kruise pkg/control/sidecarcontrol/hash_test.go: the v1alpha1 and v1beta1 variants expect the same hashes.
describe('TestSidecarSetHash / TestSidecarSetHashV1beta1', () => {
  it.each([
    [
      'containers',
      () => sidecarSet([container1()]),
      'w26c4x8fz245642fdv499b464248f974xddx4x55z5dw55bc6x66464fxz77dc78',
    ],
    [
      'containers and initContainers',
      () => sidecarSet([container1()], [container1()]),
      'w26c4x8fz245642fdv499b464248f974xddx4x55z5dw55bc6x66464fxz77dc78',
    ],
    [
      'containers and initContainers with restartPolicy=Always',
      () => sidecarSet([container1()], [nativeContainer1()]),
      '4xwx4d4844vd4v9x79wb4xbxf4xb29475cc4446v8cz2c2f2f5c5bw448vd42z8w',
    ],
  ])('%s', (_name, make, expected) => {
    const ss = make();
    expect(sidecarSetHash(ss)).toBe(expected);
    ss.spec.containers![0].image = 'new-image';
    expect(sidecarSetHash(ss)).not.toBe(expected);
  });
});

describe('TestSidecarSetHashWithoutImage / TestSidecarSetHashWithoutImageV1beta1', () => {
  it.each([
    [
      'containers and initContainers',
      () => sidecarSet([container1()], [container1()]),
      '8wzddb4dvv9c6x8zdc77z4z75987424f457dfv6724ddw6zbdx467wz5x24fc759',
    ],
    [
      'containers and initContainers with restartPolicy=Always',
      () => sidecarSet([container1()], [nativeContainer1()]),
      '5725fw8bwbx249bw57v5892c847dzf48bww9zb7c86xb95264fdz26654847b2c8',
    ],
  ])('%s', (_name, make, expected) => {
    const ss = make();
    expect(sidecarSetHashWithoutImage(ss)).toBe(expected);
    ss.spec.containers![0].image = 'new-image';
    ss.spec.initContainers![0].image = 'new-image';
    expect(sidecarSetHashWithoutImage(ss)).toBe(expected);
    ss.spec.containers![0].name = 'new-name';
    expect(sidecarSetHashWithoutImage(ss)).not.toBe(expected);
  });
});

describe('TestEncodeSidecarSetV1alpha1 / V1beta1 and the hashed bytes', () => {
  it('empty containers encode as [] and absent ones as null, with different hashes', () => {
    expect(encodeSidecarSetContainers([], undefined)).toBe('{"containers":[]}');
    expect(encodeSidecarSetContainers(undefined, undefined)).toBe('{"containers":null}');
    expect(sidecarSetHash(sidecarSet([]))).not.toBe(sidecarSetHash(sidecarSet(undefined)));
  });

  it('multiple containers keep their order', () => {
    expect(
      encodeSidecarSetContainers(
        [
          { name: 'c1', image: 'img1' },
          { name: 'c2', image: 'img2' },
        ],
        undefined,
      ),
    ).toBe(
      '{"containers":[' +
        '{"name":"c1","image":"img1","resources":{},"upgradeStrategy":{},"shareVolumePolicy":{}},' +
        '{"name":"c2","image":"img2","resources":{},"upgradeStrategy":{},"shareVolumePolicy":{}}]}',
    );
  });

  it('hashes init containers only when one is a native sidecar, and then all of them', () => {
    const plain: SidecarContainer = { name: 'init', image: 'i' };
    const native: SidecarContainer = { name: 'native', image: 'n', restartPolicy: 'Always' };
    expect(encodeSidecarSetContainers([], [plain])).toBe('{"containers":[]}');
    expect(encodeSidecarSetContainers([], [{ ...plain, restartPolicy: 'OnFailure' }])).toBe('{"containers":[]}');
    expect(encodeSidecarSetContainers([], [plain, native])).toBe(
      '{"containers":[],"initContainers":[' +
        '{"name":"init","image":"i","resources":{},"upgradeStrategy":{},"shareVolumePolicy":{}},' +
        '{"name":"native","image":"n","resources":{},"restartPolicy":"Always","upgradeStrategy":{},"shareVolumePolicy":{}}]}',
    );
  });

  it('the undefaulted example of hash-encoding.md §1', () => {
    expect(encodeSidecarSetContainers([container1()], undefined)).toBe(
      '{"containers":[{"name":"container1","image":"test-image","resources":{},"upgradeStrategy":{},"shareVolumePolicy":{}}]}',
    );
  });
});

// Kruise pkg/webhook/sidecarset/mutating/sidecarset_mutating_test.go (TestMutatingSidecarSetFn)
describe('hashes after defaulting', () => {
  const dnsF = () => setDefaultsSidecarSet(sidecarSet([{ name: 'dns-f', image: 'dns:1.0' }]));

  it('hashes the defaulted bytes of hash-encoding.md §1', () => {
    expect(encodeSidecarSetContainers(dnsF().spec.containers, undefined)).toBe(
      '{"containers":[{"name":"dns-f","image":"dns:1.0","resources":{},"terminationMessagePath":"/dev/termination-log",' +
        '"terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent","podInjectPolicy":"BeforeAppContainer",' +
        '"upgradeStrategy":{"upgradeType":"ColdUpgrade"},"shareVolumePolicy":{"type":"disabled"}}]}',
    );
    expect(sidecarSetHash(dnsF())).toBe('6wbd76bd7984x24fb4f44fv9222cw9v9bcf85x766744wddd4zwx927zzz2zb684');
    expect(sidecarSetHashWithoutImage(dnsF())).toBe('82684vwf9d4cb4wz4vffx4ddfbb47ww4z4wwxdbwb8w2zbb7zvf4524cdd49bv94');
  });

  it('blanks the image after defaulting, so an untagged image keeps pull policy Always', () => {
    const tagged = setDefaultsSidecarSet(sidecarSet([{ name: 'a', image: 'nginx:1.25' }]));
    const untagged = setDefaultsSidecarSet(sidecarSet([{ name: 'a', image: 'nginx' }]));
    expect(sidecarSetHashWithoutImage(tagged)).not.toBe(sidecarSetHashWithoutImage(untagged));
    const explicitAlways = setDefaultsSidecarSet(
      sidecarSet([{ name: 'a', image: 'nginx:1.25', imagePullPolicy: 'Always' }]),
    );
    expect(sidecarSetHashWithoutImage(explicitAlways)).toBe(sidecarSetHashWithoutImage(untagged));
  });

  it('blanks init container images too', () => {
    const a = setDefaultsSidecarSet(sidecarSet([container1()], [{ ...nativeContainer1(), image: 'x:1' }]));
    const b = setDefaultsSidecarSet(sidecarSet([container1()], [{ ...nativeContainer1(), image: 'y:2' }]));
    expect(sidecarSetHashWithoutImage(a)).toBe(sidecarSetHashWithoutImage(b));
    expect(sidecarSetHash(a)).not.toBe(sidecarSetHash(b));
  });

  it('does not mutate the SidecarSet', () => {
    const ss = sidecarSet([container1()]);
    sidecarSetHashWithoutImage(ss);
    expect(ss.spec.containers![0].image).toBe('test-image');
  });
});

describe('safeEncodeString (apimachinery rand.SafeEncodeString over the hex digest)', () => {
  it('maps hex digits as the notes list', () => {
    expect(safeEncodeString('0123456789abcdef')).toBe('456789bcdfvwxz24');
  });
  it('yields 64 characters from the safe alphabet', () => {
    expect(sidecarSetHash(sidecarSet([container1()]))).toMatch(/^[245-9bcdfvwxz]{64}$/);
  });
});
