/** `stagekit plan` end to end: exit codes CI can act on, and the pull-request Markdown on stdout. */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { ROOT } from './support/paths';

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
