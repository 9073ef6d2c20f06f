/** `stagekit advise` and the capacity verdicts as users run them: the CLI's program, run in this process (test/support/cli.ts). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli as run } from './support/cli';
import { usdWhole } from '../terminal/money';
import { ROOT } from './support/paths';
const BHARAT = path.join(ROOT, 'test', 'fixtures', 'profiles', 'bharat-invoices.yaml');
const FRESH = path.join(ROOT, 'profiles', 'fresh-startup.yaml');

test('advise --no-bills --format json: today\'s fit, the moves and the limits, without synthesizing', async () => {
  const r = await run(['advise', '--profile', FRESH, '--no-bills', '--format', 'json', '--start', '2027-01']);
  expect(r.status).toBe(0);
  const advice = JSON.parse(r.stdout);
  expect(advice.fitsToday).toBe('single-server');
  expect(advice.recommendedNow).toBe('single-server');
  expect(advice.moves.map((m: any) => [m.label, m.to])).toEqual([['2027-01', 'single-server'], ['2029-04', 'split-tier']]);
  expect(advice.months).toHaveLength(37);
  expect(advice.costs).toBeNull();
  expect(advice.assumptions).toContain('month 0 is 2027-01; 36 months projected');
});

test('bad advisor options are usage errors naming the flag (exit 2)', async () => {
  const months = await run(['advise', '--no-bills', '--months', '0']);
  expect([months.status, months.stderr.trim()]).toEqual([2, 'error: --months: expected an integer >= 1 and <= 120, got "0"']);
  const start = await run(['advise', '--no-bills', '--start', '2027-13']);
  expect([start.status, start.stderr.trim()]).toEqual([2, 'error: --start: expected a month as YYYY-MM, got "2027-13"']);
  const providers = await run(['advise', '--providers', 'hetzner,digitalocean']);
  expect(providers.status).toBe(2);
  expect(providers.stderr).toContain('--providers: unknown provider "digitalocean"');
});

test('a new user\'s profile end to end (Indian SaaS, Kafka, strong consistency, ap-south-1): advice with the bills of its path', async () => {
  // Five months keep the path on split-tier (it moves in month 6): one stage synthesized and priced.
  const r = await run(['advise', '--profile', BHARAT, '--months', '5', '--start', '2027-01', '--format', 'markdown']);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('### stagekit advise: bharat-invoices (ap-south-1), 2027-01 + 5 months');
  expect(r.stdout).toContain('- Fits today: split-tier');
  expect(r.stdout).toMatch(/\| 2027-01 \| split-tier \| 2,000 \| 600 \| 400 \|[^\n]*\| \$[\d,]+†? \| \$[\d,]+†? \|/);
  expect(r.stdout).toContain('#### Self-hosted break-even');
  // Each self-hosted provider has a break-even month or says why not (never a number over an incomplete bill).
  const rows = r.stdout.split('\n').filter((l) => l.startsWith('| self-hosted ('));
  expect(rows.length).toBeGreaterThanOrEqual(3);
  for (const row of rows.slice(-3)) expect(row).toMatch(/\(month \d+\) \|$|not computed: the bills leave out|does not pay back|costs more each month/);
}, 240_000);

test('synth says when the chosen stage cannot carry the profile, naming the limits and the stage that can', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'stagekit-verdict-'));
  const r = await run(['synth', '--stage', 'single-server', '--target', 'k8s', '--profile', BHARAT, '--out', out]);
  expect(r.status).toBe(0);
  expect(r.stderr).toContain('warning: capacity: single-server cannot carry bharat-invoices:');
  expect(r.stderr).toContain('Single-server CPU: needs 115.3 vCPU, the stage\'s limit is 64 vCPU');
  expect(r.stderr).toContain('the lowest stage that carries it is split-tier');
  fs.rmSync(out, { recursive: true, force: true });
});

test('no stage carries the workload: the spend and break-even say why, the catalog is named, the limit is the real one', async () => {
  const beyond = path.join(ROOT, 'test', 'fixtures', 'profiles', 'beyond-the-ladder.yaml');
  const r = await run(['advise', '--profile', beyond, '--months', '2', '--start', '2027-01']);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('Recommended now: none — no stage carries the workload: at queue-pipeline, Hard service limits (database.shards: needs 613 shards; stagekit builds at most 64 per product');
  expect(r.stdout).toContain('none: no stage of the ladder carries the workload in any of the 3 months (see the capacity table), so no stage was synthesized or priced');
  expect(r.stdout).toMatch(/^Catalog: Prices published \d{4}-\d{2}-\d{2} to /m);
  expect(r.stdout).toMatch(/single-server +Single-server CPU +18,700 vCPU +64 vCPU +-29119% \(exceeded\)/);
  expect(r.stdout).not.toContain('limits broken');
});

test('money: the sign goes before the dollar', () => {
  expect([usdWhole(-6120.4), usdWhole(6120.5), usdWhole(0), usdWhole(null)]).toEqual(['-$6,120', '$6,121', '$0', '-']);
});
