import { describe, expect, it } from 'vitest';
import { loggedIp } from './truncate-ip.js';

describe('loggedIp', () => {
  it('keeps the /24 or /48 network by default', () => {
    expect(loggedIp('81.2.69.142', false)).toBe('81.2.69.0/24');
    expect(loggedIp('::ffff:81.2.69.142', false)).toBe('81.2.69.0/24');
    expect(loggedIp('2001:480::1', false)).toBe('2001:480:0::/48');
    expect(loggedIp('2001:db8:abcd:12:1:2:3:4', false)).toBe('2001:db8:abcd::/48');
    expect(loggedIp('::1', false)).toBe('0:0:0::/48');
  });

  it('keeps whole addresses when asked', () => {
    expect(loggedIp('81.2.69.142', true)).toBe('81.2.69.142');
    expect(loggedIp('2001:480::1', true)).toBe('2001:480::1');
  });

  it('stores nothing a client made up', () => {
    for (const junk of [undefined, '', 'x'.repeat(1_000_000), '1.2.3.4\u0000', '\ud800', '__proto__']) {
      expect(loggedIp(junk, false)).toBeNull();
      expect(loggedIp(junk, true)).toBeNull();
    }
  });
});
