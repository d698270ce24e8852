// A real kubeconfig for the test server: the CA inline, a bearer token, a current context with a namespace.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export interface KubeconfigContext {
  name: string;
  namespace?: string;
  /** a token from the server's tokens; default the admin token */
  token?: string;
  /** another server (for multi-cluster configs); default this one */
  server?: string;
  caPem?: string;
}

export interface KubeconfigOptions {
  /** the file name in `dir`; default 'kubeconfig' */
  fileName?: string;
  /** the current context's name; default 'test' */
  context?: string;
  /** the current context's namespace; default 'default' */
  namespace?: string;
  /** the current context's token; default the admin token */
  token?: string;
  /** more contexts, each with its own user and cluster entry */
  extraContexts?: KubeconfigContext[];
}

export function kubeconfigYaml(
  server: string,
  caPem: string,
  adminToken: string,
  options: KubeconfigOptions = {},
): string {
  const contexts: KubeconfigContext[] = [
    { name: options.context ?? 'test', namespace: options.namespace ?? 'default', token: options.token },
    ...(options.extraContexts ?? []),
  ];
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    'current-context': contexts[0].name,
    clusters: contexts.map((c) => ({
      name: c.name,
      cluster: {
        server: c.server ?? server,
        'certificate-authority-data': Buffer.from(c.caPem ?? caPem).toString('base64'),
      },
    })),
    users: contexts.map((c) => ({ name: c.name, user: { token: c.token ?? adminToken } })),
    contexts: contexts.map((c) => ({
      name: c.name,
      context: { cluster: c.name, user: c.name, ...(c.namespace ? { namespace: c.namespace } : {}) },
    })),
  };
  return YAML.stringify(doc);
}

export function writeKubeconfigFile(dir: string, yaml: string, fileName = 'kubeconfig'): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, fileName);
  writeFileSync(file, yaml, { mode: 0o600 });
  return file;
}
