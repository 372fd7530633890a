import { setOwn } from '../util/own-property.js';

/**
 * What a session's fields were when it was loaded, to tell at the end of the request whether
 * it must be written: a deep copy of its plain data, compared field by field later.
 *
 * It answers as comparing the two JSON texts would (the stored form is JSON), without
 * serialising anything on a request that changed nothing: numbers are never turned into text,
 * no string is built. Plain objects, arrays and primitives are copied; anything else (a Date,
 * a class instance, an object with toJSON) is kept as its JSON text and compared as text.
 * Keys whose value JSON leaves out (undefined, functions, symbols) are left out here too.
 * Where the two ways differ, this one reports a change JSON would not (key order alone, NaN
 * becoming null): a needless write, never a missed one.
 */
export type SessionSnapshot = Readonly<Record<string, unknown>>;

/** An exotic value, kept as its JSON text. */
class JsonText {
  constructor(readonly text: string | undefined) {}
}

/** The snapshot of a session's own fields, but `cookie` (express-session's, never stored). */
export function takeSnapshot(session: object): SessionSnapshot {
  const copy: Record<string, unknown> = {};
  const fields = session as Record<string, unknown>;
  for (const key in fields) {
    if (key === 'cookie' || !Object.hasOwn(fields, key)) continue;
    const value = fields[key];
    if (isStored(value)) setOwn(copy, key, copyOf(value));
  }
  return copy;
}

/** True when the session's fields (but `cookie`) are what they were at {@link takeSnapshot}. */
export function matchesSnapshot(session: object, snapshot: SessionSnapshot): boolean {
  const fields = session as Record<string, unknown>;
  let count = 0;
  for (const key in fields) {
    if (key === 'cookie' || !Object.hasOwn(fields, key)) continue;
    const value = fields[key];
    if (!isStored(value)) continue;
    if (!Object.hasOwn(snapshot, key) || !same(value, snapshot[key])) return false;
    count++;
  }
  return count === keyCount(snapshot);
}

/** JSON leaves a property out when its value is one of these. */
function isStored(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

function copyOf(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyOf);
  if (!isPlainObject(value)) return new JsonText(JSON.stringify(value));
  const copy: Record<string, unknown> = {};
  for (const key in value) {
    const field = (value as Record<string, unknown>)[key];
    // An own `__proto__` key (JSON.parse makes one) is data to copy, never the copy's prototype.
    if (isStored(field)) setOwn(copy, key, copyOf(field));
  }
  return copy;
}

function same(value: unknown, copy: unknown): boolean {
  if (copy instanceof JsonText) return JSON.stringify(value) === copy.text;
  if (typeof value !== 'object' || value === null) return value === copy;
  if (typeof copy !== 'object' || copy === null) return false;
  if (Array.isArray(value)) {
    if (!Array.isArray(copy) || copy.length !== value.length) return false;
    for (let i = 0; i < value.length; i++) if (!same(value[i], copy[i])) return false;
    return true;
  }
  if (Array.isArray(copy) || !isPlainObject(value)) return false;
  let count = 0;
  for (const key in value) {
    const field = (value as Record<string, unknown>)[key];
    if (!isStored(field)) continue;
    if (!Object.hasOwn(copy, key) || !same(field, (copy as Record<string, unknown>)[key])) return false;
    count++;
  }
  return count === keyCount(copy as object);
}

/** The copy's keys (all its own, all stored), counted without allocating an array of them. */
function keyCount(copy: object): number {
  let count = 0;
  for (const _key in copy) count++;
  return count;
}
