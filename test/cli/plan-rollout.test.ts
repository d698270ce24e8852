import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderPlanTable } from '../../src/cli/plan-table.js';
import { parseSelectorFlag } from '../../src/cli/selector-flag.js';
import type { RolloutPlan } from '../../src/kruise/rollout/plan-schema.js';
import { cli, expectGolden, fixture } from './harness.js';

const SS = fixture('rollout/log-shipper-sidecarset.yaml');
const PODS = fixture('rollout/pods.yaml');
const ssText = readFileSync(SS, 'utf8');
const podsText = readFileSync(PODS, 'utf8');

async function planJson(args: string[], opts: { stdin?: string } = {}): Promise<RolloutPlan> {
  const r = await cli(['plan-rollout', ...args, '-o', 'json'], opts);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as RolloutPlan;
}

const refs = (list: { namespace: string; name: string }[]) => list.map((p) => `${p.namespace}/${p.name}`);
const batchPods = (plan: RolloutPlan) => plan.batches.map((b) => refs(b.pods));

/** The fixture SidecarSet with lines added under spec.updateStrategy. */
function strategyWith(...lines: string[]): string {
  return ssText.replace(
    '    type: RollingUpdate\n',
    `    type: RollingUpdate\n${lines.map((l) => `    ${l}\n`).join('')}`,
  );
}

