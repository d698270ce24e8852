// Validates what `inject` prints against the Kubernetes OpenAPI schema, through kubernetes-models (generated from
// the official OpenAPI and maintained with each Kubernetes release; its validators work offline).
import { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-models/apps/v1';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { ConfigMap, Namespace, Pod } from 'kubernetes-models/v1';
import { PodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';

type Obj = Record<string, any>;
interface Model {
  validate(): void;
}

const models: Record<string, (o: Obj) => Model> = {
  'v1/Pod': (o) => new Pod(o as any),
  'v1/ConfigMap': (o) => new ConfigMap(o as any),
  'v1/Namespace': (o) => new Namespace(o as any),
  'apps/v1/Deployment': (o) => new Deployment(o as any),
  'apps/v1/StatefulSet': (o) => new StatefulSet(o as any),
  'apps/v1/DaemonSet': (o) => new DaemonSet(o as any),
  'apps/v1/ReplicaSet': (o) => new ReplicaSet(o as any),
  'apps/v1/ControllerRevision': (o) => new ControllerRevision(o as any),
  'batch/v1/Job': (o) => new Job(o as any),
  'batch/v1/CronJob': (o) => new CronJob(o as any),
};

/** Kruise's workloads are not in the Kubernetes schema: their metadata and pod template are. */
const kruiseTemplates: Record<string, (o: Obj) => Obj | undefined> = {
  'apps.kruise.io/v1alpha1/CloneSet': (o) => o.spec?.template,
  'apps.kruise.io/v1beta1/StatefulSet': (o) => o.spec?.template,
  'apps.kruise.io/v1alpha1/StatefulSet': (o) => o.spec?.template,
  'apps.kruise.io/v1alpha1/DaemonSet': (o) => o.spec?.template,
};

/** Throws, naming the object and the schema path, when a rendered object does not validate; SidecarSets pass. */
export function validateRendered(doc: Obj): void {
  if (Array.isArray(doc.items) && String(doc.kind).endsWith('List')) return doc.items.forEach(validateRendered);
  const type = `${doc.apiVersion}/${doc.kind}`;
  const name = `${type} ${doc.metadata?.name}`;
  try {
    if (models[type]) return models[type](doc).validate();
    if (kruiseTemplates[type]) {
      new PodTemplateSpec({ metadata: doc.metadata }).validate(); // the workload's own ObjectMeta
      const template = kruiseTemplates[type](doc);
      if (template) new PodTemplateSpec(template).validate();
      return;
    }
  } catch (err) {
    throw new Error(`${name} does not validate: ${(err as Error).message}`);
  }
  if (doc.kind !== 'SidecarSet') throw new Error(`${name}: no schema to validate it with`);
}
