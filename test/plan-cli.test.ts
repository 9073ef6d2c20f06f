/** `stagekit plan` end to end: exit codes CI can act on, and the pull-request Markdown on stdout. */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { ROOT, TEST_PROFILE_FILE } from './support/paths';
import { computePlan } from '../core/plan';
import { loadProfile } from '../core/profile';
import { synthRendererWith } from '../deploy/render';

const run = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'stagekit.js'), ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', CI: '1' }, encoding: 'utf8', timeout: 60_000 });

test('a risky move exits 3 and prints Markdown for the pull request', () => {
  const r = run('plan', 'split-tier', 'single-server', '--target', 'k8s', '--format', 'markdown');
  expect(r.status).toBe(3);
  expect(r.stdout).toMatch(/^## stagekit plan: `growing-shop` split-tier \u2192 single-server/);
  expect(r.stdout).toContain('> [!CAUTION]');
  expect(r.stdout).toMatch(/\| :red_circle: \*\*DATA LOSS\*\* \| `Cluster growing-shop\/postgres` \|/);
});

test('an unknown stage is a usage error (exit 2) listing the stages', () => {
  const r = run('plan', 'single-server', 'mainframe');
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('Unknown stage "mainframe": expected one of single-server, split-tier, read-replicas, sharded, queue-pipeline.');
});

describe('--cdk-context describes the stage moved to', () => {
  const profile = loadProfile(TEST_PROFILE_FILE);
  const renderer = synthRendererWith({ activeShards: '2' }, 'sharded');

  test('the other stages of the move render without it', () => {
    expect(renderer.awsTemplate(computePlan(profile, 'read-replicas')).Resources).toBeDefined();
  });

  test('the stage moved to gets it (and a bad value is a usage error)', () => {
    expect(() => synthRendererWith({ activeShards: '9' }, 'sharded').awsTemplate(computePlan(profile, 'sharded'))).toThrow(/activeShards: expected a whole number from 1 to 2/);
  });
});
