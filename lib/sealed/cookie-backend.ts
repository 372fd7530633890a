import type { Logger } from '@nestjs/common';
import { MemoryMfaStateStore } from '../mfa/memory-mfa-state.store.js';
import { RedisMfaStateStore } from '../mfa/redis-mfa-state.store.js';
import type { MfaStateStore } from '../mfa/mfa-state-store.interface.js';
import { MemorySecurityActivityStore } from '../monitoring/memory-security-activity.store.js';
import { RedisSecurityActivityStore } from '../monitoring/redis-security-activity.store.js';
import type { SecurityActivityStore } from '../monitoring/security-activity.store.js';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { RedisBackend } from '../backend/redis-backend.js';
import { Lazy, type RedisPlace, type SessionBackend } from '../backend/session-backend.js';
import type { SessionEventEmitter } from '../events/session-event-emitter.js';
import type { SessionEngine } from '../http/session-engine.js';
import type { SessionIdHasher } from '../store/session-id-hasher.js';
import type { SessionStore } from '../store/session-store.interface.js';
import { DenyListRepository } from './deny-list-repository.js';
import { MemoryDenyListStore } from './memory-deny-list.store.js';
import { SealedCookieCodec } from './sealed-cookie-codec.js';
import type { ResolvedSealedKey, SealedCookieStoreOptions } from './sealed-cookie-options.js';
import { SealedSessionEngine } from './sealed-session-engine.js';

/**
 * `store: { cookie }`: sessions sealed in their cookies. The server keeps only the deny list
 * of ended session IDs (`sessions` is that list: keys are `denied:<storage key>`), in memory or
 * in Redis, and beside it the MFA state and the security activity log. There is no per-user
 * session index: nothing on the server knows which sessions a user has (the resolver refuses
 * every option that needs one).
 */
export class CookieBackend implements SessionBackend {
  readonly sessions: SessionStore;
  readonly boundsOwnOperations = false;
  readonly redis: RedisPlace | undefined;
  private readonly inRedis: RedisBackend | undefined;
  private readonly mfa: Lazy<MfaStateStore>;
  private readonly activity: Lazy<SecurityActivityStore>;

  constructor(private readonly options: SealedCookieStoreOptions, storeTimeout: number) {
    const denyList = options.denyList;
    if (denyList && 'redis' in denyList) {
      this.inRedis = new RedisBackend(denyList.redis, storeTimeout);
      this.sessions = this.inRedis.sessions;
      this.redis = this.inRedis.redis;
      const place = this.redis;
      this.mfa = new Lazy(() => new RedisMfaStateStore(place.client, place.prefix));
      this.activity = new Lazy(() => new RedisSecurityActivityStore(place.client, place.prefix));
    } else {
      this.sessions = new MemoryDenyListStore();
      this.redis = undefined;
      this.mfa = new Lazy(() => new MemoryMfaStateStore());
      this.activity = new Lazy(() => new MemorySecurityActivityStore());
    }
  }

  async connect(logger: Logger): Promise<void> {
    await this.inRedis?.connect(logger);
  }

  sessionIndex(): undefined {
    return undefined;
  }

  mfaState(): MfaStateStore {
    return this.mfa.get();
  }

  securityActivity(): SecurityActivityStore {
    return this.activity.get();
  }

  /** The request path reads and writes the cookie instead of a store. */
  sessionEngine(options: ResolvedSessionOptions, hasher: SessionIdHasher, events: SessionEventEmitter): SessionEngine {
    const repository = new DenyListRepository(this.sessions, hasher, {
      storeTimeout: options.storeTimeout,
      lifetime: options.idleTimeout,
    });
    const codec = new SealedCookieCodec(this.options.keys as ResolvedSealedKey[], options.cookie.name);
    return new SealedSessionEngine(options, repository, codec, events);
  }

  async close(): Promise<void> {
    await this.sessions.close();
  }
}
