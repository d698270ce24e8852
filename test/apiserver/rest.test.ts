// REST semantics through the real @kubernetes/client-node, over HTTPS with a real kubeconfig.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type TestApiServer } from './index.js';
import { failureStatus, kubeConfigFor, rawRequest, statusOf, tempDir } from './testing.js';

const pod = (name: string, labels: Record<string, string> = {}, image = 'nginx:1.25') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'apps', labels },
  spec: { containers: [{ name: 'app', image }] },
});

let api: TestApiServer;
let tmp: ReturnType<typeof tempDir>;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
let custom: k8s.CustomObjectsApi;

beforeAll(async () => {
  api = await startApiServer({
    kubelet: false,
    objects: [
      pod('web-0', { app: 'web', tier: 'front' }),
      pod('web-1', { app: 'web', tier: 'back' }),
      pod('db-0', { app: 'db' }),
      { ...pod('other'), metadata: { name: 'other', namespace: 'default', labels: { app: 'web' } } },
      {
        apiVersion: 'apps.kruise.io/v1alpha1',
        kind: 'SidecarSet',
        metadata: { name: 'logs' },
        spec: { selector: { matchLabels: { app: 'web' } }, containers: [{ name: 'log', image: 'log:1' }] },
      },
    ],
  });
  tmp = tempDir();
  kc = kubeConfigFor(api, tmp.dir, { namespace: 'apps' });
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
  custom = kc.makeApiClient(k8s.CustomObjectsApi);
});

afterAll(async () => {
  await api.close();
  tmp.remove();
});

describe('discovery', () => {
  it('serves /version, /api, /apis and the resource lists', async () => {
    const version = await kc.makeApiClient(k8s.VersionApi).getCode();
    expect(version.gitVersion).toBe('v1.32.4');
    const groups = await kc.makeApiClient(k8s.ApisApi).getAPIVersions();
    const kruise = groups.groups.find((g) => g.name === 'apps.kruise.io')!;
    expect(kruise.versions.map((v) => v.version)).toEqual(['v1beta1', 'v1alpha1']);
    expect(kruise.preferredVersion?.version).toBe('v1beta1');
    const coreList = await core.getAPIResources();
    const pods = coreList.resources.find((r) => r.name === 'pods')!;
    expect(pods).toMatchObject({ singularName: 'pod', namespaced: true, kind: 'Pod', shortNames: ['po'] });
    expect(pods.verbs).toContain('watch');
    expect(coreList.resources.some((r) => r.name === 'pods/status')).toBe(true);
    const kruiseList = await kc
      .makeApiClient(k8s.CustomObjectsApi)
      .getAPIResources({ group: 'apps.kruise.io', version: 'v1beta1' });
    expect(kruiseList.resources.find((r) => r.name === 'sidecarsets')).toMatchObject({
      namespaced: false,
      kind: 'SidecarSet',
    });
  });

  it('answers unknown paths with the generic NotFound Status', async () => {
    const res = await rawRequest(api, '/apis/nope.example.com/v1/things');
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).toBe(
      failureStatus(404, 'NotFound', 'the server could not find the requested resource', {}),
    );
  });
});

describe('methods and media types', () => {
  it('answers 405 for a method the endpoint does not have', async () => {
    const put = await rawRequest(api, '/api/v1/namespaces/apps/pods', {
      method: 'PUT',
      body: '{}',
      contentType: 'application/json',
    });
    expect(put.status).toBe(405);
    expect(JSON.stringify(put.body)).toBe(
      failureStatus(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {}),
    );
    expect(
      (
        await rawRequest(api, '/api/v1/namespaces/apps/pods/web-0', {
          method: 'POST',
          body: '{}',
          contentType: 'application/json',
        })
      ).status,
    ).toBe(405);
  });

  it('answers 415 for a body it cannot read, and 400 for malformed JSON', async () => {
    const text = await rawRequest(api, '/api/v1/namespaces/apps/configmaps', {
      method: 'POST',
      body: 'x',
      contentType: 'text/plain',
    });
    expect(text.status).toBe(415);
    expect(text.body.reason).toBe('UnsupportedMediaType');
    const broken = await rawRequest(api, '/api/v1/namespaces/apps/configmaps', {
      method: 'POST',
      body: '{',
      contentType: 'application/json',
    });
    expect(broken.body).toMatchObject({ code: 400, reason: 'BadRequest' });
    const yaml = await rawRequest(api, '/api/v1/namespaces/apps/configmaps', {
      method: 'POST',
      body: 'metadata:\n  name: from-yaml\n',
      contentType: 'application/yaml',
    });
    expect(yaml.status).toBe(201);
    expect(yaml.body).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'from-yaml', namespace: 'apps' },
    });
  });
});

