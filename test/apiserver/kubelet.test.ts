// The simulated kubelet and the Pod-create hook, seen through the real client.
import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { imageIdOf, startApiServer, type KubeObject, type TestApiServer } from './index.js';
import { eventually, kubeConfigFor, tempDir } from './testing.js';

const pod = (name: string, images: string[], extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'apps' },
  spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })), ...extra },
});

let api: TestApiServer | undefined;
let tmp: ReturnType<typeof tempDir> | undefined;

afterEach(async () => {
  await api?.close();
  tmp?.remove();
  api = tmp = undefined;
});

async function start(options: Parameters<typeof startApiServer>[0]) {
  api = await startApiServer({
    objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } }],
    ...options,
  });
  tmp = tempDir();
  return { api, core: kubeConfigFor(api, tmp.dir, { namespace: 'apps' }).makeApiClient(k8s.CoreV1Api) };
}

const ready = (p: k8s.V1Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';

describe('simulated kubelet', () => {
  it('binds a new Pod to a node and runs it Ready after the delay', async () => {
    const { core } = await start({ kubelet: { readyDelayMs: 30, nodeName: 'node-a' } });
    await core.createNamespacedPod({
      namespace: 'apps',
      body: pod('p', ['nginx:1.25', 'registry.example.com/log:2']) as k8s.V1Pod,
    });
    const running = await eventually(async () => {
      const p = await core.readNamespacedPod({ name: 'p', namespace: 'apps' });
      return ready(p) && p;
    });
    expect(running.spec?.nodeName).toBe('node-a');
    expect(running.status?.phase).toBe('Running');
    expect(running.status?.conditions?.find((c) => c.type === 'ContainersReady')?.status).toBe('True');
    const [c0, c1] = running.status!.containerStatuses!;
    expect(c0).toMatchObject({ name: 'c0', image: 'nginx:1.25', ready: true, started: true, restartCount: 0 });
    expect(c0.imageID).toBe(imageIdOf('nginx:1.25'));
    expect(c0.imageID).toMatch(/^docker-pullable:\/\/nginx@sha256:[0-9a-f]{64}$/);
    expect(c1.imageID).toMatch(/^docker-pullable:\/\/registry\.example\.com\/log@sha256:/);
    expect(c0.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(c0.state?.running?.startedAt).toBeInstanceOf(Date);
  });

  it('restarts a container whose image changed: restartCount + 1, not ready, then ready on the new image', async () => {
    const { api, core } = await start({ kubelet: { readyDelayMs: 0, restartDelayMs: 80 } });
    await core.createNamespacedPod({ namespace: 'apps', body: pod('p', ['app:1', 'side:1']) as k8s.V1Pod });
    const before = await eventually(async () => {
      const p = await core.readNamespacedPod({ name: 'p', namespace: 'apps' });
      return ready(p) && p;
    });
    await core.patchNamespacedPod(
      { name: 'p', namespace: 'apps', body: [{ op: 'replace', path: '/spec/containers/1/image', value: 'side:2' }] },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
    );
    const restarting = await eventually(async () => {
      const p = await core.readNamespacedPod({ name: 'p', namespace: 'apps' });
      return p.status?.containerStatuses?.[1].restartCount === 1 && p;
    });
    expect(ready(restarting)).toBe(false);
    expect(restarting.status?.containerStatuses?.[1]).toMatchObject({ ready: false, image: 'side:1' });
    expect(restarting.status?.containerStatuses?.[0]).toEqual(before.status?.containerStatuses?.[0]);
    const after = await eventually(async () => {
      const p = await core.readNamespacedPod({ name: 'p', namespace: 'apps' });
      return ready(p) && p;
    });
    expect(after.status?.containerStatuses?.[1]).toMatchObject({
      ready: true,
      image: 'side:2',
      imageID: imageIdOf('side:2'),
      restartCount: 1,
    });
    expect(after.status?.containerStatuses?.[1].containerID).not.toBe(
      before.status?.containerStatuses?.[1].containerID,
    );
    expect(after.status?.containerStatuses?.[1].lastState?.terminated).toBeDefined();
    // The patch, the kill and the start were three writes, each with its own resourceVersion.
    expect(Number(after.metadata?.resourceVersion)).toBe(Number(before.metadata?.resourceVersion) + 3);
    expect(Number(api.store.resourceVersion)).toBe(Number(after.metadata?.resourceVersion));
  });

  it('reports ImagePullBackOff for bad images and keeps the Pod not ready', async () => {
    const { core } = await start({ kubelet: { readyDelayMs: 0, restartDelayMs: 0, badImages: ['broken:1'] } });
    await core.createNamespacedPod({ namespace: 'apps', body: pod('p', ['app:1']) as k8s.V1Pod });
    await eventually(async () => ready(await core.readNamespacedPod({ name: 'p', namespace: 'apps' })));
    await core.patchNamespacedPod(
      { name: 'p', namespace: 'apps', body: { spec: { containers: [{ name: 'c0', image: 'broken:1' }] } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    const stuck = await eventually(async () => {
      const p = await core.readNamespacedPod({ name: 'p', namespace: 'apps' });
      return p.status?.containerStatuses?.[0].state?.waiting?.reason === 'ImagePullBackOff' && p;
    });
    expect(stuck.status?.containerStatuses?.[0]).toMatchObject({ ready: false, image: 'broken:1', restartCount: 1 });
    expect(stuck.status?.phase).toBe('Running');
    expect(ready(stuck)).toBe(false);
  });

  it('waits for readiness gates set through the status subresource', async () => {
    const { core } = await start({ kubelet: { readyDelayMs: 0 } });
    await core.createNamespacedPod({
      namespace: 'apps',
      body: pod('p', ['app:1'], { readinessGates: [{ conditionType: 'InPlaceUpdateReady' }] }) as k8s.V1Pod,
    });
    const running = await eventually(async () => {
      const p = await core.readNamespacedPod({ name: 'p', namespace: 'apps' });
      return p.status?.containerStatuses?.[0].ready && p;
    });
    expect(ready(running)).toBe(false);
    await core.patchNamespacedPodStatus(
      {
        name: 'p',
        namespace: 'apps',
        body: { status: { conditions: [{ type: 'InPlaceUpdateReady', status: 'True' }] } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    await eventually(async () => ready(await core.readNamespacedPod({ name: 'p', namespace: 'apps' })));
  });

  it('finishes a graceful delete, and leaves Pods alone when disabled', async () => {
    const { core } = await start({ kubelet: { readyDelayMs: 0, terminateDelayMs: 50 } });
    await core.createNamespacedPod({ namespace: 'apps', body: pod('p', ['app:1']) as k8s.V1Pod });
    await eventually(async () => (await core.readNamespacedPod({ name: 'p', namespace: 'apps' })).spec?.nodeName);
    const marked = await core.deleteNamespacedPod({ name: 'p', namespace: 'apps' });
    expect(marked.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    expect(marked.metadata?.deletionGracePeriodSeconds).toBe(30);
    await eventually(async () => (await core.listNamespacedPod({ namespace: 'apps' })).items.length === 0);
    await api!.close();
    tmp!.remove();
    const off = await start({ kubelet: false });
    await off.core.createNamespacedPod({ namespace: 'apps', body: pod('q', ['app:1']) as k8s.V1Pod });
    await new Promise((r) => setTimeout(r, 50));
    const q = await off.core.readNamespacedPod({ name: 'q', namespace: 'apps' });
    expect(q.spec?.nodeName).toBeUndefined();
    expect(q.status?.phase).toBe('Pending');
  });
});

describe('Pod-create hook', () => {
  it('lets a test emulate a mutating webhook on every Pod create, after defaulting', async () => {
    const seen: KubeObject[] = [];
    const { api, core } = await start({
      kubelet: false,
      onPodCreate: (p) => {
        seen.push(structuredClone(p));
        p.spec.containers.unshift({ name: 'sidecar', image: 'side:1' });
        p.metadata.annotations = { ...p.metadata.annotations, 'kruise.io/sidecarset-injected-list': 'logs' };
        return p;
      },
    });
    const created = await core.createNamespacedPod({ namespace: 'apps', body: pod('p', ['app:1']) as k8s.V1Pod });
    expect(created.spec?.containers.map((c) => c.name)).toEqual(['sidecar', 'c0']);
    expect(created.metadata?.annotations?.['kruise.io/sidecarset-injected-list']).toBe('logs');
    expect(seen[0].spec.containers[0].terminationMessagePath).toBe('/dev/termination-log');
    expect(api.store.get('pods', 'apps', 'p')?.spec.containers).toHaveLength(2);
    // Pods put into the store directly are not "created" through the API: no hook.
    api.store.put(pod('direct', ['app:1']));
    expect(seen).toHaveLength(1);
  });
});
