import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Addresses that say nothing about where a client is (RFC 6890 special-purpose ranges and friends). */
const NOT_ON_THE_MAP = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
] as const) {
  NOT_ON_THE_MAP.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127], // unspecified and loopback
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  NOT_ON_THE_MAP.addSubnet(network, prefix, 'ipv6');
}

/**
 * The address in the form a GeoIP lookup takes, or undefined when it can have no location:
 * not an IP, private, loopback, link-local, CGNAT, multicast. IPv4-mapped IPv6 (`::ffff:a.b.c.d`)
 * counts as the IPv4 address; a zone index (`%eth0`) marks a link-local address.
 */
export function publicAddress(ip: string | undefined): string | undefined {
  if (typeof ip !== 'string' || ip.length === 0 || ip.length > 64) return undefined;
  if (ip.includes('%')) return undefined;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  const address = mapped ? mapped[1]! : ip;
  if (isIPv4(address)) return NOT_ON_THE_MAP.check(address, 'ipv4') ? undefined : address;
  if (isIPv6(address)) {
    // ::ffff:0:0/96 in hex notation is IPv4 too; treat it as unknown rather than guess.
    if (/^::ffff:/i.test(address)) return undefined;
    return NOT_ON_THE_MAP.check(address, 'ipv6') ? undefined : address;
  }
  return undefined;
}
