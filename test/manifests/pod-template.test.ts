import { describe, expect, test } from 'vitest';
import {
  apiGroup,
  isPodTemplateLocation,
  locatePodTemplate,
  namespaceOf,
  valueAt,
} from '../../src/manifests/pod-template.js';

const obj = (apiVersion: string, kind: string, rest: Record<string, unknown> = {}) => ({ apiVersion, kind, ...rest });
const at = (path: string[]) => ({ metadataPath: [...path, 'metadata'], specPath: [...path, 'spec'] });
const podTemplate = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };

describe('locatePodTemplate', () => {
  test.each([
    ['v1', 'Pod', []],
    ['v1', 'PodTemplate', ['template']],
    ['v1', 'ReplicationController', ['spec', 'template']],
    ['apps/v1', 'Deployment', ['spec', 'template']],
    ['apps/v1', 'StatefulSet', ['spec', 'template']],
    ['apps/v1', 'DaemonSet', ['spec', 'template']],
    ['apps/v1', 'ReplicaSet', ['spec', 'template']],
    ['apps/v1beta2', 'Deployment', ['spec', 'template']],
    ['extensions/v1beta1', 'DaemonSet', ['spec', 'template']],
    ['batch/v1', 'Job', ['spec', 'template']],
    ['batch/v1', 'CronJob', ['spec', 'jobTemplate', 'spec', 'template']],
    ['batch/v1beta1', 'CronJob', ['spec', 'jobTemplate', 'spec', 'template']],
    ['apps.kruise.io/v1alpha1', 'CloneSet', ['spec', 'template']],
    ['apps.kruise.io/v1alpha1', 'StatefulSet', ['spec', 'template']],
    ['apps.kruise.io/v1beta1', 'StatefulSet', ['spec', 'template']],
    ['apps.kruise.io/v1alpha1', 'DaemonSet', ['spec', 'template']],
    ['apps.kruise.io/v1alpha1', 'BroadcastJob', ['spec', 'template']],
  ])('%s %s keeps its pod template at %j', (apiVersion, kind, path) => {
    expect(locatePodTemplate(obj(apiVersion, kind))).toEqual(at(path));
  });

  test('a Pod is its own template: metadata and spec of the object', () => {
    expect(locatePodTemplate(obj('v1', 'Pod'))).toEqual({ metadataPath: ['metadata'], specPath: ['spec'] });
  });

  test('AdvancedCronJob: the job template or the broadcast job template, whichever it has', () => {
    const job = obj('apps.kruise.io/v1alpha1', 'AdvancedCronJob', {
      spec: { template: { jobTemplate: { spec: { template: podTemplate } } } },
    });
    const broadcast = obj('apps.kruise.io/v1beta1', 'AdvancedCronJob', {
      spec: { template: { broadcastJobTemplate: { spec: { template: podTemplate } } } },
    });
    const imagePull = obj('apps.kruise.io/v1beta1', 'AdvancedCronJob', {
      spec: { template: { imageListPullJobTemplate: { spec: { images: ['nginx'] } } } },
    });
    expect(locatePodTemplate(job)).toEqual(at(['spec', 'template', 'jobTemplate', 'spec', 'template']));
    expect(locatePodTemplate(broadcast)).toEqual(at(['spec', 'template', 'broadcastJobTemplate', 'spec', 'template']));
    expect(locatePodTemplate(imagePull)).toBe('other');
  });

  test('UnitedDeployment: the pod template of its subset workload template', () => {
    const ud = obj('apps.kruise.io/v1alpha1', 'UnitedDeployment', {
      spec: { template: { cloneSetTemplate: { spec: { template: podTemplate } } } },
    });
    expect(locatePodTemplate(ud)).toEqual(at(['spec', 'template', 'cloneSetTemplate', 'spec', 'template']));
  });

  test('objects that configure injection', () => {
    expect(locatePodTemplate(obj('apps.kruise.io/v1alpha1', 'SidecarSet'))).toBe('config');
    expect(locatePodTemplate(obj('apps.kruise.io/v1beta1', 'SidecarSet'))).toBe('config');
    expect(locatePodTemplate(obj('v1', 'Namespace'))).toBe('config');
    expect(locatePodTemplate(obj('apps/v1', 'ControllerRevision'))).toBe('config');
    const kruiseConfig = { name: 'kruise-configuration', namespace: 'kruise-system' };
    expect(locatePodTemplate(obj('v1', 'ConfigMap', { metadata: kruiseConfig }))).toBe('config');
  });

  test('kruise-configuration counts only in kruise-system, which may be the default namespace', () => {
    const cm = obj('v1', 'ConfigMap', { metadata: { name: 'kruise-configuration' } });
    expect(locatePodTemplate(cm)).toBe('other');
    expect(locatePodTemplate(cm, 'kruise-system')).toBe('config');
    expect(locatePodTemplate(obj('v1', 'ConfigMap', { metadata: { name: 'other', namespace: 'kruise-system' } }))).toBe(
      'other',
    );
  });

  test('a pod-template shape under an unknown kind is an unknown workload', () => {
    const rollout = obj('argoproj.io/v1alpha1', 'Rollout', { spec: { template: podTemplate } });
    const cron = obj('example.com/v1', 'MyCron', { spec: { jobTemplate: { spec: { template: podTemplate } } } });
    expect(locatePodTemplate(rollout)).toBe('unknown-workload');
    expect(locatePodTemplate(cron)).toBe('unknown-workload');
    // the same kind name in another group is not the known workload
    expect(locatePodTemplate(obj('example.com/v1', 'Deployment', { spec: { template: podTemplate } }))).toBe(
      'unknown-workload',
    );
    expect(locatePodTemplate(obj('example.com/v1', 'Deployment'))).toBe('other');
  });

  test('everything else passes through', () => {
    expect(locatePodTemplate(obj('v1', 'Service', { spec: { ports: [] } }))).toBe('other');
    expect(locatePodTemplate(obj('v1', 'ConfigMap', { data: {} }))).toBe('other');
    expect(locatePodTemplate(obj('apps.kruise.io/v1alpha1', 'WorkloadSpread'))).toBe('other');
    expect(isPodTemplateLocation('other')).toBe(false);
    expect(isPodTemplateLocation(locatePodTemplate(obj('v1', 'Pod')))).toBe(true);
  });
});

describe('helpers', () => {
  test('an object without metadata.namespace is in the default namespace', () => {
    expect(namespaceOf(obj('v1', 'Pod', { metadata: { name: 'p' } }), 'team-a')).toBe('team-a');
    expect(namespaceOf(obj('v1', 'Pod', { metadata: { namespace: '' } }), 'team-a')).toBe('team-a');
    expect(namespaceOf(obj('v1', 'Pod', { metadata: { namespace: 'prod' } }), 'team-a')).toBe('prod');
    expect(namespaceOf(obj('v1', 'Pod'), 'default')).toBe('default');
  });

  test('apiGroup and valueAt', () => {
    expect(apiGroup('v1')).toBe('');
    expect(apiGroup('apps.kruise.io/v1alpha1')).toBe('apps.kruise.io');
    const o = obj('apps/v1', 'Deployment', { spec: { template: podTemplate } });
    const loc = locatePodTemplate(o);
    if (!isPodTemplateLocation(loc)) throw new Error('expected a location');
    expect(valueAt(o, loc.specPath)).toBe(podTemplate.spec);
    expect(valueAt(o, ['spec', 'nope', 'x'])).toBeUndefined();
  });
});
