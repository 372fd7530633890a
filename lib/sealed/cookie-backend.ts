import type { Logger } from '@nestjs/common';
import type { MfaStateStore } from '../mfa/mfa-state-store.interface.js';
import type { SecurityActivityStore } from '../monitoring/security-activity.store.js';
import type { OidcLinkStore } from '../oidc/oidc-link-store.interface.js';
import { MemoryBackend } from '../backend/memory-backend.js';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { RedisBackend } from '../backend/redis-backend.js';
import type { RedisPlace, SessionBackend } from '../backend/session-backend.js';
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
  /** Where the deny list's neighbours (MFA state, activity log, OIDC links) live: the backend of its kind. */
  private readonly companions: MemoryBackend | RedisBackend;
  /** Set when the deny list is in Redis: connected at bootstrap. */
  private readonly inRedis: RedisBackend | undefined;

  constructor(private readonly options: SealedCookieStoreOptions, storeTimeout: number) {
    const denyList = options.denyList;
    if (denyList && 'redis' in denyList) {
      const inRedis = new RedisBackend(denyList.redis, storeTimeout);
      this.companions = this.inRedis = inRedis;
      this.sessions = inRedis.sessions;
    } else {
      this.inRedis = undefined;
      this.companions = new MemoryBackend();
      this.sessions = new MemoryDenyListStore();
    }
    this.redis = this.companions.redis;
  }

  async connect(logger: Logger): Promise<void> {
    await this.inRedis?.connect(logger);
  }

  sessionIndex(): undefined {
    return undefined;
  }

  mfaState(): MfaStateStore {
    return this.companions.mfaState();
  }

  securityActivity(): SecurityActivityStore {
    return this.companions.securityActivity();
  }

  oidcLinks(): OidcLinkStore {
    return this.companions.oidcLinks();
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
    if (this.sessions !== this.companions.sessions) await this.sessions.close();
    await this.companions.close();
  }
}
