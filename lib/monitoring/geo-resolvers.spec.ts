import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { MaxMindGeoResolver } from './maxmind-geo-resolver.js';
import { publicAddress } from './public-address.js';
import { TrustedHeaderGeoResolver } from './trusted-header-geo-resolver.js';

const TEST_DB = join(import.meta.dirname, '../../test/fixtures/geoip/GeoLite2-City-Test.mmdb');

describe('publicAddress', () => {
  it.each(['127.0.0.1', '10.0.0.1', '192.168.1.1', '172.16.5.4', '169.254.1.1', '100.64.0.1', '::1', '::', 'fe80::1', 'fd00::1', 'ff02::1', 'fe80::1%eth0', '::ffff:10.0.0.1', '::ffff:a00:1', '0.0.0.0', '255.255.255.255'])(
    '%s has no location',
    (ip) => expect(publicAddress(ip)).toBeUndefined(),
  );

  it.each([undefined, '', 'not-an-ip', '1.2.3', '\u0000', '\ud800', 'x'.repeat(1_000_000)])('%j is no address', (ip) => {
    expect(publicAddress(ip as string)).toBeUndefined();
  });

  it('keeps public addresses and unwraps IPv4-mapped ones', () => {
    expect(publicAddress('81.2.69.142')).toBe('81.2.69.142');
    expect(publicAddress('::ffff:81.2.69.142')).toBe('81.2.69.142');
    expect(publicAddress('2001:480::1')).toBe('2001:480::1');
  });
});

describe('MaxMindGeoResolver on MaxMind test database', () => {
  const geo = new MaxMindGeoResolver({ path: TEST_DB, watchInterval: 0 });
  afterAll(() => geo.close());

  it('finds cities with their accuracy radius', () => {
    expect(geo.lookup('81.2.69.142')).toEqual({ country: 'GB', city: 'London', lat: 51.5142, lon: -0.0931, accuracyRadiusKm: 10 });
    expect(geo.lookup('175.16.199.77')).toMatchObject({ country: 'CN', city: 'Changchun', accuracyRadiusKm: 100 });
    expect(geo.lookup('2001:480::1')).toMatchObject({ country: 'US', city: 'San Diego', accuracyRadiusKm: 50 });
  });

  it('gives country-only records without a city, with their large radius', () => {
    expect(geo.lookup('67.43.156.1')).toEqual({ country: 'BT', lat: 27.5, lon: 90.5, accuracyRadiusKm: 534 });
  });

  it('has nothing for private, loopback, unlisted and malformed addresses', () => {
    for (const ip of ['127.0.0.1', '10.0.0.1', '::1', '8.8.8.8', 'nonsense', '']) expect(geo.lookup(ip)).toBeUndefined();
  });

  it('refuses a missing file at construction, not at the first request', () => {
    expect(() => new MaxMindGeoResolver({ path: '/nonexistent/GeoIP.mmdb', watchInterval: 0 })).toThrow();
  });

  it('reloads the file when it changes, and keeps the old database when the new one is broken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'geoip-'));
    const path = join(dir, 'db.mmdb');
    const reloaded = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const refused = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    writeFileSync(path, 'not a database, but long enough to count as a file'.repeat(10));
    expect(() => new MaxMindGeoResolver({ path, watchInterval: 0 })).toThrow();
    copyFileSync(TEST_DB, path);
    const watched = new MaxMindGeoResolver({ path, watchInterval: 20 });
    // The file is polled: wait (at most 5 s on a loaded machine) for the poll to see each change.
    const eventually = (check: () => void) => vi.waitFor(check, { timeout: 5_000, interval: 20 });
    try {
      expect(watched.lookup('81.2.69.142')?.city).toBe('London');
      writeFileSync(path, 'garbage'.repeat(100));
      await eventually(() => expect(refused).toHaveBeenCalledWith(expect.stringMatching(/could not be read; keeping the previous one/)));
      expect(watched.lookup('81.2.69.142')?.city).toBe('London');
      copyFileSync(TEST_DB, path);
      await eventually(() => expect(reloaded).toHaveBeenCalledWith(expect.stringMatching(/^GeoIP database reloaded/)));
      expect(watched.lookup('175.16.199.5')?.city).toBe('Changchun');
    } finally {
      watched.close();
      reloaded.mockRestore();
      refused.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('TrustedHeaderGeoResolver', () => {
  const geo = new TrustedHeaderGeoResolver();
  const headers = { 'cf-ipcountry': 'GB', 'cf-ipcity': 'London', 'cf-iplatitude': '51.5142', 'cf-iplongitude': '-0.0931' };

  it('reads the CDN headers when the peer is a trusted proxy', () => {
    expect(geo.lookup('81.2.69.142', { headers, peerTrusted: true })).toEqual({
      country: 'GB',
      city: 'London',
      lat: 51.5142,
      lon: -0.0931,
      accuracyRadiusKm: 50,
    });
    expect(geo.lookup('81.2.69.142', { headers: { 'cf-ipcountry': 'SE' }, peerTrusted: true })).toEqual({ country: 'SE' });
  });

  it('ignores them from an untrusted peer: a client can send any header', () => {
    expect(geo.lookup('81.2.69.142', { headers, peerTrusted: false })).toBeUndefined();
    expect(geo.lookup('81.2.69.142', { headers })).toBeUndefined();
  });

  it('ignores forged or malformed values', () => {
    const at = (h: Record<string, unknown>) => geo.lookup('81.2.69.142', { headers: h as never, peerTrusted: true });
    expect(at({ 'cf-ipcountry': 'XX' })).toBeUndefined();
    expect(at({ 'cf-ipcountry': 'T1' })).toBeUndefined();
    expect(at({ 'cf-ipcountry': 'GBR' })).toBeUndefined();
    expect(at({ 'cf-ipcountry': ['GB', 'SE'] })).toBeUndefined();
    expect(at({ 'cf-ipcountry': '\u0000B' })).toBeUndefined();
    expect(at({ 'cf-ipcountry': 'x'.repeat(1_000_000) })).toBeUndefined();
    expect(at({ 'cf-ipcountry': 'GB', 'cf-ipcity': '<script>', 'cf-iplatitude': '91', 'cf-iplongitude': '0' })).toEqual({ country: 'GB' });
    expect(at({ 'cf-ipcountry': 'GB', 'cf-ipcity': 'Lon\u0000don', 'cf-iplatitude': 'NaN', 'cf-iplongitude': '1e3' })).toEqual({ country: 'GB' });
    expect(at({ 'cf-ipcountry': 'GB', 'cf-ipcity': '\ud800', 'cf-iplatitude': '__proto__' })).toEqual({ country: 'GB' });
  });

  it('gives private and loopback addresses no location even with headers', () => {
    expect(geo.lookup('10.0.0.1', { headers, peerTrusted: true })).toBeUndefined();
    expect(geo.lookup('127.0.0.1', { headers, peerTrusted: true })).toBeUndefined();
  });
});
