/** Who may reach the Kubernetes API (and SSH) of a self-hosted cluster: address blocks, never the whole internet. */
import { isIPv4, isIPv6 } from 'net';

const EXPECTED = 'an IPv4 or IPv6 address block in CIDR form, e.g. 203.0.113.7/32 or 2001:db8::/48 (IPv4 prefix 0-32, IPv6 prefix 0-128, no host bits set)';

/** The address as a big integer and its width in bits. */
function addressBits(address: string): { value: bigint; width: number } {
  if (isIPv4(address)) return { value: address.split('.').reduce((sum, octet) => (sum << 8n) + BigInt(Number(octet)), 0n), width: 32 };
  // IPv6: expand "::" into the missing groups (an embedded IPv4 tail counts as two groups).
  let text = address;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const v4 = addressBits(tail[1]).value;
    text = `${text.slice(0, -tail[1].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest ? rest.split(':') : [];
  const groups = rest === undefined ? headGroups : [...headGroups, ...Array(8 - headGroups.length - restGroups.length).fill('0'), ...restGroups];
  return { value: groups.reduce((sum, group) => (sum << 16n) + BigInt(parseInt(group, 16)), 0n), width: 128 };
}

/** Why `block` is not a valid address block, or undefined when it is. */
export function cidrProblem(block: string): string | undefined {
  const match = /^([^/]+)\/(0|[1-9]\d{0,2})$/.exec(block);
  if (!match) return 'no /prefix (or not a number)';
  const [, address, prefixText] = match;
  if (!isIPv4(address) && !isIPv6(address)) return `${address} is not an IPv4 or IPv6 address`;
  const { value, width } = addressBits(address);
  const prefix = Number(prefixText);
  if (prefix > width) return `prefix /${prefix} is longer than the ${width} bits of an IPv${width === 32 ? 4 : 6} address`;
  const hostMask = (1n << BigInt(width - prefix)) - 1n;
  if ((value & hostMask) !== 0n) {
    const network = value & ~hostMask;
    const shown = width === 32 ? [24n, 16n, 8n, 0n].map((shift) => String((network >> shift) & 0xffn)).join('.') : undefined;
    return `host bits are set below /${prefix}${shown ? ` (the block is ${shown}/${prefix})` : ''}`;
  }
  return undefined;
}

/** Validated --api-allow blocks; throws a message naming the flag, the expected form and each bad value. */
export function validateAllowList(cidrs: readonly string[]): string[] {
  const bad = cidrs.map((block) => ({ block, problem: cidrProblem(block) })).filter((b) => b.problem);
  if (bad.length) throw new Error(`--api-allow: expected ${EXPECTED}; got ${bad.map((b) => `${JSON.stringify(b.block)} (${b.problem})`).join(', ')}`);
  if (cidrs.some((block) => /\/0$/.test(block))) throw new Error('--api-allow: 0.0.0.0/0 and ::/0 would open the Kubernetes API and SSH to the internet; give your office, VPN or CI runner address blocks');
  return [...cidrs];
}
