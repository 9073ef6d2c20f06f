/**
 * `plan --from-profile` decisions in-process (the CLI's exit codes are in plan-cli.test.ts; the
 * growth matrix covers every stage): a refused edit, and the one-line summary of tag-only changes.
 */
import { awsStatefulRisks } from '../deploy/aws/safety';
import { compareTemplates } from '../deploy/aws/changes';
import { profileEditRunbook } from '../deploy/profile-change';
import { formatTransition } from '../deploy/report';
import { awsChangeLines } from '../deploy/transition';
import { awsTemplate, stagePlan } from './support/stages';

test('a blocked change: the runbook says the edit is refused (exit 3), names each resource and its way out', () => {
  const plan = stagePlan('single-server');
  const risk = { target: 'k8s' as const, resource: 'StatefulSet growing-shop/postgres', resourceType: 'apps/v1 StatefulSet', severity: 'rejected' as const, change: 'spec.volumeClaimTemplates change rejected', reason: 'immutable', fix: 'kubectl delete statefulset postgres --cascade=orphan' };
  const runbook = profileEditRunbook('single-server', 'k8s', plan, plan, [risk]);
  expect(runbook.notes[0]).toBe('Refused (exit 3): 1 change(s) would replace, shrink or reject a stateful resource. Nothing is deployed until they are resolved:');
  expect(runbook.notes[1]).toBe('StatefulSet growing-shop/postgres: kubectl delete statefulset postgres --cascade=orphan');
  expect(profileEditRunbook('single-server', 'k8s', plan, plan, [{ ...risk, severity: 'retained' }]).notes[0]).toMatch(/^Same stage/);
});

test('a stage move: tag-only changes are one line ("N resources: tags only"); the dashboard is updated, not replaced', () => {
  const changes = compareTemplates(awsTemplate('split-tier'), awsTemplate('read-replicas'), awsStatefulRisks);
  const lines = awsChangeLines(changes.changed);
  expect(lines.tagsOnly.length).toBeGreaterThan(10);
  expect(lines.tagsOnly.length + lines.changed.length).toBe(changes.changed.length);
  for (const c of lines.changed) expect(c.detail).not.toMatch(/^updated in place: Tags$/);
  const dashboard = changes.changed.find((c) => c.resourceType === 'AWS::CloudWatch::Dashboard');
  expect(dashboard?.impact ?? 'unchanged').not.toBe('replace');
  const report = {
    product: 'growing-shop', from: 'split-tier', to: 'read-replicas', risky: false,
    targets: [{ target: 'aws', scope: 'stack', added: [], ...lines, removed: [], unchanged: 0, risks: [], cost: { status: 'unavailable', reason: 'n/a' }, runbook: { from: 'split-tier', to: 'read-replicas', target: 'aws', direction: 'up', legs: [], notes: ['n/a'] } }],
  } as any;
  const text = formatTransition(report, 'table');
  expect(text).toContain(`${lines.tagsOnly.length} resources: tags only`);
  expect(text.split('\n').filter((l) => /updated in place: Tags$/.test(l.trim()))).toEqual([]);
});
