import { describe, expect, it } from 'vitest';
import { ipIdentity } from './ip-prefix.js';

describe('ipIdentity', () => {
  it('keeps the IPv4 /24 network for prefix matching', () => {
    expect(ipIdentity('198.51.100.7', 'prefix')).toBe('198.51.100.0/24');
    expect(ipIdentity('198.51.100.250', 'prefix')).toBe(ipIdentity('198.51.100.7', 'prefix'));
    expect(ipIdentity('198.51.101.7', 'prefix')).not.toBe(ipIdentity('198.51.100.7', 'prefix'));
  });

  it('treats IPv4-mapped IPv6 addresses as IPv4', () => {
    expect(ipIdentity('::ffff:198.51.100.7', 'prefix')).toBe('198.51.100.0/24');
    expect(ipIdentity('::FFFF:198.51.100.7', 'exact')).toBe('198.51.100.7');
  });

  it('keeps the IPv6 /64 network for prefix matching, whatever the notation', () => {
    expect(ipIdentity('2001:db8:1:2::10', 'prefix')).toBe('2001:db8:1:2::/64');
    expect(ipIdentity('2001:0DB8:0001:0002:ffff:0:0:1', 'prefix')).toBe('2001:db8:1:2::/64');
    expect(ipIdentity('2001:db8::1', 'prefix')).toBe('2001:db8:0:0::/64');
    expect(ipIdentity('fe80::1%eth0', 'prefix')).toBe('fe80:0:0:0::/64');
    expect(ipIdentity('2001:db8:1:3::10', 'prefix')).not.toBe(ipIdentity('2001:db8:1:2::10', 'prefix'));
  });

  it('compares whole IPv6 addresses canonically for exact matching', () => {
    expect(ipIdentity('::1', 'exact')).toBe(ipIdentity('0:0:0:0:0:0:0:1', 'exact'));
    expect(ipIdentity('2001:db8::1.2.3.4', 'exact')).toBe('2001:db8:0:0:0:0:102:304');
    expect(ipIdentity('2001:db8::1', 'exact')).not.toBe(ipIdentity('2001:db8::2', 'exact'));
  });

  it('returns anything that is not an IP as it is', () => {
    expect(ipIdentity('', 'prefix')).toBe('');
    expect(ipIdentity('not-an-ip', 'exact')).toBe('not-an-ip');
  });
});
