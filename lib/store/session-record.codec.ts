import type { JsonValue } from '../session.types.js';
import { setOwn } from '../util/own-property.js';
import { SessionRecordFormatError } from './session-record-format.error.js';
import type { StoredSession } from './session-store.interface.js';

type JsonObject = { [key: string]: JsonValue };

/**
 * How session records are written to Redis: JSON with the module's own field names shortened
 * to one letter, `mfa: 'none'` and empty `data` left out, and times after `meta.createdAt`
 * written as offsets from it. A typical logged-in browser session shrinks from ~345 to ~250
 * bytes, which fits a 256-byte allocation in Redis. Readers never see this form: the store
 * decodes it back into the usual record (see {@link decodeSessionRecord}).
 *
 * Fields the table does not name are written as they are, so new fields need no change here.
 * A record that already uses one of the short names where it would be ambiguous is written
 * whole under `~` instead, uncompacted. A name added here must be added to the decoder too
 * (it spells the tables out, for speed); the codec spec checks every name both ways.
 */
const TOP: Record<string, string> = { auth: 'a', meta: 'm', data: 'd', mfaEnrollment: 'e' };
const AUTH: Record<string, string> = { user: 'u', authenticatedAt: 't', mfa: 'f', mfaVerifiedAt: 'v', mfaRevision: 'r' };
const META: Record<string, string> = {
  createdAt: 'c',
  lastSeenAt: 'l',
  handle: 'h',
  ip: 'i',
  userAgent: 'g',
  idIssuedAt: 'n',
  reported: 'r',
};
/** Times written as offsets from meta.createdAt. */
const AUTH_OFFSETS = ['t', 'v'];
const META_OFFSETS = ['l', 'n'];
const UNCOMPACTED = '~';

const invert = (table: Record<string, string>) => Object.fromEntries(Object.entries(table).map(([long, short]) => [short, long]));
const TOP_LONG = invert(TOP);
const AUTH_LONG = invert(AUTH);
const META_LONG = invert(META);

/** The short names, long name to short name, per level: for the codec spec. */
export const SHORT_NAMES = { top: TOP, auth: AUTH, meta: META } as const;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Renames keys through `table`; undefined when a key already is one of the short names. */
function rename(source: JsonObject, table: Record<string, string>, shortNames: Record<string, string>): JsonObject | undefined {
  const out: JsonObject = {};
  for (const key of Object.keys(source)) {
    if (Object.hasOwn(shortNames, key)) return undefined;
    setOwn(out, Object.hasOwn(table, key) ? table[key]! : key, source[key]!);
  }
  return out;
}

/**
 * Writes the times under `keys` as offsets of `-by`; false (nothing usable) when an offset
 * would not add back to the same number, which only times far from any real clock can do.
 */
function shift(target: JsonObject, keys: string[], by: number): boolean {
  for (const key of keys) {
    const value = target[key];
    if (typeof value !== 'number') continue;
    const offset = value - by;
    if (offset + by !== value) return false;
    target[key] = offset;
  }
  return true;
}

function compact(record: StoredSession): JsonObject | undefined {
  if (Object.hasOwn(record, UNCOMPACTED)) return undefined;
  const top = rename(record, TOP, TOP_LONG);
  if (!top) return undefined;
  const meta = isObject(top['m']) ? rename(top['m'], META, META_LONG) : top['m'];
  const auth = isObject(top['a']) ? rename(top['a'], AUTH, AUTH_LONG) : top['a'];
  if (meta === undefined && 'm' in top) return undefined;
  if (auth === undefined && 'a' in top) return undefined;
  const origin = isObject(meta) && typeof meta['c'] === 'number' ? meta['c'] : undefined;
  if (isObject(meta)) {
    if (origin !== undefined && !shift(meta, META_OFFSETS, origin)) return undefined;
    top['m'] = meta;
  }
  if (isObject(auth)) {
    if (auth['f'] === 'none') delete auth['f'];
    if (origin !== undefined && !shift(auth, AUTH_OFFSETS, origin)) return undefined;
    top['a'] = auth;
  }
  if (isObject(top['d']) && Object.keys(top['d']).length === 0) delete top['d'];
  return top;
}