describe('authentication and authorization', () => {
  it('answers 401 without a token or with an unknown one', async () => {
    for (const token of [null, 'wrong']) {
      const res = await rawRequest(api, '/api/v1/namespaces/apps/pods', { token });
      expect(res.status).toBe(401);
      expect(JSON.stringify(res.body)).toBe(failureStatus(401, 'Unauthorized', 'Unauthorized'));
    }
  });

  it("answers 403 with Kubernetes' message when a rule does not allow the request", async () => {
    const restricted = await startApiServer({
      kubelet: false,
      objects: [pod('x')],
      tokens: {
        viewer: {
          user: 'system:serviceaccount:apps:viewer',
          rules: [{ verbs: ['get', 'list', 'watch'], resources: ['pods'], namespaces: ['apps'] }],
        },
      },
    });
    const dir = tempDir();
    try {
      const client = kubeConfigFor(restricted, dir.dir, { token: 'viewer', namespace: 'apps' }).makeApiClient(
        k8s.CoreV1Api,
      );
      expect((await client.readNamespacedPod({ name: 'x', namespace: 'apps' })).metadata?.name).toBe('x');
      const patch = await statusOf(
        client.patchNamespacedPod(
          { name: 'x', namespace: 'apps', body: [{ op: 'add', path: '/metadata/labels', value: {} }] },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
        ),
      );
      expect(patch.code).toBe(403);
      expect(JSON.stringify(patch.body)).toBe(
        failureStatus(
          403,
          'Forbidden',
          'pods "x" is forbidden: User "system:serviceaccount:apps:viewer" cannot patch resource "pods" in API group "" in the namespace "apps"',
          { name: 'x', kind: 'pods' },
        ),
      );
      const all = await statusOf(client.listPodForAllNamespaces());
      expect(all.body.message).toBe(
        'pods is forbidden: User "system:serviceaccount:apps:viewer" cannot list resource "pods" in API group "" at the cluster scope',
      );
      const deploy = await statusOf(
        kubeConfigFor(restricted, dir.dir, { token: 'viewer' })
          .makeApiClient(k8s.AppsV1Api)
          .listNamespacedDeployment({ namespace: 'apps' }),
      );
      expect(deploy.body.message).toBe(
        'deployments.apps is forbidden: User "system:serviceaccount:apps:viewer" cannot list resource "deployments" in API group "apps" in the namespace "apps"',
      );
      expect(deploy.body.details).toEqual({ group: 'apps', kind: 'deployments' });
      const status = await statusOf(
        client.replaceNamespacedPodStatus({ name: 'x', namespace: 'apps', body: pod('x') }),
      );
      expect(status.body.message).toContain('cannot update resource "pods/status" in API group ""');
    } finally {
      await restricted.close();
      dir.remove();
    }
  });
});