describe('plan-rollout: the fixture', () => {
  it('table (golden)', async () => {
    const r = await cli(['plan-rollout', '-f', SS, '-f', PODS]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('\x1b[');
    expectGolden('plan-rollout.txt', r.stdout);
  });

  it('wide, with a what-if and an estimate (golden)', async () => {
    const r = await cli([
      'plan-rollout',
      '-f',
      'fixtures/rollout',
      '-o',
      'wide',
      '--max-unavailable',
      '2',
      '--batch-duration',
      '1m30s',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('What-if:    --max-unavailable 2 (the SidecarSet says 25%)');
    expect(r.stdout).toMatch(/^BATCH +# +POD +NODE +AGE +READY +STATUS +LOG-SHIPPER +REASON$/m);
    expectGolden('plan-rollout-wide.txt', r.stdout);
  });

  it('JSON (golden) with the documented schema', async () => {
    const r = await cli(['plan-rollout', '-f', SS, '-f', PODS, '-o', 'json', '--batch-duration', '30s']);
    expect(r.code).toBe(0);
    expectGolden('plan-rollout.json', r.stdout);
    const plan = JSON.parse(r.stdout) as RolloutPlan;
    expect(plan.kind).toBe('RolloutPlan');
    expect(batchPods(plan)).toEqual([
      ['shop/web-6b7c9d-c4t7w', 'shop/web-6b7c9d-m7q1x', 'shop/web-6b7c9d-k2d6s', 'shop/web-6b7c9d-8hj2m'],
      ['shop/api-7c9b4-q8m5t'],
      ['shop/web-6b7c9d-r3w9b'],
      ['shop/web-6b7c9d-f9p3z'],
    ]);
    expect(plan.batches[0].pods.map((p) => p.position)).toEqual([1, 2, 3, 4]);
    expect(plan.resolved.maxUnavailable).toEqual({ value: 3, rule: 'maxUnavailable 25% of 10 → 3, rounded up' });
    expect(refs(plan.updated)).toEqual(['shop/web-6b7c9d-2xkq4', 'shop/web-6b7c9d-5vn8r']);
    expect(plan.notUpgradable).toEqual([
      {
        namespace: 'shop',
        name: 'worker-5f8d7-h6z2n',
        reason: expect.stringMatching(
          /^needs a recreate: differs in log-shipper env LOG_FORMAT \(Pod: "text", SidecarSet: "json"\)/,
        ),
      },
    ]);
    expect(plan.notMatched.map((m) => [m.name, m.reason])).toEqual([
      ['coredns-5d78c9869d-tlx2v', 'SelectorMismatch'],
      ['legacy-report-9k2jd', 'NotInjected'],
    ]);
    expect(plan.stop.reason).toBe('NoCandidates');
    expect(plan.estimate).toMatchObject({ batches: 4, batchDuration: '30s', total: '2m0s' });
    expect(plan.pods.find((p) => p.name === 'web-6b7c9d-5vn8r')?.reason).toBe(
      'already updated; its in-place update is in flight: holds a maxUnavailable slot',
    );
    expect(plan.pods.find((p) => p.name === 'api-7c9b4-q8m5t')).toMatchObject({
      batch: 2,
      position: 1,
      reason: 'its sidecar update in flight finishes first',
    });
  });

  it('YAML says the same as JSON', async () => {
    const json = await planJson(['-f', SS, '-f', PODS]);
    const r = await cli(['plan-rollout', '-f', SS, '-f', PODS, '-o', 'yaml']);
    expect(r.code).toBe(0);
    expect(parse(r.stdout)).toEqual(json);
  });

  it('reads the Pods from stdin, as kubectl get pods -A -o yaml | ... -f -', async () => {
    const fromFile = await planJson(['-f', SS, '-f', PODS]);
    expect(await planJson(['-f', SS, '-f', '-'], { stdin: podsText })).toEqual(fromFile);
  });
});

describe('plan-rollout: what-if', () => {
  it('--partition holds back the oldest candidates, and the header says so', async () => {
    const plan = await planJson(['-f', SS, '-f', PODS, '--partition', '3']);
    expect(plan.overrides).toEqual([{ flag: '--partition', field: 'spec.updateStrategy.partition', value: 3, was: 0 }]);
    expect(plan.resolved.partition.value).toBe(3);
    expect(plan.stop.reason).toBe('Partition');
    expect(plan.heldByPartition.length).toBe(3);
    const table = await cli(['plan-rollout', '-f', SS, '-f', PODS, '--partition', '3']);
    expect(table.stdout).toContain('What-if:    --partition 3 (the SidecarSet says 0)');
  });

  it('--update-selector leaves the other Pods alone (and says the webhook would refuse it with a partition)', async () => {
    const plan = await planJson([
      '-f',
      SS,
      '-f',
      PODS,
      '--update-selector',
      'topology.kubernetes.io/zone in (eu-west-1c)',
      '--max-unavailable',
      '100%',
    ]);
    expect(
      batchPods(plan)
        .flat()
        .every((n) => ['shop/web-6b7c9d-k2d6s', 'shop/web-6b7c9d-m7q1x', 'shop/web-6b7c9d-r3w9b'].includes(n)),
    ).toBe(true);
    expect(plan.notSelected.length).toBe(5); // the update selector is looked at before upgradability
    expect(plan.strategy.selector).toEqual({
      matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1c'] }],
    });
    const r = await cli([
      'plan-rollout',
      '-f',
      SS,
      '-f',
      PODS,
      '--update-selector',
      'app=shop',
      '--partition',
      '1',
      '-o',
      'json',
    ]);
    expect(r.stderr).toContain("warning: Kruise's webhook rejects partition together with updateStrategy.selector");
  });

  it('--paused=false plans a paused rollout; paused, batch 1 is empty', async () => {
    const paused = strategyWith('paused: true');
    const stopped = await planJson(['-f', '-', '-f', PODS], { stdin: paused });
    expect(stopped.batches).toEqual([
      { batch: 1, kind: 'none', pods: [], reset: [], note: 'nothing: the rollout is paused' },
    ]);
    expect(stopped.stop.reason).toBe('Paused');
    expect(stopped.notRolling.length).toBe(8); // Kruise stops before it reports anything not upgradable
    expect(stopped.notUpgradable).toEqual([]);
    const unpaused = await planJson(['-f', '-', '-f', PODS, '--paused=false'], { stdin: paused });
    expect(unpaused.overrides).toEqual([
      { flag: '--paused', field: 'spec.updateStrategy.paused', value: false, was: true },
    ]);
    expect(unpaused.batches.length).toBe(4);
  });

  it('NotUpdate: batch 1 is empty', async () => {
    const plan = await planJson(['-f', '-', '-f', PODS], {
      stdin: ssText.replace('type: RollingUpdate', 'type: NotUpdate'),
    });
    expect(plan.batches).toEqual([
      { batch: 1, kind: 'none', pods: [], reset: [], note: 'nothing: spec.updateStrategy.type is NotUpdate' },
    ]);
    expect(plan.stop.reason).toBe('NotUpdate');
  });

  it('every slot held by a Pod in flight: batch 1 is empty, the rest follows', async () => {
    const plan = await planJson(['-f', SS, '-f', PODS, '--max-unavailable', '1']);
    expect(plan.batches[0]).toEqual({
      batch: 1,
      kind: 'none',
      pods: [],
      reset: [],
      note: 'nothing: maxUnavailable 1; 1 slot held by shop/web-6b7c9d-5vn8r',
    });
    expect(plan.batches[1].pods.length).toBeGreaterThan(0);
    expect(plan.stop.reason).toBe('MaxUnavailable');
    expect(plan.blocked.length).toBe(4);
  });
});

describe('plan-rollout: inputs', () => {
  it('Pods without status count as not ready, and the plan says so', async () => {
    const pods = parse(podsText);
    delete pods.items[2].status; // web-6b7c9d-8hj2m
    const r = await cli(['plan-rollout', '-f', SS, '-f', '-'], { stdin: JSON.stringify(pods) });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'warning: 1 matched Pod has no status (shop/web-6b7c9d-8hj2m): counted as not ready, so upgraded without using maxUnavailable, and then holding a slot for good',
    );
    const json = await cli(['plan-rollout', '-f', SS, '-f', '-', '-o', 'json'], { stdin: JSON.stringify(pods) });
    expect(json.stderr).toMatch(/^warning: 1 matched Pod has no status/);
    const plan = JSON.parse(json.stdout) as RolloutPlan;
    expect(plan.warnings.length).toBe(1);
    expect(plan.pods.find((p) => p.name === 'web-6b7c9d-8hj2m')).toMatchObject({
      ready: false,
      containersReady: '0/2',
      batch: 1,
    });
  });

  it('Pods without a namespace take -n', async () => {
    const pod = parse(podsText).items[3];
    delete pod.metadata.namespace;
    const plan = await planJson(['-f', SS, '-f', '-', '-n', 'shop-2'], { stdin: JSON.stringify(pod) });
    expect(refs(plan.batches[0].pods)).toEqual(['shop-2/web-6b7c9d-c4t7w']);
  });

  it('a SidecarSet edited from kubectl get -o yaml is re-hashed (and stderr says so); --keep-hash reads it as stored', async () => {
    const stored = ssText.replace(
      '  name: shop-log-shipper\n',
      '  name: shop-log-shipper\n  annotations:\n    kruise.io/sidecarset-hash: old-hash\n',
    );
    const r = await cli(['plan-rollout', '-f', '-', '-f', PODS], { stdin: stored });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^note: <stdin>: document 1: SidecarSet shop-log-shipper: kruise.io\/sidecarset-hash recomputed/,
    );
    const kept = await cli(['plan-rollout', '-f', '-', '-f', PODS, '--keep-hash', '-o', 'json'], { stdin: stored });
    const plan = JSON.parse(kept.stdout) as RolloutPlan;
    expect(plan.sidecarSet.hash).toBe('old-hash');
    expect(plan.updated).toEqual([]); // no Pod carries "old-hash"
    expect(plan.notUpgradable.length).toBe(10); // and the hash-without-image is absent: "" differs from every Pod's
  });

  it('objects that are neither Pods nor configuration are ignored, with a note', async () => {
    const r = await cli(['plan-rollout', '-f', SS, '-f', PODS, '-f', fixture('efk/nginx-deployment.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('note: ignored 1 object that is neither a Pod nor configuration: deployment.apps/nginx\n');
  });

  it('namespaceSelector needs the Namespace objects', async () => {
    const selective = ssText.replace(
      '  selector:\n',
      '  namespaceSelector:\n    matchLabels:\n      team: shop\n  selector:\n',
    );
    const r = await cli(['plan-rollout', '-f', '-', '-f', PODS], { stdin: selective });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: spec.namespaceSelector needs the labels of namespaces kube-system, shop, which were not given: pass the Namespace objects (kubectl get namespaces -o yaml) with -f\n',
    );
    const ns =
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    team: shop\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: kube-system\n';
    const plan = await planJson(['-f', '-', '-f', PODS], { stdin: `${selective}\n---\n${ns}` });
    expect(plan.totals.matched).toBe(10);
    expect(plan.notMatched.find((m) => m.name.startsWith('coredns'))?.reason).toBe('NamespaceMismatch');
  });
});

describe('plan-rollout: errors', () => {
  it('exactly one SidecarSet', async () => {
    const none = await cli(['plan-rollout', '-f', PODS]);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('error: plan-rollout needs one SidecarSet among the inputs (-f), and found none\n');
    const two = await cli(['plan-rollout', '-f', SS, '-f', PODS, '-f', fixture('revision/log-agent-sidecarset.yaml')]);
    expect(two.code).toBe(2);
    expect(two.stderr).toBe(
      'error: plan-rollout plans one SidecarSet at a time; the inputs hold 2: shop-log-shipper (fixtures/rollout/log-shipper-sidecarset.yaml: document 1), log-agent (fixtures/revision/log-agent-sidecarset.yaml: document 1)\n',
    );
  });

  it('a SidecarSet Kruise would reject is an error with its field', async () => {
    const r = await cli(['plan-rollout', '-f', '-', '-f', PODS], { stdin: strategyWith('partition: -1') });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').length).toBe(2);
    expect(r.stderr).toContain('spec.updateStrategy.partition');
  });

  it('bad flags are usage errors', async () => {
    const cases: [string[], string][] = [
      [
        ['--partition', 'ten'],
        'error: --partition must be a number of Pods or a percentage, such as 3 or 20%; got "ten"\n',
      ],
      [
        ['--max-unavailable', '-1'],
        'error: --max-unavailable must be a number of Pods or a percentage, such as 3 or 20%; got "-1"\n',
      ],
      [
        ['--batch-duration', '30'],
        'error: --batch-duration: invalid duration "30": missing unit (ns, us, ms, s, m or h)\n',
      ],
      [['--paused=maybe'], 'error: --paused takes true or false (--paused=false), got "maybe"\n'],
      [['--update-selector', 'a in (b'], 'error: --update-selector: unbalanced parentheses in "a in (b"\n'],
      [
        ['-o', 'name'],
        'error: unable to match a printer suitable for the output format "name", allowed formats are: table,wide,json,yaml\n',
      ],
    ];
    for (const [flags, message] of cases) {
      const r = await cli(['plan-rollout', '-f', SS, '-f', PODS, ...flags]);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr).toBe(message);
      expect(r.stdout).toBe('');
    }
  });

  it('a missing file', async () => {
    const r = await cli(['plan-rollout', '-f', SS, '-f', 'nope.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: nope.yaml: the path "nope.yaml" does not exist\n');
  });
});

describe('the table renderer', () => {
  it('colours on request only', async () => {
    const plan = await planJson(['-f', SS, '-f', PODS]);
    const now = '2023-11-14T22:13:20Z';
    expect(renderPlanTable(plan, { wide: false, colour: true, now })).toContain('\x1b[');
    expect(renderPlanTable(plan, { wide: false, colour: false, now })).not.toContain('\x1b[');
  });
});

describe('--update-selector syntax', () => {
  it('reads kubectl selectors', () => {
    expect(
      parseSelectorFlag('app=web,tier!=db,env in (a, b),!legacy,canary,x==y,z notin (q)', '--update-selector'),
    ).toEqual({
      matchLabels: { app: 'web', x: 'y' },
      matchExpressions: [
        { key: 'tier', operator: 'NotIn', values: ['db'] },
        { key: 'env', operator: 'In', values: ['a', 'b'] },
        { key: 'legacy', operator: 'DoesNotExist' },
        { key: 'canary', operator: 'Exists' },
        { key: 'z', operator: 'NotIn', values: ['q'] },
      ],
    });
    expect(() => parseSelectorFlag('a=b=c', '--update-selector')).toThrow(/cannot parse/);
    expect(() => parseSelectorFlag('-bad=x', '--update-selector')).toThrow(/--update-selector: invalid label selector/);
  });
});

describe('plan-rollout: colour follows the terminal', () => {
  it('coloured on a terminal, plain when piped or with NO_COLOR', async () => {
    const args = ['plan-rollout', '-f', SS, '-f', PODS];
    expect((await cli(args, { stdoutTty: true })).stdout).toContain('\x1b[');
    expect((await cli(args)).stdout).not.toContain('\x1b[');
    expect((await cli(args, { stdoutTty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\x1b[');
  });
});
