/** Kubernetes quantity → number ("1500m" → 1.5, "8Gi" → 8 × 2^30, "1G" → 1e9). */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = /^([0-9.]+)(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$/.exec(value.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit: Record<string, number> = {
    m: 1e-3, k: 1e3, Ki: 2 ** 10, M: 1e6, Mi: 2 ** 20, G: 1e9, Gi: 2 ** 30, T: 1e12, Ti: 2 ** 40, P: 1e15, Pi: 2 ** 50, E: 1e18, Ei: 2 ** 60,
  };
  return match[2] ? amount * unit[match[2]] : amount;
}
