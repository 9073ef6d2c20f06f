/** Money for people: whole US dollars with the sign before the symbol ("-$6,120", not "$-6,120"). */
export function usdWhole(usd: number | null): string {
  if (usd === null) return '-';
  const whole = Math.round(usd);
  return `${whole < 0 ? '-' : ''}$${Math.abs(whole).toLocaleString('en-US')}`;
}
