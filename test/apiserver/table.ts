// Server-side printing: kubectl asks for `as=Table` and prints the rows the server computes.
// The CLI's rendering of kubectl's AGE (duration.HumanDuration); a pure function, shared rather than copied.
import { humanDuration } from '../../src/cli/plan-table.js';
import type { ResourceType } from './resources.js';
import type { KubeObject } from './store.js';

interface Column {
  name: string;
  type: string;
  format?: string;
  description: string;
  priority: number;
  cell: (o: KubeObject) => unknown;
}

const name: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
  cell: (o) => o.metadata.name,
};
const age: Column = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: (o) =>
    o.metadata.creationTimestamp
      ? humanDuration(Math.floor((Date.now() - Date.parse(o.metadata.creationTimestamp)) / 1000))
      : '<unknown>',
};
const col = (n: string, cell: (o: any) => unknown, priority = 0, type = 'string'): Column => ({
  name: n,
  type,
  description: n,
  priority,
  cell,
});

function podStatus(pod: any): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  const waiting = (pod.status?.containerStatuses ?? []).find((s: any) => s.state?.waiting?.reason)?.state.waiting
    .reason;
  return waiting ?? pod.status?.phase ?? 'Pending';
}

const COLUMNS: Record<string, Column[]> = {
  '/pods': [
    name,
    col(
      'Ready',
      (p) =>
        `${(p.status?.containerStatuses ?? []).filter((s: any) => s.ready).length}/${(p.spec?.containers ?? []).length}`,
    ),
    col('Status', podStatus),
    col('Restarts', (p) =>
      String((p.status?.containerStatuses ?? []).reduce((n: number, s: any) => n + (s.restartCount ?? 0), 0)),
    ),
    age,
    col('IP', (p) => p.status?.podIP ?? '<none>', 1),
    col('Node', (p) => p.spec?.nodeName ?? '<none>', 1),
    col('Nominated Node', (p) => p.status?.nominatedNodeName ?? '<none>', 1),
    col('Readiness Gates', (p) => (p.spec?.readinessGates ? `${p.spec.readinessGates.length}` : '<none>'), 1),
  ],
  '/namespaces': [name, col('Status', (n) => n.status?.phase ?? 'Active'), age],
  'apps/deployments': [
    name,
    col('Ready', (d) => `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`),
    col('Up-to-date', (d) => d.status?.updatedReplicas ?? 0, 0, 'integer'),
    col('Available', (d) => d.status?.availableReplicas ?? 0, 0, 'integer'),
    age,
  ],
  'apps.kruise.io/sidecarsets': [
    name,
    col('Matched', (s) => s.status?.matchedPods ?? null, 0, 'integer'),
    col('Updated', (s) => s.status?.updatedPods ?? null, 0, 'integer'),
    col('Ready', (s) => s.status?.readyPods ?? null, 0, 'integer'),
    age,
  ],
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '');
}

export function toTable(
  resource: ResourceType,
  objects: KubeObject[],
  listMeta: Record<string, unknown>,
  include: IncludeObject,
) {
  const columns = COLUMNS[`${resource.group}/${resource.resource}`] ?? [name, age];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns.map(({ cell: _, ...c }) => c),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o)),
      object:
        include === 'None'
          ? null
          : include === 'Object'
            ? o
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
