/**
 * The `cdk` app (see cdk.json): `npx cdk synth -c stage=NAME [-c profile=FILE]`.
 * Context picks the stage and profile; the stack is named after the product, so a later
 * stage deploys as an in-place update of the same stack.
 */
import { App } from 'aws-cdk-lib';
import { computePlan } from '../../core/plan';
import { DEFAULT_PROFILE_FILE, loadProfile } from '../../core/profile';
import { runOrExit } from '../../terminal/exit';
import { stageByName } from '../../core/ladder';
import { buildAwsApp } from './app';

runOrExit(() => {
  const app = new App(); // carries the -c values and cdk.json context the CLI passes in
  const stage = stageByName(String(app.node.tryGetContext('stage') ?? 'single-server')).name;
  const profile = loadProfile(String(app.node.tryGetContext('profile') ?? DEFAULT_PROFILE_FILE));
  buildAwsApp(computePlan(profile, stage), { app });
  app.synth();
});
