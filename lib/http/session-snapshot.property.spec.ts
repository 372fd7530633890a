import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../session.types.js';
import { canonicalJson, hasOnlyPlainPrototypes, jsonKey, jsonObject, jsonValue } from '../../test/support/json-arbitraries.js';
import { matchesSnapshot, takeSnapshot } from './session-snapshot.js';

const RUNS = 10_000;

/** What the store would hold for `session`: its fields but `cookie`, key order aside. */
function stored(session: Record<string, unknown>): string {
  const { cookie: _cookie, ...fields } = Object.fromEntries(Object.entries(session));
  return canonicalJson(fields);
}

/**
 * Changes `session` in place somewhere: follows `path` down through its objects and arrays,
 * then sets `key` (an array index for arrays) to `value`, or deletes it when `value` is
 * undefined. The change may leave the session as it was (same value written back).
 */
function change(session: Record<string, unknown>, path: number[], key: string, index: number, value: JsonValue | undefined): void {
  let node: Record<string, unknown> | unknown[] = session;
  for (const step of path) {
    const children = Object.values(node).filter((child) => typeof child === 'object' && child !== null);
    if (children.length === 0) break;
    node = children[step % children.length] as Record<string, unknown> | unknown[];
  }
  if (Array.isArray(node)) {
    if (value === undefined) node.pop();
    else node[index % (node.length + 1)] = value;
  } else if (value === undefined) {
    delete node[key];
  } else {
    Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
  }
}

describe('session snapshots (property-based)', () => {
  it('report a change exactly when the stored JSON would differ, for any data, before and after a change in place', () => {
    fc.assert(
      fc.property(
        jsonObject,
        fc.array(fc.nat(), { maxLength: 4 }),
        jsonKey,
        fc.nat(),
        fc.option(jsonValue, { nil: undefined }),
        fc.boolean(),
        (session, path, key, index, value, changeIt) => {
          const before = stored(session);
          const snapshot = takeSnapshot(session);
          expect(hasOnlyPlainPrototypes(snapshot)).toBe(true);
          expect(matchesSnapshot(session, snapshot)).toBe(true);
          // A fresh copy, as the next request loads it from the store.
          expect(matchesSnapshot(JSON.parse(JSON.stringify(session)) as object, snapshot)).toBe(true);
          if (changeIt) change(session, path, key, index, value);
          expect(matchesSnapshot(session, snapshot)).toBe(stored(session) === before);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('tell apart two unrelated sessions exactly when their stored JSON differs', () => {
    const small = fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'a'), fc.constantFrom<JsonValue>(0, 1, null, [], {}), { maxKeys: 2 });
    fc.assert(
      fc.property(small, small, (a, b) => {
        expect(matchesSnapshot(b, takeSnapshot(a))).toBe(canonicalJson(a) === canonicalJson(b));
      }),
      { numRuns: RUNS },
    );
  });

  it('copy __proto__, constructor and prototype keys as data, never as the copy\'s prototype', () => {
    const session = JSON.parse('{"data":{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}},"prototype":1}}') as Record<string, unknown>;
    const snapshot = takeSnapshot(session) as { data: Record<string, unknown> };
    expect(Object.getPrototypeOf(snapshot.data)).toBe(Object.prototype);
    expect(Object.keys(snapshot.data)).toEqual(['__proto__', 'constructor', 'prototype']);
    expect((snapshot.data as { admin?: unknown }).admin).toBeUndefined();
    expect(matchesSnapshot(session, snapshot)).toBe(true);
    (session['data'] as Record<string, { admin: boolean }>)['__proto__']!.admin = false;
    expect(matchesSnapshot(session, snapshot)).toBe(false);
  });
});