describe('get and list', () => {
  it('gets an object and answers NotFound exactly', async () => {
    const p = await core.readNamespacedPod({ name: 'web-0', namespace: 'apps' });
    expect(p.metadata).toMatchObject({ name: 'web-0', namespace: 'apps' });
    expect(p.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(p.metadata?.resourceVersion)).toBeGreaterThan(0);
    const missing = await statusOf(core.readNamespacedPod({ name: 'x', namespace: 'apps' }));
    expect(missing.code).toBe(404);
    expect(JSON.stringify(missing.body)).toBe(
      failureStatus(404, 'NotFound', 'pods "x" not found', { name: 'x', kind: 'pods' }),
    );
    const deploy = await statusOf(apps.readNamespacedDeployment({ name: 'x', namespace: 'apps' }));
    expect(deploy.body.message).toBe('deployments.apps "x" not found');
    expect(deploy.body.details).toEqual({ name: 'x', group: 'apps', kind: 'deployments' });
  });

  it('lists in a namespace, across namespaces, with the list resourceVersion', async () => {
    const list = await core.listNamespacedPod({ namespace: 'apps' });
    expect(list.items.map((p) => p.metadata?.name)).toEqual(['db-0', 'web-0', 'web-1']);
    expect(list.metadata?.resourceVersion).toBe(api.store.resourceVersion);
    const all = await core.listPodForAllNamespaces();
    expect(all.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)).toEqual([
      'apps/db-0',
      'apps/web-0',
      'apps/web-1',
      'default/other',
    ]);
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toEqual(
      expect.arrayContaining(['apps', 'default', 'kube-system']),
    );
  });

  it('filters with the full label selector syntax', async () => {
    const names = async (labelSelector: string) =>
      (await core.listPodForAllNamespaces({ labelSelector })).items.map(
        (p) => `${p.metadata?.namespace}/${p.metadata?.name}`,
      );
    expect(await names('app=web')).toEqual(['apps/web-0', 'apps/web-1', 'default/other']);
    expect(await names('app==web,tier=front')).toEqual(['apps/web-0']);
    expect(await names('app!=web')).toEqual(['apps/db-0']);
    expect(await names('tier in (front, back)')).toEqual(['apps/web-0', 'apps/web-1']);
    expect(await names('app notin (web)')).toEqual(['apps/db-0']);
    expect(await names('tier')).toEqual(['apps/web-0', 'apps/web-1']);
    expect(await names('!tier,app')).toEqual(['apps/db-0', 'default/other']);
    const bad = await statusOf(core.listPodForAllNamespaces({ labelSelector: 'a in (' }));
    expect(bad.code).toBe(400);
  });

  it('filters with field selectors', async () => {
    api.store.put({
      ...pod('placed'),
      spec: { nodeName: 'node-7', containers: [{ name: 'app', image: 'nginx' }] },
      status: { phase: 'Running' },
    });
    try {
      const names = async (fieldSelector: string) =>
        (await core.listNamespacedPod({ namespace: 'apps', fieldSelector })).items.map((p) => p.metadata?.name);
      expect(await names('metadata.name=web-1')).toEqual(['web-1']);
      expect(await names('spec.nodeName=node-7')).toEqual(['placed']);
      expect(await names('status.phase!=Running')).toEqual(['db-0', 'web-0', 'web-1']);
      expect((await core.listPodForAllNamespaces({ fieldSelector: 'metadata.namespace=default' })).items).toHaveLength(
        1,
      );
      const bad = await statusOf(core.listNamespacedPod({ namespace: 'apps', fieldSelector: 'spec.bogus=1' }));
      expect(bad.body).toMatchObject({
        code: 400,
        reason: 'BadRequest',
        message: 'field label not supported: spec.bogus',
      });
    } finally {
      api.store.delete('pods', 'apps', 'placed');
    }
  });

  it('pages with limit/continue over the snapshot the list started from', async () => {
    const first = await core.listNamespacedPod({ namespace: 'apps', limit: 2 });
    expect(first.items.map((p) => p.metadata?.name)).toEqual(['db-0', 'web-0']);
    expect(first.metadata?._continue).toBeTruthy();
    expect(first.metadata?.remainingItemCount).toBe(1);
    // Changes after the first page are not seen by the rest of the list.
    api.store.put(pod('web-2'));
    api.store.delete('pods', 'apps', 'web-1');
    try {
      const second = await core.listNamespacedPod({
        namespace: 'apps',
        limit: 2,
        _continue: first.metadata!._continue,
      });
      expect(second.items.map((p) => p.metadata?.name)).toEqual(['web-1']);
      expect(second.metadata?._continue).toBeFalsy();
      expect(second.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
      const fresh = await core.listNamespacedPod({ namespace: 'apps' });
      expect(fresh.items.map((p) => p.metadata?.name)).toEqual(['db-0', 'web-0', 'web-2']);
    } finally {
      api.store.delete('pods', 'apps', 'web-2');
      api.store.put(pod('web-1', { app: 'web', tier: 'back' }));
    }
  });

  it('answers 410 Expired for a continue token older than the compacted history', async () => {
    const first = await core.listNamespacedPod({ namespace: 'apps', limit: 1 });
    api.store.put(pod('bump'));
    api.store.delete('pods', 'apps', 'bump');
    api.store.compact();
    const expired = await statusOf(
      core.listNamespacedPod({ namespace: 'apps', limit: 1, _continue: first.metadata!._continue }),
    );
    expect(expired.code).toBe(410);
    expect(expired.body.reason).toBe('Expired');
    expect(expired.body.message).toMatch(
      /^The provided continue parameter is too old to display a consistent list result\./,
    );
    const garbage = await statusOf(core.listNamespacedPod({ namespace: 'apps', _continue: 'not-a-token' }));
    expect(garbage.code).toBe(400);
  });
});

