import fc from 'fast-check';
import type { JsonValue } from '../../lib/session.types.js';

/** Keys that must stay plain data wherever session data goes (never a prototype, never inherited). */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Object keys: the prototype-pollution keys, a few names the module itself uses, and any string. */
export const jsonKey = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS, 'toString', 'hasOwnProperty', 'cookie', '~', 'a', 'm', 'd', 'data') },
  { weight: 3, arbitrary: fc.string({ maxLength: 6, unit: 'binary' }) },
);

/**
 * Any JSON value whose text survives a JSON round trip unchanged (no NaN, no infinities, -0 is
 * allowed since it compares equal), with objects built as JSON.parse builds them: every key,
 * `__proto__` included, an own data property.
 */
export const jsonValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 8, unit: 'binary' }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.uniqueArray(fc.tuple(jsonKey, tie('value')), { maxLength: 5, selector: ([key]) => key }).map((entries) => Object.fromEntries(entries)),
  ),
})).value;

/** A JSON object (session data, a session's fields). */
export const jsonObject: fc.Arbitrary<{ [key: string]: JsonValue }> = fc
  .uniqueArray(fc.tuple(jsonKey, jsonValue), { maxLength: 6, selector: ([key]) => key })
  .map((entries) => Object.fromEntries(entries));

/** `value`'s JSON text with every object's keys sorted: equal for values JSON stores alike but for key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sorted(value));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted((value as Record<string, unknown>)[key])]));
}

/** True when no object in `value` has a prototype but Object.prototype, Array.prototype or null. */
export function hasOnlyPlainPrototypes(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return false;
  return Object.keys(value).every((key) => hasOnlyPlainPrototypes((value as Record<string, unknown>)[key]));
}
