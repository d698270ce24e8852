// The shortcuts plan-rollout takes for 100,000 Pods must give what the general code gives: the hash
// annotations read with one pattern, JSON inputs read with JSON.parse, and the fast simulation on a
// realistic rollout compared plan for plan with the round-by-round reference.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/k8s/api.js';
import { parseUpgradeSpecs } from '../../src/kruise/sidecarcontrol/pod-annotations.js';
import { marshalledHashEntry, podSidecarSetHash } from '../../src/kruise/rollout/pod-annotations.js';
import { planRollout } from '../../src/kruise/rollout/plan.js';
import { simulateFast } from '../../src/kruise/rollout/simulate-fast.js';
import { simulateReference } from '../../src/kruise/rollout/simulate-reference.js';
import { jsonDocuments } from '../../src/manifests/json-source.js';
import { parseManifests } from '../../src/manifests/documents.js';
import { randomRollout, rng } from './rollout-random.js';

const HASH = 'kruise.io/sidecarset-hash';

/** What the general decoder reads: this SidecarSet's hash, "" when absent or unreadable. */
function decoded(text: string, name: string): string {
  const pod: Pod = { metadata: { name: 'p', annotations: { [HASH]: text } }, spec: { containers: [] } };
  try {
    return parseUpgradeSpecs(pod, HASH).get(name)?.hash ?? '';
  } catch {
    return '';
  }
}

describe('hash annotations in the form Kruise writes', () => {
  const entry = (name: string, hash: string, extra = '') =>
    `"${name}":{"updateTimestamp":"2024-10-14T12:06:27Z","hash":"${hash}","sidecarSetName":"${name}","sidecarList":["${name}"]${extra}}`;

  it('reads them like the decoder, and declines everything else', () => {
    const cases = [
      `{${entry('agent', 'h1')}}`,
      `{${entry('a', 'x')},${entry('agent', 'h2', ',"controllerRevision":"agent-1"')}}`,
      `{${entry('other', 'h3')}}`,
      `{${entry('agent', 'h4')},${entry('agent', 'h5')}}`, // duplicated key: the last one wins
      '{"agent":{"updateTimestamp":null,"hash":"h6","sidecarSetName":"agent","sidecarList":null}}',
      '{"agent":{"updateTimestamp":"2024-02-30T00:00:00Z","hash":"h7","sidecarSetName":"agent","sidecarList":[]}}', // no such day
      '{"agent":{"updateTimestamp":"2024-02-29T23:59:59Z","hash":"h8","sidecarSetName":"agent","sidecarList":[]}}',
      '{"agent":{"updateTimestamp":"2024-01-01T00:00:00+01:00","hash":"h9","sidecarSetName":"agent","sidecarList":[]}}',
      '{"agent":"legacy"}',
      '{"agent":{"Hash":"h10"}}',
      '{"agent":{"hash":"h\\u0031"}}',
      '{"agent":{"updateTimestamp":"2024-10-14T12:06:27Z","hash":"h\\"","sidecarSetName":"agent","sidecarList":[]}}',
      '{"agent":{"updateTimestamp":"2024-10-14T12:06:27Z","hash":"h12","sidecarSetName":"agent","sidecarList":[1]}}',
      '{}',
      'null',
      'not json',
      `{${entry('agent', 'h13')}} `,
      `{${entry('xagent', 'h14')}}`,
    ];
    for (const text of cases) {
      const fast = marshalledHashEntry(text, 'agent');
      if (fast !== undefined) expect(fast, text).toBe(decoded(text, 'agent'));
      const pod: Pod = { metadata: { name: 'p', annotations: { [HASH]: text } }, spec: { containers: [] } };
      expect(podSidecarSetHash(pod, HASH, 'agent'), text).toBe(decoded(text, 'agent'));
    }
    expect(marshalledHashEntry(cases[0], 'agent')).toBe('h1');
    expect(marshalledHashEntry(cases[3], 'agent')).toBe('h5');
    expect(marshalledHashEntry(cases[5], 'agent')).toBeUndefined();
    expect(marshalledHashEntry('{"agent":"legacy"}', 'agent')).toBeUndefined();
  });

  it('agrees with the decoder on random damage to a well-formed annotation', () => {
    const r = rng(7);
    const alphabet = ['"', '\\', '{', '}', ':', ',', '[', ']', 'a', '0', ' ', 'Z', 'n', 'T'];
    const base = `{${entry('a', 'x')},${entry('agent', 'h2', ',"controllerRevision":"agent-1"')}}`;
    let answered = 0;
    for (let k = 0; k < 3000; k++) {
      const chars = [...base];
      for (let edits = 1 + Math.floor(r() * 2); edits > 0; edits--) {
        const at = Math.floor(r() * chars.length);
        const c = alphabet[Math.floor(r() * alphabet.length)];
        if (r() < 0.5) chars[at] = c;
        else chars.splice(at, r() < 0.5 ? 1 : 0, ...(r() < 0.5 ? [c] : []));
      }
      const text = chars.join('');
      const fast = marshalledHashEntry(text, 'agent');
      if (fast === undefined) continue;
      answered++;
      expect(fast, text).toBe(decoded(text, 'agent'));
    }
    expect(answered).toBeGreaterThan(100);
  });
});

