// How kubectl names an object in its messages: deployment.apps/nginx, pod/web-0.
import { apiGroup } from './pod-template.js';

export function objectRef(object: Record<string, unknown>): string {
  const kind = String(object.kind ?? 'object').toLowerCase();
  const group = apiGroup(object.apiVersion);
  const meta = (object.metadata ?? {}) as { name?: string; generateName?: string };
  const name = meta.name ?? (meta.generateName ? `${meta.generateName}*` : '<unnamed>');
  return `${kind}${group ? `.${group}` : ''}/${name}`;
}
