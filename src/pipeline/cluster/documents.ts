// Objects read from the cluster as input documents: the same ManifestDocument a file gives, so the render and
// the writers treat them alike. Printed as `kubectl get -o yaml` prints them: keys sorted (sigs.k8s.io/yaml
// goes through JSON maps), sequences not indented, and without metadata.managedFields (hidden by kubectl).
import { stringify } from 'yaml';
import { parseManifests } from '../../manifests/documents.js';
import type { ManifestDocument } from '../../manifests/types.js';
import type { KubeObject } from '../../cluster/index.js';

/** Where an object from the cluster came from, for messages: `deployment.apps/nginx -n shop (cluster)`. */
export function clusterSource(object: KubeObject): string {
  const kind = String(object.kind ?? 'object').toLowerCase();
  const slash = String(object.apiVersion ?? '').indexOf('/');
  const group = slash < 0 ? '' : String(object.apiVersion).slice(0, slash);
  const ns = object.metadata?.namespace ? ` -n ${object.metadata.namespace}` : '';
  return `${kind}${group ? `.${group}` : ''}/${object.metadata?.name ?? ''}${ns} (cluster)`;
}

export function kubectlYaml(object: KubeObject): string {
  return stringify(sortKeys(withoutManagedFields(object)), { indentSeq: false, lineWidth: 0 });
}

/** One object of the cluster as a document of its own. */
export function clusterDocument(object: KubeObject): ManifestDocument {
  const [md] = parseManifests(kubectlYaml(object), clusterSource(object));
  return md;
}

function withoutManagedFields(object: KubeObject): KubeObject {
  if (!object.metadata || !('managedFields' in object.metadata)) return object;
  const { managedFields: _hidden, ...metadata } = object.metadata;
  return { ...object, metadata };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}
