// `validate --live`: the cluster's SidecarSet of the same name is the stored object, and the update is judged
// against it, as `kubectl apply` would have Kruise's webhook judge it.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startApiServer, type TestApiServer } from '../apiserver/index.js';
import { tempDir } from '../cluster/live.js';
import { cli } from './harness.js';

type Obj = Record<string, unknown>;

const sidecarSet = (name: string, containers: Obj[]): Obj => ({
  apiVersion: 'apps.kruise.io/v1beta1',
  kind: 'SidecarSet',
  metadata: { name },
  spec: { selector: { matchLabels: { app: name } }, containers },
});
const agent = (upgradeType: string): Obj => ({ name: 'agent', image: 'agent:1', upgradeStrategy: { upgradeType } });

let api: TestApiServer;
let tmp: ReturnType<typeof tempDir>;
let kubeconfig: string;

beforeAll(async () => {
  api = await startApiServer({ objects: [sidecarSet('log', [agent('ColdUpgrade')]) as never], kubelet: false });
  tmp = tempDir('validate-live');
  kubeconfig = api.writeKubeconfig(tmp.dir);
}, 60_000);

afterAll(async () => {
  await api?.close();
  tmp?.remove();
});

function file(name: string, obj: Obj): string {
  const p = path.join(tmp.dir, name);
  writeFileSync(p, stringify(obj));
  return p;
}

describe('validate --live', () => {
  it("judges a SidecarSet the cluster has as an update of the cluster's object", async () => {
    const changed = file('log.yaml', sidecarSet('log', [agent('HotUpgrade')]));
    const created = await cli(['validate', '-f', changed]);
    expect(created.code).toBe(0);
    const r = await cli(['validate', '-f', changed, '--live', '--kubeconfig', kubeconfig]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '  spec.containers.upgradeStrategy.upgradeType: Invalid value: "agent": container agent upgradeType is immutable\n',
    );
  });

  it("a SidecarSet the cluster lacks is a create, checked for conflicts with the cluster's", async () => {
    const other = file('mesh.yaml', sidecarSet('mesh', [agent('ColdUpgrade')]));
    const r = await cli(['validate', '-f', other, '--live', '--kubeconfig', kubeconfig]);
    expect(r.code).toBe(0); // selectors app=mesh and app=log never overlap
    expect(r.stdout).toMatch(/: valid\n1 SidecarSet valid\n$/);
  });
});
