import { Command } from 'commander';
import { runOrExit } from '../terminal/exit';
import { withUsageExitCodes } from './options';
import { explainCommand, stagesCommand } from './commands/stages';
import { synthCommand } from './commands/synth';
import { costCommand } from './commands/cost';
import { pricesCommand } from './commands/prices';
import { planCommand } from './commands/plan';
import { deployCommand } from './commands/deploy';
import { adviseCommand } from './commands/advise';
import { reportCommand } from './commands/report';

/**
 * stagekit: growth-stage infrastructure for web products.
 * Exit codes: 0 success, 1 failure (synth, deploy or pricing failed), 2 bad usage or input.
 */
export function buildProgram(): Command {
  const program = new Command('stagekit')
    .description('Growth-stage infrastructure blueprints: AWS (CDK) and Kubernetes (cdk8s) from one workload profile, with cost ladders.')
    .version(require('../package.json').version)
    .showHelpAfterError('(run with --help for usage)');
  for (const command of [stagesCommand(), explainCommand(), synthCommand()]) program.addCommand(withUsageExitCodes(command));
  program.addCommand(withUsageExitCodes(costCommand()));
  program.addCommand(withUsageExitCodes(pricesCommand()));
  program.addCommand(withUsageExitCodes(planCommand()));
  program.addCommand(withUsageExitCodes(deployCommand()));
  program.addCommand(withUsageExitCodes(adviseCommand()));
  program.addCommand(withUsageExitCodes(reportCommand()));
  return withUsageExitCodes(program);
}

/** Runs the CLI on this process's arguments; the bin calls it, however npm linked or named it. */
export function main(): void {
  runOrExit(async () => {
    await buildProgram().parseAsync(process.argv);
  });
}

if (require.main === module) main();
