import type { SessionIndex } from '../devices/session-index.interface.js';
import type { MfaStateStore } from '../mfa/mfa-state-store.interface.js';
import type { SecurityActivityStore } from '../monitoring/security-activity.store.js';
import type { OidcLinkStore } from '../oidc/oidc-link-store.interface.js';
import type { RedisStoreClient } from '../store/redis-connection.js';
import type { SessionEventEmitter } from '../events/session-event-emitter.js';
import type { SessionEngine } from '../http/session-engine.js';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import type { SessionIdHasher } from '../store/session-id-hasher.js';
import type { SessionStore } from '../store/session-store.interface.js';

/** The Redis connection and key prefix the sessions live under, for state kept beside them. */
export interface RedisPlace {
  readonly client: RedisStoreClient;
  readonly prefix: string;
}

/**
 * Where a module's shared state lives, one object per kind of store (memory, Redis with
 * Cluster/Sentinel, an app's own), built once at bootstrap: the session store, and beside it
 * the per-user session index and the MFA state. What depends on the kind is decided here and
 * nowhere else.
 */
export interface SessionBackend {
  readonly sessions: SessionStore;
  /**
   * True when the store bounds each operation itself, at least as tightly as `storeTimeout`:
   * the request path then sets no second timer on its reads.
   */
  readonly boundsOwnOperations: boolean;
  /** The Redis beside the sessions; undefined for the memory store and an app's own store. */
  readonly redis: RedisPlace | undefined;
  /** The index beside the sessions, built on first use; undefined where only the app knows (its own store). */
  sessionIndex(): SessionIndex | undefined;
  /** The MFA state beside the sessions, built on first use; undefined where only the app knows. */
  mfaState(): MfaStateStore | undefined;
  /** The per-user security activity log beside the sessions (monitoring), built on first use; undefined where only the app knows. */
  securityActivity(): SecurityActivityStore | undefined;
  /**
   * Single sign-on's session links, logout marks and used logout-token IDs, built on first use:
   * in Redis beside Redis sessions (shared by instances), in this process otherwise (an app's own
   * store too: one instance only, see docs/single-sign-on.md).
   */
  oidcLinks(): OidcLinkStore;
  /**
   * A backend that keeps sessions elsewhere than in a store (sealed cookies) brings its own
   * request path; the others use SessionEngine over a SessionRepository of `sessions`.
   */
  sessionEngine?(options: ResolvedSessionOptions, hasher: SessionIdHasher, events: SessionEventEmitter): SessionEngine;
  /** Closes what the module opened itself (never an app's store or client). */
  close(): Promise<void>;
}

/** A companion built on first use and kept; `built` says whether there is one to close. */
export class Lazy<T> {
  private value: T | undefined;

  constructor(private readonly build: () => T) {}

  get(): T {
    return (this.value ??= this.build());
  }

  get built(): T | undefined {
    return this.value;
  }
}
