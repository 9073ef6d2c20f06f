/** Billing month: AWS and the self-hosted providers price 730 hours a month. */
export const HOURS_PER_MONTH = 730;

/** Rounds to `digits` decimals (2 by default: cents, and readable sizes). */
export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
