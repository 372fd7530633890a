import { isIPv4, isIPv6 } from 'node:net';
import { keySegment } from '../../lib/index.js';

/**
 * The network a client address stands for when counting failed logins: an IPv4 address as it
 * is, an IPv6 address by its /64 (one customer usually holds a whole /64, so counting single
 * IPv6 addresses would give an attacker 2^64 fresh budgets).
 */
export function clientNetwork(ip: string | undefined): string {
  if (ip === undefined || ip === '') return 'unknown';
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (v4 && isIPv4(v4[1]!)) return v4[1]!;
  const address = ip.split('%')[0]!;
  if (!isIPv6(address)) return keySegment(ip);
  return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`;
}

/** The 8 groups of an IPv6 address, `::` expanded, without leading zeros. */
function ipv6Groups(address: string): string[] {
  // An embedded IPv4 tail (::ffff:a.b.c.d, 64:ff9b::a.b.c.d) is two groups, beyond the /64 anyway.
  const split = (part: string) =>
    part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g]));
  const [head = '', tail] = address.split('::');
  const left = split(head);
  const right = tail === undefined ? [] : split(tail);
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16).toString(16));
}
