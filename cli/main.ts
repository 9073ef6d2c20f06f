import { Command } from 'commander';
import { runOrExit } from './exit';
import { withUsageExitCodes } from './options';
import { explainCommand, stagesCommand } from './commands/stages';
import { synthCommand } from './commands/synth';
import { costCommand } from './commands/cost';
import { pricesCommand } from './commands/prices';
import { planCommand } from './commands/plan';
import { deployCommand } from './commands/deploy';

/** The package's version, from source (cli/) or from the build (dist/cli/). */
function packageVersion(): string {
  for (const file of ['../package.json', '../../package.json']) {
    try {
      return require(file).version;
    } catch {
      // not this layout
    }
  }
  return 'unknown';
}

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
  return withUsageExitCodes(program);
}

/** Runs the CLI on `argv` (bin/stagekit.js calls this whatever name or link the command was reached by). */
export function main(argv: readonly string[] = process.argv): void {
  runOrExit(async () => {
    await buildProgram().parseAsync([...argv]);
  });
}

if (require.main === module) main();
