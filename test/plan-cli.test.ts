/**
 * `stagekit plan` end to end: exit codes CI can act on, and the pull-request Markdown on stdout. The
 * risky move runs the real bin in a process of its own; the usage errors run the same program in-process.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { ROOT, STAGEKIT_BIN } from './support/paths';
import { runCli } from './support/cli';

const run = (...args: string[]) => spawnSync(process.execPath, [STAGEKIT_BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', CI: '1' }, encoding: 'utf8', timeout: 60_000 });

test('a risky move exits 3 and prints Markdown for the pull request', () => {
  const r = run('plan', 'split-tier', 'single-server', '--target', 'k8s', '--format', 'markdown');
  expect(r.status).toBe(3);
  expect(r.stdout).toMatch(/^## stagekit plan: `growing-shop` split-tier \u2192 single-server/);
  expect(r.stdout).toContain('> [!CAUTION]');
  expect(r.stdout).toMatch(/\| :red_circle: \*\*DATA LOSS\*\* \| `Cluster growing-shop\/postgres` \|/);
});

test('an unknown stage is a usage error (exit 2) listing the stages', async () => {
  const r = await runCli(['plan', 'single-server', 'mainframe']);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('Unknown stage "mainframe": expected one of single-server, split-tier, read-replicas, sharded, queue-pipeline.');
});

describe('plan --stage S --profile NEW --from-profile OLD (a profile edit)', () => {
  const fs = require('fs') as typeof import('fs');
  const os = require('os') as typeof import('os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-edit-'));
  const original = fs.readFileSync(path.join(ROOT, 'profiles', 'growing-product.yaml'), 'utf8');
  const write = (name: string, text: string) => (fs.writeFileSync(path.join(dir, name), text), path.join(dir, name));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('usage errors: --from-profile needs --stage and no FROM TO; another product is refused', async () => {
    expect((await runCli(['plan', '--from-profile', 'profiles/growing-product.yaml'])).stderr).toMatch(/give the stage both profiles are deployed at with --stage/);
    expect((await runCli(['plan', 'split-tier', 'sharded', '--stage', 'sharded', '--from-profile', 'profiles/growing-product.yaml'])).status).toBe(2);
    const other = write('other.yaml', original.replace('name: growing-shop', 'name: other-shop'));
    const r = await runCli(['plan', '--stage', 'split-tier', '--from-profile', other, '--no-lock']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--from-profile: expected the product growing-shop .* got other-shop/);
  });
});
