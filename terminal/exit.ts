import { UsageError } from '../core/errors';

/** Runs an entry point; a UsageError prints its message alone and exits 2, anything else exits 1 with its stack. */
export function runOrExit(main: () => void | Promise<void>): void {
  const fail = (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  };
  try {
    const result = main();
    if (result instanceof Promise) result.catch(fail);
  } catch (err) {
    fail(err);
  }
}
