/** Who may reach the Kubernetes API of a self-hosted cluster: address blocks, never the whole internet. */
export function validateAllowList(cidrs: readonly string[]): string[] {
  const bad = cidrs.filter((c) => !/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/.test(c) && !/^[0-9a-f:]+\/\d{1,3}$/i.test(c));
  if (bad.length) throw new Error(`--api-allow: expected address blocks such as 203.0.113.7/32, got ${bad.map((b) => JSON.stringify(b)).join(', ')}`);
  if (cidrs.some((c) => c === '0.0.0.0/0' || c === '::/0')) throw new Error('--api-allow: 0.0.0.0/0 and ::/0 would open the Kubernetes API to the internet; give your office or VPN address blocks');
  return [...cidrs];
}
