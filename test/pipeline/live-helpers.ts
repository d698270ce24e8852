// Shared by the live pipeline tests: SidecarSets as Kruise stores them, and Kruise's Pod webhook emulated with
// our own core for the test server's onPodCreate hook.
import { kruiseProfile } from '../../src/kruise/apis/version.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { KubeObject, TestApiServer } from '../apiserver/index.js';
import { loadSidecarSet } from '../../src/kruise/sidecarcontrol/sidecarset.js';
import { injectPod } from '../../src/kruise/inject/index.js';
import type { Pod } from '../../src/k8s/api.js';

export const NOW = '2023-11-14T22:13:20Z';

/** A SidecarSet as Kruise's SidecarSet webhook stores it: defaulted and hashed, at `apiVersion`. */
export function storedSidecarSet(yaml: string, apiVersion = 'apps.kruise.io/v1beta1'): KubeObject {
  const { sidecarSet } = loadSidecarSet(YAML.parse(yaml), { keepHash: false });
  return { ...(sidecarSet as unknown as KubeObject), apiVersion, kind: 'SidecarSet' };
}

export function sidecarSetYaml(
  name: string,
  image: string,
  labels: Record<string, string>,
  container = 'log-agent',
): string {
  return YAML.stringify({
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: { name },
    spec: { selector: { matchLabels: labels }, containers: [{ name: container, image }] },
  });
}

export function deployment(name: string, namespace: string, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } },
    },
  };
}

/** Kruise's Pod webhook, as our core renders it, from the SidecarSets in the server's store. */
export function kruiseWebhook(getApi: () => TestApiServer, tamper: (pod: Pod) => void = () => {}) {
  return (pod: KubeObject): KubeObject => {
    const api = getApi();
    const sidecarSets = api.store
      .list('sidecarsets.apps.kruise.io')
      .map((o) => loadSidecarSet(o, { keepHash: true }).sidecarSet);
    const namespaces = new Map(api.store.list('namespaces').map((n) => [n.metadata.name!, n.metadata.labels ?? {}]));
    const out = injectPod(pod as unknown as Pod, {
      sidecarSets,
      namespaces,
      profile: kruiseProfile(),
      revisions: [],
      now: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    }).pod;
    tamper(out);
    return out as unknown as KubeObject;
  };
}

export function writeYaml(dir: string, name: string, ...objects: unknown[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, objects.map((o) => YAML.stringify(o)).join('---\n'));
  return file;
}
