import type { ResolvedMfaOptions } from '../options/resolved-session-options.js';
import { RedisSessionStore } from '../store/redis-session.store.js';
import type { SessionStore } from '../store/session-store.interface.js';
import { MemoryMfaStateStore } from './memory-mfa-state.store.js';
import type { MfaStateStore } from './mfa-state-store.interface.js';
import { RedisMfaStateStore } from './redis-mfa-state.store.js';

/**
 * The MFA state lives where the sessions live: the embedded store gets the in-memory MFA
 * state, Redis gets Redis on the same client and prefix. A custom SessionStore needs an
 * explicit `mfa.stateStore` (the option resolver refuses one without: guessing would put shared
 * state in one process's memory), so any other store here is the memory store.
 */
export function createMfaStateStore(mfa: ResolvedMfaOptions, sessionStore: SessionStore): MfaStateStore {
  if (mfa.stateStore) return mfa.stateStore;
  if (sessionStore instanceof RedisSessionStore) return new RedisMfaStateStore(sessionStore.client, sessionStore.prefix);
  return new MemoryMfaStateStore();
}
