/**
 * The managed vs self-hosted tables of docs/cost.md, measured rather than typed: runs the built CLI
 * (`node bin/stagekit.js cost --all --summary --format json`) once per self-hosted provider for a
 * profile and prints one Markdown table (AWS managed, EKS, then each provider with the ratio AWS ÷ it).
 * A bill that leaves out a major component prints "incomplete" and no ratio, as the ladder does; a bill
 * with minor unpriced lines carries †.
 *
 *   npm run build && npx tsx scripts/cost-tables.ts profiles/million-merchants.yaml [more profiles]
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

const PROVIDERS = [
  ['hetzner', 'Hetzner Cloud'],
  ['hetzner-dedicated', 'Hetzner dedicated + Cloud'],
  ['ovh', 'OVHcloud (Public Cloud + bare metal)'],
  ['owned', 'Owned hardware'],
] as const;

interface LadderRow {
  stage: string;
  aws: number | null;
  eks: number | null;
  selfHosted: number | null;
  complete: Record<'aws' | 'eks' | 'self-hosted', boolean>;
  notPriced: Record<'aws' | 'eks' | 'self-hosted', string[]>;
  missing: Record<'aws' | 'eks' | 'self-hosted', { component?: string; resource?: string; reason?: string }[]>;
}

const BIN = path.join(__dirname, '..', 'bin', 'stagekit.js');
const usd = (value: number) => `$${Math.round(value).toLocaleString('en-US')}`;

function ladder(profile: string, provider: string): { region: string; ladder: LadderRow[] } {
  const json = execFileSync(process.execPath, [BIN, 'cost', '--all', '--summary', '--format', 'json', '--provider', provider, '--profile', profile], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(json);
}

function cell(row: LadderRow, provider: 'aws' | 'eks' | 'self-hosted', value: number | null, ratioOver?: number): string {
  if (!row.complete[provider] || value === null) {
    const components = [...new Set(row.missing[provider].map((gap) => gap.component ?? gap.resource ?? 'a major component'))];
    return `incomplete: ${components.join(', ')}`;
  }
  const dagger = row.notPriced[provider].length ? '†' : '';
  const ratio = ratioOver !== undefined && row.complete.aws ? ` (${(ratioOver / value).toFixed(1)}×)` : '';
  return `${usd(value)}${dagger}${ratio}`;
}

for (const profile of process.argv.slice(2)) {
  const runs = PROVIDERS.map(([id]) => ladder(profile, id));
  const first = runs[0];
  console.log(`\n${path.basename(profile)} (${first.region}), ${new Date().toISOString().slice(0, 10)}: USD per month\n`);
  console.log(`| Stage | AWS managed | EKS | ${PROVIDERS.map(([, label]) => label).join(' | ')} |`);
  console.log(`| --- | ---: | ---: | ${PROVIDERS.map(() => '---:').join(' | ')} |`);
  first.ladder.forEach((row, index) => {
    const aws = row.aws ?? undefined;
    const selfHosted = runs.map((run) => cell(run.ladder[index], 'self-hosted', run.ladder[index].selfHosted, aws));
    console.log(`| ${row.stage} | ${cell(row, 'aws', row.aws)} | ${cell(row, 'eks', row.eks)} | ${selfHosted.join(' | ')} |`);
  });
  // What the † on a complete bill stands for (an incomplete bill names its missing component instead).
  const daggered = (row: LadderRow, provider: 'aws' | 'eks' | 'self-hosted') => (row.complete[provider] ? row.notPriced[provider] : []);
  const unpriced = new Set([
    ...first.ladder.flatMap((row) => [...daggered(row, 'aws'), ...daggered(row, 'eks')]),
    ...runs.flatMap((run) => run.ladder.flatMap((row) => daggered(row, 'self-hosted'))),
  ]);
  if (unpriced.size) console.log(`\n† not priced: ${[...unpriced].join('; ')}`);
}
