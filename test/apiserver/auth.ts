// Bearer-token authentication and a small RBAC: each token names a user and either 'admin' (everything) or a
// list of rules. A rule grants its verbs on its resources (with subresources as "pods/status") in its API
// groups and namespaces; '*' matches anything, and an omitted list of groups or namespaces means all of them.
import type { IncomingMessage } from 'node:http';
import { errors, type GroupResource } from './status.js';

export interface RbacRule {
  verbs: string[];
  resources: string[];
  /** API groups ('' is core); all when omitted */
  apiGroups?: string[];
  /** namespaces; all (and cluster-scoped requests) when omitted */
  namespaces?: string[];
}

export interface TokenGrant {
  user: string;
  rules: 'admin' | RbacRule[];
}

export type Tokens = Record<string, TokenGrant>;

export interface RequestAttributes extends GroupResource {
  verb: string;
  subresource: string;
  namespace: string;
  name: string;
}

export function authenticate(req: IncomingMessage, tokens: Tokens): TokenGrant {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  const grant = m ? tokens[m[1]] : undefined;
  if (!grant) throw errors.unauthorized();
  return grant;
}

const matches = (allowed: string[] | undefined, value: string) =>
  !allowed || allowed.includes('*') || allowed.includes(value);

export function allowed(grant: TokenGrant, a: RequestAttributes): boolean {
  if (grant.rules === 'admin') return true;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return grant.rules.some(
    (r) =>
      matches(r.verbs, a.verb) &&
      matches(r.resources, resource) &&
      matches(r.apiGroups, a.group) &&
      (r.namespaces === undefined || (a.namespace !== '' && matches(r.namespaces, a.namespace))),
  );
}

/** Throws Kubernetes' 403 when the grant does not allow the request. */
export function authorize(grant: TokenGrant, a: RequestAttributes): void {
  if (allowed(grant, a)) return;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  throw errors.forbidden(a, a.name, grant.user, a.verb, resource, a.namespace);
}
