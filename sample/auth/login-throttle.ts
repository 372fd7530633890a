import { randomUUID } from 'node:crypto';
import { HttpException, HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { keySegment, SessionStoreUnavailableException } from '../../lib/index.js';
import { logThrottleStarted } from '../audit/security-audit.js';
import { SAMPLE_CONFIG } from '../config/sample-config.token.js';
import type { SampleConfig } from '../config/sample.config.js';
import { clientNetwork } from './client-network.js';
import { THROTTLE_COUNTERS, type ThrottleAdmission, type ThrottleCounters } from './throttle-counters.js';

/** 429 `throttled`; the exception filter turns `retryAfter` into the Retry-After header. */
export class LoginThrottledException extends HttpException {
  constructor(readonly retryAfter: number) {
    super(
      { error: 'throttled', message: `Too many failed logins; try again in ${retryAfter} s.` },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/** One password attempt that got past the throttle: say how it ended. */
export interface LoginAttempt {
  /** The password was right: the attempt frees its slots and counts nowhere. */
  succeeded(): Promise<void>;
  /** The password was wrong or the user unknown: counted against the account and the network. */
  failed(): Promise<void>;
}

/** A slot left unsettled (a crash mid-check) frees itself after this long. */
const LEASE_MS = 10_000;
/** How long an attempt waits for slots held by attempts in flight before it gives up (429, Retry-After 1). */
const BUSY_WAIT_MS = 5_000;

/**
 * Limits failed password logins per account and per client network, in fixed windows that
 * start at the first failure. Each attempt holds a slot of the budget while its password is
 * checked, and no more attempts are checked at once than failures are left, so parallel
 * guesses cannot overtake the limit; an attempt that finds the rest of the budget held by
 * attempts in flight waits for them (briefly) instead of being refused, so right passwords are
 * never throttled by other attempts still in flight. Only failures are counted. While a limit is
 * reached every attempt, right or wrong, is refused without checking the password (answering
 * the right one would tell the guesser which it was), with Retry-After the window's real
 * remaining time. Unknown usernames count exactly like wrong passwords.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger('LoginThrottle');

  constructor(
    @Inject(THROTTLE_COUNTERS) private readonly counters: ThrottleCounters,
    @Inject(SAMPLE_CONFIG) private readonly config: SampleConfig,
  ) {}

  /** Admits the attempt, or throws 429 `throttled` (503 when the counters cannot answer). */
  async begin(username: string, ip: string | undefined): Promise<LoginAttempt> {
    const { maxPerAccount, maxPerIp, window } = this.config.loginThrottle;
    const network = clientNetwork(ip);
    // Hash tags keep each counter's keys in one Redis Cluster slot; the username cannot break the tag.
    const byIp = { key: `login:{ip:${network}}`, limit: maxPerIp, lease: randomUUID() };
    const byAccount = { key: `login:{a:${keySegment(username)}}`, limit: maxPerAccount, lease: randomUUID() };
    const giveUpAt = Date.now() + BUSY_WAIT_MS;
    for (;;) {
      const ipAdmission = await this.admit(byIp);
      if (ipAdmission.outcome === 'throttled') throw new LoginThrottledException(seconds(ipAdmission.retryAfterMs));
      if (ipAdmission.outcome === 'admitted') {
        const accountAdmission = await this.admit(byAccount);
        if (accountAdmission.outcome === 'admitted') break;
        await this.settle(byIp, false);
        if (accountAdmission.outcome === 'throttled') throw new LoginThrottledException(seconds(accountAdmission.retryAfterMs));
      }
      // Busy: attempts in flight hold the rest of a budget; they settle within a password check.
      if (Date.now() >= giveUpAt) throw new LoginThrottledException(1);
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.floor(Math.random() * 20)));
    }
    return {
      succeeded: async () => {
        await Promise.all([this.settle(byIp, false), this.settle(byAccount, false)]);
      },
      failed: async () => {
        const [ipFailures, accountFailures] = await Promise.all([this.settle(byIp, true), this.settle(byAccount, true)]);
        if (ipFailures === maxPerIp) logThrottleStarted('ip', network, seconds(window));
        if (accountFailures === maxPerAccount) logThrottleStarted('account', username, seconds(window));
      },
    };
  }

  /** Fail closed: counters that cannot answer refuse the login (503), never let it through unthrottled. */
  private async admit(counter: { key: string; limit: number; lease: string }): Promise<ThrottleAdmission> {
    try {
      return await this.counters.admit(counter.key, counter.lease, counter.limit, LEASE_MS);
    } catch (err) {
      this.logger.error(`login throttle counters failed: ${describe(err)}`);
      throw new SessionStoreUnavailableException();
    }
  }

  /**
   * A lost settlement is logged, never an error for the user: the slot frees itself after
   * LEASE_MS, and a failure that was not counted is one guess more for that window.
   * @returns the failures counted now (0 when unknown)
   */
  private async settle(counter: { key: string; lease: string }, failed: boolean): Promise<number> {
    try {
      return await this.counters.settle(counter.key, counter.lease, failed, this.config.loginThrottle.window);
    } catch (err) {
      this.logger.warn(`login throttle settlement failed: ${describe(err)}`);
      return 0;
    }
  }
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1_000));
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
