import { describe, expect, it } from 'vitest';
import type { StoredSession } from './session-store.interface.js';
import { SessionRecordFormatError } from './session-record-format.error.js';
import { decodeSessionRecord, encodeSessionRecord, SHORT_NAMES } from './session-record.codec.js';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const T = 1_795_800_412_345;

const typical = (): StoredSession => ({
  auth: { user: { id: 'alice', username: 'alice' }, authenticatedAt: T, mfa: 'none' },
  meta: {
    createdAt: T,
    lastSeenAt: T + 95_000,
    handle: 'AAAAAAAAAAAAAAAAAAAAAA',
    ip: '203.0.113.195',
    userAgent: CHROME,
    idIssuedAt: T + 900_000,
  },
  data: { cart: 'apple' },
});

const roundTrip = (record: StoredSession) => decodeSessionRecord(encodeSessionRecord(record));

describe('session record codec', () => {
  it('round-trips a logged-in session, and writes it far shorter than plain JSON', () => {
    const record = typical();
    expect(roundTrip(record)).toEqual(record);
    expect(encodeSessionRecord(record).length).toBeLessThan(JSON.stringify(record).length * 0.8);
    expect(encodeSessionRecord(record)).not.toContain('authenticatedAt');
  });

  it('round-trips MFA states, enrolment and a session without auth', () => {
    const pending = { ...typical(), auth: { user: { id: 'b' }, authenticatedAt: T + 5, mfa: 'pending' } };
    const verified = { ...typical(), auth: { user: { id: 'b' }, authenticatedAt: T, mfa: 'verified', mfaVerifiedAt: T + 30_000 } };
    const enrolling = { ...typical(), mfaEnrollment: { secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', startedAt: T + 9 } };
    const anonymous = { meta: { createdAt: T, lastSeenAt: T, handle: 'h' }, data: { theme: 'dark' } };
    const authOnly = { auth: { user: { id: 'c' }, authenticatedAt: T, mfa: 'none' } };
    for (const record of [pending, verified, enrolling, anonymous, authOnly]) expect(roundTrip(record)).toEqual(record);
  });

  it('shortens the lifetime fields: the ID issue time as an offset, reported binding values', () => {
    const record = { ...typical(), meta: { ...(typical()['meta'] as object), reported: { ip: '198.51.100.7' } } };
    expect(roundTrip(record)).toEqual(record);
    const text = encodeSessionRecord(record);
    expect(text).not.toContain('idIssuedAt');
    expect(text).toContain('"n":900000');
    expect(text).toContain('"r":{"ip":"198.51.100.7"}');
  });

  it('reads a compact record written before idIssuedAt had a short name', () => {
    const text = JSON.stringify({ a: { u: { id: 'x' }, t: 5 }, m: { c: T, l: 7, h: 'h', idIssuedAt: T + 9 } });
    expect(decodeSessionRecord(text)).toEqual({
      auth: { user: { id: 'x' }, authenticatedAt: T + 5, mfa: 'none' },
      meta: { createdAt: T, lastSeenAt: T + 7, handle: 'h', idIssuedAt: T + 9 },
    });
  });

  it('leaves an empty data object out', () => {
    expect(roundTrip({ ...typical(), data: {} })).toEqual({ auth: typical()['auth'], meta: typical()['meta'] });
  });

  it('keeps fields it does not know, at every level', () => {
    const record = {
      ...typical(),
      auth: { ...(typical()['auth'] as object), level: 2 },
      meta: { ...(typical()['meta'] as object), rotatedAt: T + 1, device: { os: 'Windows' } },
      flash: ['saved'],
    };
    expect(roundTrip(record)).toEqual(record);
  });

  it('writes a record whose own fields use the short names uncompacted, and reads it back', () => {
    const top = { ...typical(), a: 1 };
    const inMeta = { ...typical(), meta: { ...(typical()['meta'] as object), c: 'x' } };
    const tilde = { '~': 'x', data: {} };
    for (const record of [top, inMeta, tilde]) {
      expect(encodeSessionRecord(record).startsWith('{"~":')).toBe(true);
      expect(roundTrip(record)).toEqual(record);
    }
  });

  it('writes and reads back every short name of the tables (the decoder spells them out)', () => {
    const every = (table: Record<string, string>) => Object.fromEntries(Object.keys(table).map((long) => [long, `x-${long}`]));
    const record = { ...every(SHORT_NAMES.top), auth: every(SHORT_NAMES.auth), meta: every(SHORT_NAMES.meta) };
    const stored = JSON.parse(encodeSessionRecord(record)) as { a: object; m: object };
    expect(Object.keys(stored).sort()).toEqual(Object.values(SHORT_NAMES.top).sort());
    expect(Object.keys(stored.a).sort()).toEqual(Object.values(SHORT_NAMES.auth).sort());
    expect(Object.keys(stored.m).sort()).toEqual(Object.values(SHORT_NAMES.meta).sort());
    expect(decodeSessionRecord(JSON.stringify(stored))).toEqual(record);
  });

  it('reads records written as plain JSON before compaction', () => {
    expect(decodeSessionRecord(JSON.stringify(typical()))).toEqual(typical());
  });

  it('refuses stored text that is not a JSON object', () => {
    expect(() => decodeSessionRecord('[1,2]')).toThrow(SessionRecordFormatError);
    expect(() => decodeSessionRecord('{')).toThrow(SessionRecordFormatError);
  });
});
