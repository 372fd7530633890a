import { Logger } from '@nestjs/common';
import { RedisSessionIndex } from '../devices/redis-session-index.js';
import { RedisMfaStateStore } from '../mfa/redis-mfa-state.store.js';
import { describeError } from '../errors/describe-error.js';
import { RedisSessionStore, type RedisStoreOptions } from '../store/redis-session.store.js';
import { RedisSecurityActivityStore } from '../monitoring/redis-security-activity.store.js';
import { RedisOidcLinkStore } from '../oidc/redis-oidc-link.store.js';
import { CompanionCommands } from './companion-commands.js';
import { Lazy, type RedisPlace, type SessionBackend } from './session-backend.js';

/** How long bootstrap waits for Redis before starting anyway (requests then answer 503 until it is up). */
const CONNECT_WAIT_MS = 5_000;

/**
 * Sessions, index and MFA state in one Redis (a server, a Cluster or a Sentinel-managed
 * master), on one client and under one prefix, so every instance of the app shares them.
 */
export class RedisBackend implements SessionBackend {
  readonly sessions: RedisSessionStore;
  readonly boundsOwnOperations: boolean;
  readonly redis: RedisPlace;
  /** The companions' commands, on the session store's shared-timeout client. */
  private readonly commands: CompanionCommands;
  private readonly index = new Lazy(() => new RedisSessionIndex(this.commands, this.redis.prefix));
  private readonly mfa = new Lazy(() => new RedisMfaStateStore(this.commands, this.redis.prefix));
  private readonly activity = new Lazy(() => new RedisSecurityActivityStore(this.commands, this.redis.prefix));
  private readonly links = new Lazy(() => new RedisOidcLinkStore(this.commands, this.redis.prefix));

  constructor(options: RedisStoreOptions, storeTimeout: number) {
    this.sessions = new RedisSessionStore(options, storeTimeout);
    this.boundsOwnOperations = this.sessions.timeoutMs <= storeTimeout;
    this.redis = { client: this.sessions.client, prefix: this.sessions.prefix };
    this.commands = new CompanionCommands(() => this.sessions.commandClient());
  }

  sessionIndex(): RedisSessionIndex {
    return this.index.get();
  }

  mfaState(): RedisMfaStateStore {
    return this.mfa.get();
  }

  securityActivity(): RedisSecurityActivityStore {
    return this.activity.get();
  }

  oidcLinks(): RedisOidcLinkStore {
    return this.links.get();
  }

  /** Connects, waiting at most CONNECT_WAIT_MS: an app starts even while Redis is down. */
  async connect(logger: Logger): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), CONNECT_WAIT_MS);
    });
    try {
      const outcome = await Promise.race([this.sessions.connect().then(() => 'connected' as const), waited]);
      if (outcome === 'timeout') {
        logger.error(`Redis did not answer within ${CONNECT_WAIT_MS} ms; starting anyway, sessions answer 503 until it does.`);
      }
    } catch (err) {
      logger.error(`Redis connection failed (${describeError(err)}); sessions answer 503 until it is up.`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The index and MFA state borrow the store's client: closing the store closes it (if it opened it). */
  async close(): Promise<void> {
    await this.sessions.close();
  }
}
