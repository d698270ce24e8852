import { describe, expect, it } from 'vitest';
import {
  resolveResourceType,
  resourcePath,
  type ApiResource,
  type DiscoveredGroup,
} from '../../src/cluster/rest-mapper.js';

const r = (
  name: string,
  kind: string,
  namespaced: boolean,
  shortNames: string[] = [],
  singularName = '',
): ApiResource => ({ name, kind, namespaced, shortNames, singularName, verbs: ['get', 'list'] });

// Discovery as a cluster with Kruise and Argo Rollouts serves it: built-in groups first, then extensions.
const groups: DiscoveredGroup[] = [
  {
    group: '',
    versions: [
      {
        version: 'v1',
        resources: [
          r('pods', 'Pod', true, ['po']),
          r('pods/status', 'Pod', true),
          r('namespaces', 'Namespace', false, ['ns']),
          r('configmaps', 'ConfigMap', true, ['cm']),
        ],
      },
    ],
  },
  {
    group: 'apps',
    versions: [
      {
        version: 'v1',
        resources: [
          r('deployments', 'Deployment', true, ['deploy']),
          r('statefulsets', 'StatefulSet', true, ['sts']),
          r('daemonsets', 'DaemonSet', true, ['ds']),
          r('replicasets', 'ReplicaSet', true, ['rs']),
        ],
      },
    ],
  },
  {
    group: 'batch',
    versions: [{ version: 'v1', resources: [r('jobs', 'Job', true), r('cronjobs', 'CronJob', true, ['cj'])] }],
  },
  {
    group: 'apps.kruise.io',
    versions: [
      {
        version: 'v1beta1',
        resources: [
          r('statefulsets', 'StatefulSet', true, ['sts', 'asts'], 'statefulset'),
          r('sidecarsets', 'SidecarSet', false, [], 'sidecarset'),
        ],
      },
      {
        version: 'v1alpha1',
        resources: [
          r('clonesets', 'CloneSet', true, ['clone'], 'cloneset'),
          r('statefulsets', 'StatefulSet', true, ['sts', 'asts'], 'statefulset'),
          r('daemonsets', 'DaemonSet', true, ['daemon', 'ads'], 'daemonset'),
          r('broadcastjobs', 'BroadcastJob', true, ['bcj'], 'broadcastjob'),
          r('advancedcronjobs', 'AdvancedCronJob', true, ['acj'], 'advancedcronjob'),
          r('sidecarsets', 'SidecarSet', false, [], 'sidecarset'),
        ],
      },
    ],
  },
  {
    group: 'argoproj.io',
    versions: [{ version: 'v1alpha1', resources: [r('rollouts', 'Rollout', true, ['ro'], 'rollout')] }],
  },
];

const resolve = (t: string) => {
  const found = resolveResourceType(t, groups);
  return found && `${found.resource}.${found.group || 'core'}/${found.version}`;
};

describe('TYPE names resolved as kubectl resolves them', () => {
  it('plural, singular, short name and kind, case-insensitive', () => {
    for (const t of ['pod', 'pods', 'po', 'Pod', 'PODS']) expect(resolve(t), t).toBe('pods.core/v1');
    for (const t of [
      'deployment',
      'deploy',
      'deployments',
      'deployments.apps',
      'Deployment.apps',
      'deployments.v1.apps',
    ])
      expect(resolve(t), t).toBe('deployments.apps/v1');
    expect(resolve('ns')).toBe('namespaces.core/v1');
    expect(resolve('cm')).toBe('configmaps.core/v1');
    expect(resolve('rs')).toBe('replicasets.apps/v1');
    expect(resolve('job')).toBe('jobs.batch/v1');
    expect(resolve('cj')).toBe('cronjobs.batch/v1');
    expect(resolve('cronjob')).toBe('cronjobs.batch/v1');
  });

  it('prefers the built-in groups on ambiguity; a group qualifies an extension; preferred version first', () => {
    expect(resolve('sts')).toBe('statefulsets.apps/v1');
    expect(resolve('statefulset')).toBe('statefulsets.apps/v1');
    expect(resolve('ds')).toBe('daemonsets.apps/v1');
    expect(resolve('daemonset')).toBe('daemonsets.apps/v1');
    expect(resolve('statefulsets.apps.kruise.io')).toBe('statefulsets.apps.kruise.io/v1beta1');
    expect(resolve('statefulsets.v1alpha1.apps.kruise.io')).toBe('statefulsets.apps.kruise.io/v1alpha1');
    expect(resolve('daemonsets.apps.kruise.io')).toBe('daemonsets.apps.kruise.io/v1alpha1');
    expect(resolve('asts')).toBe('statefulsets.apps.kruise.io/v1beta1');
    expect(resolve('cloneset')).toBe('clonesets.apps.kruise.io/v1alpha1');
    expect(resolve('clone')).toBe('clonesets.apps.kruise.io/v1alpha1');
    expect(resolve('broadcastjob')).toBe('broadcastjobs.apps.kruise.io/v1alpha1');
    expect(resolve('advancedcronjob')).toBe('advancedcronjobs.apps.kruise.io/v1alpha1');
    expect(resolve('sidecarset')).toBe('sidecarsets.apps.kruise.io/v1beta1');
    expect(resolve('rollout')).toBe('rollouts.argoproj.io/v1alpha1');
    expect(resolve('rollouts.argoproj.io')).toBe('rollouts.argoproj.io/v1alpha1');
    expect(resolve('ro')).toBe('rollouts.argoproj.io/v1alpha1');
  });

  it('the same order whatever order /apis listed the groups in', () => {
    const shuffled = [groups[0], groups[3], groups[4], groups[1], groups[2]];
    expect(resolveResourceType('sts', shuffled)?.group).toBe('apps');
  });

  it('knows nothing it was not told: unknown names, subresources, wrong groups', () => {
    for (const t of ['x', '', 'pods/status', 'status', 'deployments.batch', 'rollout.apps'])
      expect(resolve(t), t).toBeUndefined();
  });

  it('REST paths of collections and objects', () => {
    const pod = resolveResourceType('pod', groups)!;
    const sidecarset = resolveResourceType('sidecarset', groups)!;
    expect(resourcePath(pod, 'apps')).toBe('/api/v1/namespaces/apps/pods');
    expect(resourcePath(pod, undefined)).toBe('/api/v1/pods');
    expect(resourcePath(pod, 'apps', 'web-0')).toBe('/api/v1/namespaces/apps/pods/web-0');
    expect(resourcePath(sidecarset, 'apps', 'mesh')).toBe('/apis/apps.kruise.io/v1beta1/sidecarsets/mesh');
  });
});
