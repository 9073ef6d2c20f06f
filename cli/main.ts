import { Command } from 'commander';
import { runOrExit } from '../terminal/exit';
import { packageVersion } from './version';
import { withUsageExitCodes } from './options';

/**
 * The commands, each loaded only when it runs (or for its own help): `stagekit stages` must not pay
 * for the deploy engines, the report renderer or the cost tables, and only commands that synthesize
 * load aws-cdk-lib and cdk8s (blueprints/render requires them on first use). `summary` is what
 * `stagekit --help` lists without loading the command; test/cli-hygiene.test.ts checks it matches.
 */
export const COMMANDS: ReadonlyArray<{ name: string; summary: string; load: () => Command }> = [
  {
    name: 'stages',
    summary: 'list the growth ladder: what each stage adds, what it is built for, when to move on',
    load: () => (require('./commands/stages') as typeof import('./commands/stages')).stagesCommand(),
  },
  {
    name: 'explain',
    summary: 'show the sizing plan for a profile: every size and count, and why',
    load: () => (require('./commands/stages') as typeof import('./commands/stages')).explainCommand(),
  },
  {
    name: 'synth',
    summary: 'write CloudFormation templates (aws), Kubernetes manifests (k8s), or the Hetzner Cloud fleet, platform and stage (self-hosted) for one stage or all',
    load: () => (require('./commands/synth') as typeof import('./commands/synth')).synthCommand(),
  },
  {
    name: 'cost',
    summary: 'monthly bill of each stage on AWS managed services, on EKS and self-hosted, or of any CloudFormation template',
    load: () => (require('./commands/cost') as typeof import('./commands/cost')).costCommand(),
  },
  {
    name: 'prices',
    summary: 'the price sources: each with its date and the AWS regions or self-hosted locations it prices; `prices refresh` rebuilds the catalog',
    load: () => (require('./commands/prices') as typeof import('./commands/prices')).pricesCommand(),
  },
  {
    name: 'plan',
    summary: 'what moving between two stages does (plan FROM TO), or what a profile edit does at one stage (plan --stage S --profile NEW --from-profile OLD), per target: resources added, changed and removed; stateful resources at risk; monthly cost delta; the runbook',
    load: () => (require('./commands/plan') as typeof import('./commands/plan')).planCommand(),
  },
  {
    name: 'deploy',
    summary: 'deploy one stage: AWS through the CDK toolkit, Kubernetes through kubectl server-side apply (or through Pulumi with --engine pulumi)',
    load: () => (require('./commands/deploy') as typeof import('./commands/deploy')).deployCommand(),
  },
  {
    name: 'advise',
    summary: 'which stage carries the workload now, which limit it reaches next and when, the stage to be on each month, the bills along that path and the self-hosted break-even',
    load: () => (require('./commands/advise') as typeof import('./commands/advise')).adviseCommand(),
  },
  {
    name: 'report',
    summary: "one self-contained HTML file (works offline, prints well): the ladder and today's fit, an architecture diagram per stage with costs, bills per provider, the growth timeline with moves and break-even, stage-to-stage cost change, every assumption",
    load: () => (require('./commands/report') as typeof import('./commands/report')).reportCommand(),
  },
];

/** The command `argv` runs (`stagekit synth ...`, `stagekit help synth`), or undefined (`stagekit --help`). */
export function requestedCommand(args: readonly string[]): string | undefined {
  const words = args.filter((arg) => !arg.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * stagekit: growth-stage infrastructure for web products.
 * Exit codes: 0 success, 1 failure (synth, deploy or pricing failed), 2 bad usage or input.
 * With `argv`, only the command it runs is loaded (the others are listed by name and summary);
 * without, every command is loaded.
 */
export function buildProgram(argv?: readonly string[]): Command {
  const program = new Command('stagekit')
    .description('Growth-stage infrastructure blueprints: AWS (CDK) and Kubernetes (cdk8s) from one workload profile, with cost ladders.')
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)');
  const wanted = argv ? requestedCommand(argv.slice(2)) : undefined;
  for (const command of COMMANDS) {
    const load = !argv || command.name === wanted;
    program.addCommand(withUsageExitCodes(load ? command.load() : new Command(command.name).description(command.summary)));
  }
  return withUsageExitCodes(program);
}

/**
 * `stagekit stages | head -1`: when the reader closes the pipe, stop quietly with exit 0, as other
 * command-line tools do (not an EPIPE stack trace).
 */
function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
}

/** Runs the CLI on `argv` (bin/stagekit.js calls this whatever name or link the command was reached by). */
export function main(argv: readonly string[] = process.argv): void {
  endQuietlyOnClosedPipe();
  runOrExit(async () => {
    await buildProgram(argv).parseAsync([...argv]);
  });
}

if (require.main === module) main();
