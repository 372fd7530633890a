import { isIPv4, isIPv6 } from 'node:net';

/**
 * The part of an IP address that identifies a client for binding: the IPv4 /24 or IPv6 /64
 * network (`prefix`), or the whole address in a canonical form (`exact`). IPv4-mapped IPv6
 * addresses (`::ffff:192.0.2.1`, in any notation: `::ffff:c000:201` is the same client) count
 * as IPv4; anything that is not an IP is kept as it is.
 */
export function ipIdentity(ip: string, match: 'prefix' | 'exact'): string {
  if (isIPv4(ip)) return ipv4Identity(ip, match);
  const hextets = expandIPv6(ip);
  if (!hextets) return ip;
  if (hextets.slice(0, 5).every((h) => h === '0') && hextets[5] === 'ffff') {
    const [high, low] = [parseInt(hextets[6]!, 16), parseInt(hextets[7]!, 16)];
    return ipv4Identity(`${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`, match);
  }
  return match === 'exact' ? hextets.join(':') : `${hextets.slice(0, 4).join(':')}::/64`;
}

function ipv4Identity(address: string, match: 'prefix' | 'exact'): string {
  return match === 'exact' ? address : `${address.split('.').slice(0, 3).join('.')}.0/24`;
}

/** The eight hextets of an IPv6 address, lower-case without leading zeros; undefined if not IPv6. */
function expandIPv6(address: string): string[] | undefined {
  const withoutZone = address.split('%')[0]!;
  if (!isIPv6(withoutZone)) return undefined;
  const [head, tail] = withoutZone.includes('::') ? withoutZone.split('::') : [withoutZone, undefined];
  const parse = (part: string | undefined): string[] => (part ? part.split(':').flatMap(embeddedIPv4) : []);
  const left = parse(head);
  const right = parse(tail);
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((h) => parseInt(h, 16).toString(16));
}

/** `1.2.3.4` at the end of an IPv6 address is two hextets. */
function embeddedIPv4(part: string): string[] {
  if (!part.includes('.')) return [part];
  const [a, b, c, d] = part.split('.').map(Number) as [number, number, number, number];
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
