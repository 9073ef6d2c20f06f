import { Command } from 'commander';
import { runOrExit } from '../terminal/exit';
import { packageVersion } from './version';
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
    .version(packageVersion())
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
    await buildProgram().parseAsync([...argv]);
  });
}

if (require.main === module) main();