/** The text stored for `record`. */
export function encodeSessionRecord(record: StoredSession): string {
  return JSON.stringify(compact(record) ?? { [UNCOMPACTED]: record });
}

/**
 * The record stored as `text` by {@link encodeSessionRecord} (or as plain JSON before it
 * existed). This runs on every read, cache hits included, so it makes one pass per level with
 * the tables above spelled out as switches: a third of the cost of looking names up.
 */
export function decodeSessionRecord(text: string): StoredSession {
  let stored: JsonValue;
  try {
    stored = JSON.parse(text) as JsonValue;
  } catch {
    // Never the parser's message: it quotes the stored text.
    throw new SessionRecordFormatError('a stored session record is not valid JSON');
  }
  if (!isObject(stored)) throw new SessionRecordFormatError('a stored session record is not a JSON object');
  if (Object.hasOwn(stored, UNCOMPACTED)) {
    const whole = stored[UNCOMPACTED];
    if (!isObject(whole)) throw new SessionRecordFormatError('a stored session record is not a JSON object');
    return whole;
  }

  const shortMeta = stored['m'];
  const origin = isObject(shortMeta) && typeof shortMeta['c'] === 'number' ? shortMeta['c'] : undefined;
  const record: JsonObject = {};
  for (const key in stored) {
    const value = stored[key]!;
    switch (key) {
      case 'a':
        record['auth'] = isObject(value) ? expandAuth(value, origin) : value;
        break;
      case 'm':
        record['meta'] = isObject(value) ? expandMeta(value, origin) : value;
        break;
      case 'd':
        record['data'] = value;
        break;
      case 'e':
        record['mfaEnrollment'] = value;
        break;
      case 'auth':
      case 'meta':
      case 'data':
      case 'mfaEnrollment':
        // Plain records written before compaction carry the long names.
        return stored;
      default:
        setOwn(record, key, value);
    }
  }
  return record;
}

/**
 * An offset from meta.createdAt back to a time. Offsets are shifted under their short names
 * only: a field written under its long name (by a version before it had a short one) holds an
 * absolute time.
 */
const time = (value: JsonValue, origin: number | undefined): JsonValue =>
  origin !== undefined && typeof value === 'number' ? value + origin : value;

function expandMeta(source: JsonObject, origin: number | undefined): JsonObject {
  const meta: JsonObject = {};
  for (const key in source) {
    const value = source[key]!;
    switch (key) {
      case 'c':
        meta['createdAt'] = value;
        break;
      case 'l':
        meta['lastSeenAt'] = time(value, origin);
        break;
      case 'h':
        meta['handle'] = value;
        break;
      case 'i':
        meta['ip'] = value;
        break;
      case 'g':
        meta['userAgent'] = value;
        break;
      case 'n':
        meta['idIssuedAt'] = time(value, origin);
        break;
      case 'r':
        meta['reported'] = value;
        break;
      default:
        setOwn(meta, key, value);
    }
  }
  return meta;
}

function expandAuth(source: JsonObject, origin: number | undefined): JsonObject {
  const auth: JsonObject = {};
  for (const key in source) {
    const value = source[key]!;
    switch (key) {
      case 'u':
        auth['user'] = value;
        break;
      case 't':
        auth['authenticatedAt'] = time(value, origin);
        break;
      case 'f':
        auth['mfa'] = value;
        break;
      case 'v':
        auth['mfaVerifiedAt'] = time(value, origin);
        break;
      case 'r':
        auth['mfaRevision'] = value;
        break;
      default:
        setOwn(auth, key, value);
    }
  }
  if (!Object.hasOwn(auth, 'mfa')) auth['mfa'] = 'none';
  return auth;
}
