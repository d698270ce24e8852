// The cluster layer's public API, for commands to import() when they reach a cluster. Every function takes the
// Cluster that `connect` returns and gives back plain JSON objects; failures are SidecarsetErrors of one line.
export { connect, listContexts, type Cluster, type ClusterFlags, type Env } from './connect.js';
export { kubeconfigNamespace } from './kubeconfig.js';
export { parseRequestTimeout } from './request-timeout.js';
export { ApiError } from './api-error.js';
export { discoverGroups, resolveType, sidecarSetType, KRUISE_GROUP, SIDECARSET_VERSIONS } from './discovery.js';
export {
  MUTATING_WEBHOOK_CONFIGURATION,
  NAMESPACE,
  POD,
  apiVersionOf,
  qualifiedName,
  type ResourceType,
} from './rest-mapper.js';
export {
  DEFAULT_PAGE_SIZE,
  getObject,
  listObjects,
  listPages,
  names,
  type KubeObject,
  type ListOptions,
  type ListPage,
  type Scope,
} from './read.js';
export { watchObjects, type WatchEvent, type WatchOptions } from './watch.js';
export { createObject, patchObject, type JsonPatchOperation, type WriteOptions } from './write.js';
