import type { JsonValue } from '../session.types.js';
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
 * whole under `~` instead, uncompacted.
 */
const TOP: Record<string, string> = { auth: 'a', meta: 'm', data: 'd', mfaEnrollment: 'e' };
const AUTH: Record<string, string> = { user: 'u', authenticatedAt: 't', mfa: 'f', mfaVerifiedAt: 'v' };
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

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Renames keys through `table`; undefined when a key already is one of the short names. */
function rename(source: JsonObject, table: Record<string, string>, shortNames: Record<string, string>): JsonObject | undefined {
  const out: JsonObject = {};
  for (const key of Object.keys(source)) {
    if (Object.hasOwn(shortNames, key)) return undefined;
    out[Object.hasOwn(table, key) ? table[key]! : key] = source[key]!;
  }
  return out;
}

function shift(target: JsonObject, keys: string[], by: number): void {
  for (const key of keys) {
    const value = target[key];
    if (typeof value === 'number') target[key] = value + by;
  }
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
    if (origin !== undefined) shift(meta, META_OFFSETS, -origin);
    top['m'] = meta;
  }
  if (isObject(auth)) {
    if (auth['f'] === 'none') delete auth['f'];
    if (origin !== undefined) shift(auth, AUTH_OFFSETS, -origin);
    top['a'] = auth;
  }
  if (isObject(top['d']) && Object.keys(top['d']).length === 0) delete top['d'];
  return top;
}

/** The text stored for `record`. */
export function encodeSessionRecord(record: StoredSession): string {
  return JSON.stringify(compact(record) ?? { [UNCOMPACTED]: record });
}

/** The record stored as `text` by {@link encodeSessionRecord} (or as plain JSON before it existed). */
export function decodeSessionRecord(text: string): StoredSession {
  const stored = JSON.parse(text) as JsonValue;
  if (!isObject(stored)) throw new SyntaxError('a stored session record is not a JSON object');
  if (Object.hasOwn(stored, UNCOMPACTED)) return stored[UNCOMPACTED] as StoredSession;
  // Plain records written before compaction carry the long names.
  if (Object.keys(TOP).some((long) => Object.hasOwn(stored, long))) return stored;

  const record: JsonObject = {};
  for (const key of Object.keys(stored)) record[TOP_LONG[key] ?? key] = stored[key]!;
  // Offsets are shifted under their short names only: a field written under its long name (by a
  // version before it had a short one) holds an absolute time.
  const shortMeta = isObject(record['meta']) ? { ...record['meta'] } : undefined;
  const origin = shortMeta && typeof shortMeta['c'] === 'number' ? shortMeta['c'] : undefined;
  if (shortMeta) {
    if (origin !== undefined) shift(shortMeta, META_OFFSETS, origin);
    record['meta'] = expand(shortMeta, META_LONG);
  }
  if (isObject(record['auth'])) {
    const shortAuth = { ...record['auth'] };
    if (origin !== undefined) shift(shortAuth, AUTH_OFFSETS, origin);
    const auth = expand(shortAuth, AUTH_LONG);
    if (!Object.hasOwn(auth, 'mfa')) auth['mfa'] = 'none';
    record['auth'] = auth;
  }
  return record;
}

function expand(source: JsonObject, longNames: Record<string, string>): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(source)) out[longNames[key] ?? key] = source[key]!;
  return out;
}
