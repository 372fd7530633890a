import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../session.types.js';
import { canonicalJson, hasOnlyPlainPrototypes, jsonObject, jsonValue } from '../../test/support/json-arbitraries.js';
import { SessionRecordFormatError } from './session-record-format.error.js';
import { decodeSessionRecord, encodeSessionRecord } from './session-record.codec.js';
import type { StoredSession } from './session-store.interface.js';

const RUNS = 10_000;

type JsonObject = { [key: string]: JsonValue };

/** Own properties of `extra`, then of `fields`: JSON.parse's way of building an object. */
const merged = ([fields, extra]: [JsonObject, JsonObject]): JsonObject => Object.fromEntries([...Object.entries(extra), ...Object.entries(fields)]);

/** A time as the module writes it (milliseconds since the epoch), or anything else JSON holds. */
const time = fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), fc.double({ noNaN: true, noDefaultInfinity: true }), jsonValue);

const auth = fc
  .tuple(
    fc.record(
      { user: jsonValue, authenticatedAt: time, mfa: fc.oneof(fc.constantFrom('none', 'pending', 'verified'), jsonValue), mfaVerifiedAt: time },
      { requiredKeys: [] },
    ),
    fc.oneof(fc.constant({}), jsonObject),
  )
  .map(merged);

const meta = fc
  .tuple(
    fc.record(
      { createdAt: time, lastSeenAt: time, handle: jsonValue, ip: jsonValue, userAgent: jsonValue, idIssuedAt: time, reported: jsonValue },
      { requiredKeys: [] },
    ),
    fc.oneof(fc.constant({}), jsonObject),
  )
  .map(merged);

/** Records shaped as the module writes them, with any extra or odd field, names the codec uses included. */
const record: fc.Arbitrary<StoredSession> = fc
  .tuple(
    fc.record(
      { auth: fc.oneof(auth, jsonValue), meta: fc.oneof(meta, jsonValue), data: jsonObject, mfaEnrollment: jsonValue },
      { requiredKeys: [] },
    ),
    fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: jsonObject }),
  )
  .map(merged);

/** The record without an empty `data`, which the compact form leaves out (and the `~` form keeps). */
function withoutEmptyData(source: StoredSession): JsonObject {
  const copy = JSON.parse(JSON.stringify(source)) as JsonObject;
  const data = copy['data'];
  if (typeof data === 'object' && data !== null && !Array.isArray(data) && Object.keys(data).length === 0) delete copy['data'];
  return copy;
}

/**
 * What reading a record back must give: the same but an empty `data`; in the compact form an
 * absent `auth.mfa` reads as `'none'` (the form leaves `'none'` out).
 */
function expected(source: StoredSession, text: string): StoredSession {
  const copy = withoutEmptyData(source);
  const a = copy['auth'];
  const compact = !text.startsWith('{"~":');
  if (compact && typeof a === 'object' && a !== null && !Array.isArray(a) && !Object.hasOwn(a, 'mfa')) a['mfa'] = 'none';
  return copy;
}

/** Stored text a broken or hostile writer could leave: any text, any bytes, JSON of any shape, damaged records. */
const storedText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
  fc.json(),
  jsonValue.map((value) => JSON.stringify({ '~': value })),
  jsonValue.map((value) => JSON.stringify({ a: value, m: value, d: value })),
  fc.tuple(record, fc.nat(), fc.nat(), fc.string({ maxLength: 3, unit: 'binary' })).map(([source, at, cut, insert]) => {
    const text = encodeSessionRecord(source);
    const start = at % (text.length + 1);
    return text.slice(0, start) + insert + text.slice(start + (cut % 4));
  }),
);

describe('session record codec (property-based)', () => {
  it('reads back every record it writes, prototype keys as data', () => {
    fc.assert(
      fc.property(record, (source) => {
        const text = encodeSessionRecord(source);
        const decoded = decodeSessionRecord(text);
        expect(hasOnlyPlainPrototypes(decoded)).toBe(true);
        expect(canonicalJson(withoutEmptyData(decoded))).toBe(canonicalJson(expected(source, text)));
      }),
      { numRuns: RUNS },
    );
  });

  it('reads any stored text as a plain object or throws SessionRecordFormatError, nothing else', () => {
    fc.assert(
      fc.property(storedText, (text) => {
        let decoded: StoredSession;
        try {
          decoded = decodeSessionRecord(text);
        } catch (err) {
          expect(err).toBeInstanceOf(SessionRecordFormatError);
          // The message never quotes the stored text (it could hold session data).
          expect((err as Error).message).toMatch(/^a stored session record is not (valid JSON|a JSON object)$/);
          return;
        }
        expect(typeof decoded === 'object' && decoded !== null && !Array.isArray(decoded)).toBe(true);
        expect(hasOnlyPlainPrototypes(decoded)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps __proto__, constructor and prototype as own keys at every level of a record', () => {
    const source = JSON.parse(
      '{"__proto__":{"admin":true},"auth":{"user":{"id":"u"},"mfa":"none","__proto__":{"admin":true}},' +
        '"meta":{"createdAt":1,"constructor":{"prototype":{"admin":true}}},"data":{"__proto__":{"admin":true},"prototype":2}}',
    ) as StoredSession;
    const decoded = decodeSessionRecord(encodeSessionRecord(source)) as Record<string, Record<string, unknown>>;
    expect(canonicalJson(decoded)).toBe(canonicalJson(source));
    for (const level of [decoded, decoded['auth']!, decoded['meta']!, decoded['data']!]) {
      expect(Object.getPrototypeOf(level)).toBe(Object.prototype);
      expect((level as { admin?: unknown }).admin).toBeUndefined();
    }
  });
});