describe('create, update, delete', () => {
  it('creates with system metadata, generateName, and 409 AlreadyExists', async () => {
    const created = await core.createNamespacedPod({ namespace: 'apps', body: pod('new-0') as k8s.V1Pod });
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.status?.phase).toBe('Pending');
    expect(created.spec?.containers[0].imagePullPolicy).toBe('IfNotPresent');
    const again = await statusOf(core.createNamespacedPod({ namespace: 'apps', body: pod('new-0') as k8s.V1Pod }));
    expect(JSON.stringify(again.body)).toBe(
      failureStatus(409, 'AlreadyExists', 'pods "new-0" already exists', { name: 'new-0', kind: 'pods' }),
    );
    const generated = await core.createNamespacedPod({
      namespace: 'apps',
      body: { ...pod(''), metadata: { generateName: 'gen-', namespace: 'apps' } } as k8s.V1Pod,
    });
    expect(generated.metadata?.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const deployment = await apps.createNamespacedDeployment({
      namespace: 'apps',
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd' },
        spec: {
          selector: { matchLabels: { a: 'b' } },
          template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
        },
      },
    });
    expect(deployment.metadata?.generation).toBe(1);
  });

  it('answers 404 for a namespace that does not exist and 422 for invalid objects', async () => {
    const missing = await statusOf(
      core.createNamespacedPod({ namespace: 'ghost', body: { ...pod('x'), metadata: { name: 'x' } } as k8s.V1Pod }),
    );
    expect(
      (await statusOf(core.createNamespacedPod({ namespace: 'default', body: pod('x') as k8s.V1Pod }))).body.message,
    ).toBe('the namespace of the provided object does not match the namespace sent on the request');
    expect(missing.body).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'namespaces "ghost" not found',
      details: { name: 'ghost', kind: 'namespaces' },
    });
    const invalid = await statusOf(
      core.createNamespacedPod({
        namespace: 'apps',
        body: { ...pod('Bad_Name'), spec: { containers: [] } } as k8s.V1Pod,
      }),
    );
    expect(invalid.code).toBe(422);
    expect(invalid.body.reason).toBe('Invalid');
    expect(invalid.body.message).toMatch(
      /^Pod "Bad_Name" is invalid: \[metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
    expect(invalid.body.details.causes).toEqual([
      expect.objectContaining({ reason: 'FieldValueInvalid', field: 'metadata.name' }),
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' },
    ]);
  });

  it('updates with a resourceVersion precondition (409 Conflict) and bumps generation on spec changes only', async () => {
    const d = await apps.readNamespacedDeployment({ name: 'd', namespace: 'apps' });
    const stale = structuredClone(d);
    d.metadata!.labels = { changed: 'yes' };
    const labelled = await apps.replaceNamespacedDeployment({ name: 'd', namespace: 'apps', body: d });
    expect(labelled.metadata?.generation).toBe(1);
    expect(Number(labelled.metadata?.resourceVersion)).toBeGreaterThan(Number(d.metadata?.resourceVersion));
    labelled.spec!.replicas = 3;
    const scaled = await apps.replaceNamespacedDeployment({ name: 'd', namespace: 'apps', body: labelled });
    expect(scaled.metadata?.generation).toBe(2);
    const conflict = await statusOf(apps.replaceNamespacedDeployment({ name: 'd', namespace: 'apps', body: stale }));
    expect(JSON.stringify(conflict.body)).toBe(
      failureStatus(
        409,
        'Conflict',
        'Operation cannot be fulfilled on deployments.apps "d": the object has been modified; please apply your changes to the latest version and try again',
        { name: 'd', group: 'apps', kind: 'deployments' },
      ),
    );
    const unchanged = await apps.replaceNamespacedDeployment({ name: 'd', namespace: 'apps', body: scaled });
    expect(unchanged.metadata?.resourceVersion).toBe(scaled.metadata?.resourceVersion);
  });

  it('deletes, answering Status Success for most kinds and the object for Pods', async () => {
    const status = await core.deleteNamespacedConfigMap({ name: 'none', namespace: 'apps' }).catch((e) => e);
    expect(status.code).toBe(404);
    await core.createNamespacedConfigMap({ namespace: 'apps', body: { metadata: { name: 'cm' }, data: { a: 'b' } } });
    const deleted = await core.deleteNamespacedConfigMap({ name: 'cm', namespace: 'apps' });
    expect(deleted).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'cm', kind: 'configmaps' } });
    const gone = await core.deleteNamespacedPod({ name: 'new-0', namespace: 'apps' });
    expect(gone.metadata?.name).toBe('new-0');
    expect(api.store.get('pods', 'apps', 'new-0')).toBeUndefined();
  });

  it('deletes a collection by selector', async () => {
    for (const name of ['tmp-a', 'tmp-b']) api.store.put(pod(name, { tmp: 'yes' }));
    const gone = await core.deleteCollectionNamespacedPod({
      namespace: 'apps',
      labelSelector: 'tmp=yes',
      fieldSelector: 'metadata.name!=tmp-b',
    });
    expect(gone).toMatchObject({ kind: 'PodList' });
    expect(api.store.get('pods', 'apps', 'tmp-a')).toBeUndefined();
    expect(api.store.get('pods', 'apps', 'tmp-b')).toBeDefined();
    api.store.delete('pods', 'apps', 'tmp-b');
  });

  it('validates dryRun=All writes without storing them or bumping the resourceVersion', async () => {
    const rv = api.store.resourceVersion;
    const created = await core.createNamespacedPod({ namespace: 'apps', body: pod('dry') as k8s.V1Pod, dryRun: 'All' });
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.metadata?.resourceVersion).toBeUndefined();
    const invalid = await statusOf(
      core.createNamespacedPod({ namespace: 'apps', body: pod('Dry') as k8s.V1Pod, dryRun: 'All' }),
    );
    expect(invalid.code).toBe(422);
    const patched = await core.patchNamespacedPod(
      { name: 'web-0', namespace: 'apps', body: { metadata: { labels: { dry: 'run' } } }, dryRun: 'All' },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(patched.metadata?.labels?.dry).toBe('run');
    await core.deleteNamespacedPod({ name: 'web-0', namespace: 'apps', dryRun: 'All' });
    expect(api.store.get('pods', 'apps', 'dry')).toBeUndefined();
    expect(api.store.get('pods', 'apps', 'web-0')?.metadata.labels?.dry).toBeUndefined();
    expect(api.store.resourceVersion).toBe(rv);
  });
});