describe('JSON inputs read whole', () => {
  const pod = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'c', image: 'c:1' }] },
  });
  const plain = (docs: { source: string; index: number; listItem?: number; object: unknown }[]) =>
    docs.map(({ source, index, listItem, object }) => ({ source, index, listItem, object }));

  it('gives the general reader’s objects for a List and for one object', () => {
    for (const text of [
      JSON.stringify(
        { apiVersion: 'v1', kind: 'List', items: [pod('a'), pod('b')], metadata: { resourceVersion: '' } },
        null,
        4,
      ),
      JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [] }),
      JSON.stringify(pod('c')),
      `\n\t ${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod('__proto__')] })}\n`,
    ]) {
      expect(plain(jsonDocuments(text, 'in.json') ?? []), text).toEqual(plain(parseManifests(text, 'in.json')));
    }
  });

  it('leaves to the general reader what is not one JSON value of Kubernetes objects', () => {
    for (const text of [
      'apiVersion: v1\nkind: Pod\n',
      `${JSON.stringify(pod('a'))}${JSON.stringify(pod('b'))}`,
      '{"apiVersion": "v1", "kind": "List", "items": [{"kind": "Pod"}]}',
      '{"apiVersion": "v1", "kind": "List", "items": [1]}',
      '{"kind": "Pod"}',
      '{"apiVersion": "v1", "kind": "Pod",}',
      '\uFEFF{"apiVersion": "v1", "kind": "Pod"}',
    ]) {
      expect(jsonDocuments(text, 'in.json'), text).toBeUndefined();
    }
  });
});

describe('the fast simulation on long rollouts', () => {
  it('gives the reference plan, batch for batch, on rollouts of hundreds of Pods and rounds', () => {
    let compared = 0;
    for (let seed = 1; compared < 8 && seed < 500; seed++) {
      const input = randomRollout(seed, { maxPods: 400, calm: true });
      const strategy = input.sidecarSet.spec.updateStrategy ?? {};
      if (input.pods.length < 150 || !strategy.scatterStrategy || strategy.type === 'NotUpdate' || strategy.paused)
        continue;
      const plan = (simulate: typeof simulateFast) =>
        planRollout({ sidecarSet: input.sidecarSet, pods: input.pods, namespaces: input.namespaces }, simulate);
      const fast = plan(simulateFast);
      if (fast.totals.batches < 40) continue;
      compared++;
      expect(fast, `seed ${seed}`).toEqual(plan(simulateReference));
    }
    expect(compared).toBe(8);
  });
});
