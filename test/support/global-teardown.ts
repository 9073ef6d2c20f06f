/** Stops the CloudFormation checks if they are still running, and removes this run's synth output (see global-setup.ts). */
import * as fs from 'fs';
import type { ChildProcess } from 'child_process';
import { SYNTH_OUT_ENV } from './paths';
import { CFN_CHECKS_PROCESS } from './cfn-checks';

export default async function globalTeardown(): Promise<void> {
  const checks = (globalThis as any)[CFN_CHECKS_PROCESS] as ChildProcess | undefined;
  if (checks && checks.exitCode === null && checks.signalCode === null) {
    const exited = new Promise((resolve) => checks.once('exit', resolve));
    checks.kill('SIGTERM');
    await exited;
  }
  const dir = process.env[SYNTH_OUT_ENV];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
