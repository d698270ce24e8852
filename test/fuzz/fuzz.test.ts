// inject on generated and mutated inputs: success, or one line of error with exit 1 (2 for usage), never a crash.
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { applyMutations, fixtureStreams, generatedStream, mutatedFixture, randomBytes, runInject } from './cases.js';
import { validateRendered } from './schema.js';

const settings = { seed: 20261205, numRuns: 150 };
const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS());

describe('inject never crashes', { timeout: 600_000 }, () => {
  it('on generated SidecarSets and workloads; what it renders validates against the Kubernetes schema', async () => {
    await fc.assert(
      fc.asyncProperty(generatedStream, async (stream) => {
        const judged = await runInject(stream);
        expect(judged.outcome, judged.result.stderr).not.toBe('crash');
        if (judged.outcome === 'ok') for (const doc of docs(judged.result.stdout)) validateRendered(doc);
      }),
      settings,
    );
  });

  // known: a string where the core expects an object ("Cannot create property 'type' on string") is still a crash
  it.fails('on mutated fixtures (known crash: a string where an object is expected)', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedFixture, async (m) => {
        const judged = await runInject(applyMutations(fixtureStreams[m.fixture], m.mutations));
        expect(judged.outcome, judged.result.stderr).not.toBe('crash');
      }),
      settings,
    );
  });

  it('on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(randomBytes, async (bytes) => {
        const judged = await runInject(bytes);
        expect(judged.outcome, judged.result.stderr).not.toBe('crash');
      }),
      settings,
    );
  });

  it('a ControllerRevision whose recorded container image is a list: one line naming the field', async () => {
    const stream = fixtureStreams.find((s) => s.includes('kind: ControllerRevision'))!;
    const broken = stream.replace(/image: registry\.example\.com\/obs\/log-agent:1\.9\.4/, 'image: []');
    expect(broken).not.toBe(stream);
    const judged = await runInject(broken);
    expect(judged.outcome, judged.result.stderr).toBe('error');
    expect(judged.result.stderr).toMatch(/data\.spec\.containers\[0\]\.image: .*expected a string, got a list/);
  });
});

it('every fixture renders to objects that validate against the Kubernetes schema', async () => {
  for (const stream of fixtureStreams) {
    const judged = await runInject(stream);
    if (judged.outcome === 'ok') for (const doc of docs(judged.result.stdout)) validateRendered(doc);
    expect(judged.outcome, judged.result.stderr).not.toBe('crash');
  }
});
