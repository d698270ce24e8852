// `npm run cluster`: the test API server by hand, loaded with the project's fixtures, until SIGINT/SIGTERM.
// The first line of stdout is `export KUBECONFIG=...`, ready for a shell's eval.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { demoObjects } from './demo.js';
import { startApiServer } from './index.js';

export async function main(root: string): Promise<void> {
  const api = await startApiServer({ objects: demoObjects(path.join(root, 'fixtures')) });
  const dir = mkdtempSync(path.join(tmpdir(), 'sidecarset-cluster-'));
  const kubeconfig = api.writeKubeconfig(dir, { context: 'sidecarset-test', namespace: 'shop' });
  process.stdout.write(`export KUBECONFIG=${kubeconfig}\n`);
  process.stdout.write(
    `# serving ${api.url} (SidecarSets ${api.store.list('sidecarsets.apps.kruise.io').length}, Pods ${api.store.list('pods').length}); Ctrl-C stops it\n`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await api.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
