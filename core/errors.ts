/**
 * Errors a user can fix by changing what they typed or wrote. The CLI prints the
 * message alone (no stack) and exits with code 2, the convention for bad usage.
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Formats a value the user gave for an error message: short, quoted when a string. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** "Unknown stage "x": choose one of a, b, c." */
export function unknownChoice(what: string, given: string, choices: readonly string[]): UsageError {
  return new UsageError(`Unknown ${what} ${describeValue(given)}: expected one of ${choices.join(', ')}.`);
}
