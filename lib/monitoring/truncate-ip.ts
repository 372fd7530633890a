import { isIPv4, isIPv6 } from 'node:net';

/**
 * What the activity log keeps of a client IP: its IPv4 /24 or IPv6 /48 network (a provider's
 * site, not a household), or the whole address when the app asked for full IPs. Anything that
 * is not an IP address is stored as null, never as the text a client sent.
 */
export function loggedIp(ip: string | undefined, full: boolean): string | null {
  if (typeof ip !== 'string') return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  const address = mapped ? mapped[1]! : ip;
  if (isIPv4(address)) return full ? address : `${address.split('.').slice(0, 3).join('.')}.0/24`;
  const bare = address.split('%')[0]!;
  if (!isIPv6(bare) || bare.includes('.')) return isIPv6(bare) ? (full ? bare : '::/48') : null;
  if (full) return bare;
  const [head = '', tail] = bare.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const prefix = groups.slice(0, 3).map((group) => parseInt(group, 16).toString(16));
  return `${prefix.join(':')}::/48`;
}
