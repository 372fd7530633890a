import type { SessionStore } from './session-store.interface.js';

const METHODS = ['get', 'set', 'destroy', 'close'] as const;

/**
 * True for an object implementing {@link SessionStore}. Checked before the `{ memory }` /
 * `{ redis }` option shapes, so a store that happens to have a `redis` field is still a store.
 */
export function isSessionStore(value: unknown): value is SessionStore {
  return (
    typeof value === 'object' &&
    value !== null &&
    METHODS.every((method) => typeof (value as Record<string, unknown>)[method] === 'function')
  );
}