describe('patch', () => {
  const as = (type: string) => k8s.setHeaderOptions('Content-Type', type);

  it('applies JSON patches and answers a failed test op with 422 as the API server does', async () => {
    const patched = await core.patchNamespacedPod(
      {
        name: 'web-1',
        namespace: 'apps',
        body: [
          { op: 'test', path: '/metadata/labels/tier', value: 'back' },
          { op: 'replace', path: '/metadata/labels/tier', value: 'mid' },
        ],
      },
      as(k8s.PatchStrategy.JsonPatch),
    );
    expect(patched.metadata?.labels?.tier).toBe('mid');
    const failed = await statusOf(
      core.patchNamespacedPod(
        { name: 'web-1', namespace: 'apps', body: [{ op: 'test', path: '/metadata/labels/tier', value: 'back' }] },
        as(k8s.PatchStrategy.JsonPatch),
      ),
    );
    expect(JSON.stringify(failed.body)).toBe(
      failureStatus(422, 'Invalid', 'the server rejected our request due to an error in our request', {
        causes: [
          { reason: 'UnexpectedServerResponse', message: 'testing value /metadata/labels/tier failed: test failed' },
        ],
      }),
    );
  });

  it('merges strategically by container name for built-in kinds, and refuses it for custom resources (415)', async () => {
    await apps.patchNamespacedDeployment(
      {
        name: 'd',
        namespace: 'apps',
        body: { spec: { template: { spec: { containers: [{ name: 'side', image: 's:1' }] } } } },
      },
      as(k8s.PatchStrategy.StrategicMergePatch),
    );
    const d = await apps.patchNamespacedDeployment(
      {
        name: 'd',
        namespace: 'apps',
        body: { spec: { template: { spec: { containers: [{ name: 'c', image: 'i:2' }] } } } },
      },
      as(k8s.PatchStrategy.StrategicMergePatch),
    );
    expect(d.spec?.template.spec?.containers.map((c) => `${c.name}=${c.image}`)).toEqual(['c=i:2', 'side=s:1']);
    const refused = await statusOf(
      custom.patchClusterCustomObject(
        {
          group: 'apps.kruise.io',
          version: 'v1beta1',
          plural: 'sidecarsets',
          name: 'logs',
          body: { metadata: { labels: { a: 'b' } } },
        },
        as(k8s.PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(JSON.stringify(refused.body)).toBe(
      failureStatus(
        415,
        'UnsupportedMediaType',
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      ),
    );
    const merged: any = await custom.patchClusterCustomObject(
      {
        group: 'apps.kruise.io',
        version: 'v1beta1',
        plural: 'sidecarsets',
        name: 'logs',
        body: { metadata: { labels: { a: 'b' } } },
      },
      as(k8s.PatchStrategy.MergePatch),
    );
    expect(merged.metadata.labels).toEqual({ a: 'b' });
  });

  it('enforces a resourceVersion carried by the patch', async () => {
    const conflict = await statusOf(
      core.patchNamespacedPod(
        { name: 'web-1', namespace: 'apps', body: { metadata: { resourceVersion: '1', labels: { x: 'y' } } } },
        as(k8s.PatchStrategy.MergePatch),
      ),
    );
    expect(conflict.body.reason).toBe('Conflict');
  });
});

describe('Pods', () => {
  const as = (type: string) => k8s.setHeaderOptions('Content-Type', type);
  it("allows image changes and rejects other spec changes with ValidatePodUpdate's message", async () => {
    const p = await core.patchNamespacedPod(
      {
        name: 'db-0',
        namespace: 'apps',
        body: [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.26' }],
      },
      as(k8s.PatchStrategy.JsonPatch),
    );
    expect(p.spec?.containers[0].image).toBe('nginx:1.26');
    for (const body of [
      [{ op: 'add', path: '/spec/containers/0/ports', value: [{ containerPort: 80 }] }],
      [{ op: 'add', path: '/spec/containers/-', value: { name: 'extra', image: 'x' } }],
      [{ op: 'remove', path: '/spec/containers/0' }],
    ]) {
      const refused = await statusOf(
        core.patchNamespacedPod({ name: 'db-0', namespace: 'apps', body }, as(k8s.PatchStrategy.JsonPatch)),
      );
      expect(refused.code).toBe(422);
      expect(refused.body.message).toMatch(
        /^Pod "db-0" is invalid: (\[.*)?spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`,`spec\.initContainers\[\*\]\.image`,`spec\.activeDeadlineSeconds`,`spec\.tolerations` \(only additions to existing tolerations\),`spec\.terminationGracePeriodSeconds` \(allow it to be set to 1 if it was previously negative\)/,
      );
      expect(refused.body.details).toMatchObject({ name: 'db-0', kind: 'Pod' });
    }
    const tolerated = await core.patchNamespacedPod(
      {
        name: 'db-0',
        namespace: 'apps',
        body: [
          { op: 'add', path: '/spec/tolerations/-', value: { key: 'k', operator: 'Exists' } },
          { op: 'add', path: '/spec/activeDeadlineSeconds', value: 60 },
        ],
      },
      as(k8s.PatchStrategy.JsonPatch),
    );
    expect(tolerated.spec?.activeDeadlineSeconds).toBe(60);
  });

  it('keeps status out of main-resource writes and spec out of status writes', async () => {
    const p = await core.readNamespacedPod({ name: 'db-0', namespace: 'apps' });
    const withStatus = await core.patchNamespacedPod(
      { name: 'db-0', namespace: 'apps', body: { status: { phase: 'Failed' } } },
      as(k8s.PatchStrategy.MergePatch),
    );
    expect(withStatus.status?.phase).toBe(p.status?.phase);
    const status = await core.patchNamespacedPodStatus(
      {
        name: 'db-0',
        namespace: 'apps',
        body: {
          status: { conditions: [{ type: 'InPlaceUpdateReady', status: 'True' }] },
          metadata: { labels: { ignored: 'yes' } },
        },
      },
      as(k8s.PatchStrategy.StrategicMergePatch),
    );
    expect(status.status?.conditions?.map((c) => c.type)).toContain('InPlaceUpdateReady');
    expect(status.metadata?.labels?.ignored).toBeUndefined();
  });
});

describe('custom resources', () => {
  it('stores a multi-version kind once and returns it at the version asked for', async () => {
    const beta: any = await custom.getClusterCustomObject({
      group: 'apps.kruise.io',
      version: 'v1beta1',
      plural: 'sidecarsets',
      name: 'logs',
    });
    const alpha: any = await custom.getClusterCustomObject({
      group: 'apps.kruise.io',
      version: 'v1alpha1',
      plural: 'sidecarsets',
      name: 'logs',
    });
    expect(beta.apiVersion).toBe('apps.kruise.io/v1beta1');
    expect(alpha.apiVersion).toBe('apps.kruise.io/v1alpha1');
    expect(alpha.metadata.uid).toBe(beta.metadata.uid);
    const list: any = await custom.listClusterCustomObject({
      group: 'apps.kruise.io',
      version: 'v1alpha1',
      plural: 'sidecarsets',
    });
    expect(list).toMatchObject({ kind: 'SidecarSetList', apiVersion: 'apps.kruise.io/v1alpha1' });
    expect(list.items[0]).toMatchObject({ apiVersion: 'apps.kruise.io/v1alpha1', kind: 'SidecarSet' });
  });

  it('works through KubernetesObjectApi', async () => {
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    const created = await objects.create({
      apiVersion: 'apps.kruise.io/v1alpha1',
      kind: 'CloneSet',
      metadata: { name: 'cs', namespace: 'apps' },
      spec: { replicas: 1 },
    } as k8s.KubernetesObject);
    expect(created.metadata?.generation).toBe(1);
    const read = await objects.read({
      apiVersion: 'apps.kruise.io/v1alpha1',
      kind: 'CloneSet',
      metadata: { name: 'cs', namespace: 'apps' },
    });
    expect(read.metadata?.uid).toBe(created.metadata?.uid);
    await objects.delete(read);
    expect(api.store.get('clonesets.apps.kruise.io', 'apps', 'cs')).toBeUndefined();
  });

  it('serves SidecarSets at v1alpha1 only, v1beta1 only, or not at all', async () => {
    for (const [versions, expected] of [
      [['v1alpha1'], ['v1alpha1']],
      [['v1beta1'], ['v1beta1']],
      [null, []],
    ] as const) {
      const server = await startApiServer({ sidecarSetVersions: versions, kubelet: false });
      const dir = tempDir();
      try {
        const client = kubeConfigFor(server, dir.dir).makeApiClient(k8s.CustomObjectsApi);
        for (const version of ['v1alpha1', 'v1beta1']) {
          const call = client.listClusterCustomObject({ group: 'apps.kruise.io', version, plural: 'sidecarsets' });
          if ((expected as readonly string[]).includes(version)) expect(((await call) as any).items).toEqual([]);
          else expect((await statusOf(call)).code).toBe(404);
        }
      } finally {
        await server.close();
        dir.remove();
      }
    }
  });
});
