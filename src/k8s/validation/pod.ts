// corevalidation.ValidatePodCreate as Kruise uses it: on a fake Pod named "test" in "default" holding the
// SidecarSet's init containers, containers and volumes (restartPolicy Always, dnsPolicy ClusterFirst,
// terminationGracePeriodSeconds 30). Only the checks that can fire on such a Pod are here.
import type { Container, Volume } from '../api.js';
import { child, duplicate, forbidden, index, invalid, notSupported, type FieldError } from './field-errors.js';
import { validateContainerCommon } from './container.js';
import { validateLifecycle, validateProbe } from './probes.js';
import { validateVolumes, type VolumeSources } from './volumes.js';

export interface FakePod {
  initContainers: readonly Container[];
  containers: readonly Container[];
  volumes: readonly Volume[] | undefined;
}

const FAKE_POD_NAME = 'test';
const GRACE_PERIOD_SECONDS = 30;

export function validateFakePodCreate(pod: FakePod): FieldError[] {
  const specPath = 'spec';
  const { sources, errs } = validateVolumes(pod.volumes, child(specPath, 'volumes'), FAKE_POD_NAME);
  errs.push(...validateContainers(pod.containers, sources, child(specPath, 'containers')));
  errs.push(...validateInitContainers(pod.initContainers, pod.containers, sources, child(specPath, 'initContainers')));
  errs.push(...imageWhitespaceErrors(pod.containers, child(specPath, 'containers')));
  errs.push(...imageWhitespaceErrors(pod.initContainers, child(specPath, 'initContainers')));
  return errs;
}

function validateContainers(containers: readonly Container[], volumes: VolumeSources, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((ctr, i) => {
    const at = index(path, i);
    errs.push(...validateContainerCommon(ctr, volumes, at));
    if (names.has(ctr.name)) errs.push(duplicate(child(at, 'name'), ctr.name));
    else names.add(ctr.name);
    errs.push(...validateHooksAndProbes(ctr, at));
    if (ctr.restartPolicy !== undefined && ctr.restartPolicy !== null) {
      errs.push(forbidden(child(at, 'restartPolicy'), 'may not be set for non-init containers'));
    }
  });
  errs.push(...hostPortConflicts(containers, path));
  return errs;
}

function validateInitContainers(
  inits: readonly Container[],
  regular: readonly Container[],
  volumes: VolumeSources,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(regular.map((c) => c.name));
  inits.forEach((ctr, i) => {
    const at = index(path, i);
    errs.push(...validateContainerCommon(ctr, volumes, at));
    let restartAlways = false;
    if (ctr.restartPolicy !== undefined && ctr.restartPolicy !== null) {
      if (ctr.restartPolicy !== 'Always')
        errs.push(notSupported(child(at, 'restartPolicy'), ctr.restartPolicy, ['Always']));
      restartAlways = ctr.restartPolicy === 'Always';
    }
    if (names.has(ctr.name)) errs.push(duplicate(child(at, 'name'), ctr.name));
    else if ((ctr.name ?? '').length > 0) names.add(ctr.name);
    // init containers run one by one: each is checked alone, always reported at index 0
    errs.push(...hostPortConflicts([ctr], path));
    if (restartAlways) errs.push(...validateHooksAndProbes(ctr, at));
    else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (ctr[f] !== undefined && ctr[f] !== null) {
          errs.push(forbidden(child(at, f), 'may not be set for init containers without restartPolicy=Always'));
        }
      }
    }
    const resize = ctr['resizePolicy'];
    if (Array.isArray(resize) && resize.length > 0)
      errs.push(invalid(child(at, 'resizePolicy'), resize, 'must not be set for init containers'));
  });
  return errs;
}

function validateHooksAndProbes(ctr: Container, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (ctr['lifecycle'] !== undefined && ctr['lifecycle'] !== null) {
    errs.push(...validateLifecycle(ctr['lifecycle'], GRACE_PERIOD_SECONDS, child(path, 'lifecycle')));
  }
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    errs.push(...validateProbe(ctr[kind], kind, GRACE_PERIOD_SECONDS, child(path, kind)));
  }
  return errs;
}

/** AccumulateUniqueHostPorts: protocol/hostIP/hostPort must be unique across the given containers. */
function hostPortConflicts(containers: readonly Container[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((ctr, ci) => {
    const ports = Array.isArray(ctr['ports']) ? (ctr['ports'] as Record<string, unknown>[]) : [];
    ports.forEach((port, pi) => {
      const hostPort = typeof port?.['hostPort'] === 'number' ? port['hostPort'] : 0;
      if (hostPort === 0) return;
      const id = `${String(port['protocol'] ?? '')}/${String(port['hostIP'] ?? '')}/${hostPort}`;
      if (seen.has(id)) errs.push(duplicate(child(index(child(index(path, ci), 'ports'), pi), 'hostPort'), id));
      else seen.add(id);
    });
  });
  return errs;
}

function imageWhitespaceErrors(containers: readonly Container[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((ctr, i) => {
    const image = ctr.image ?? '';
    if (image.length !== image.trim().length) {
      errs.push(invalid(child(index(path, i), 'image'), image, 'must not have leading or trailing whitespace'));
    }
  });
  return errs;
}
