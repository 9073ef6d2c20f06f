/** Removes this run's synth output (see global-setup.ts). */
import * as fs from 'fs';
import { SYNTH_OUT_ENV } from './paths';

export default async function globalTeardown(): Promise<void> {
  const dir = process.env[SYNTH_OUT_ENV];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
