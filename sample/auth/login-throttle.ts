import { HttpException, HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { keySegment, SessionStoreUnavailableException } from '../../lib/index.js';
import { logThrottleStarted } from '../audit/security-audit.js';
import { SAMPLE_CONFIG } from '../config/sample-config.token.js';
import type { SampleConfig } from '../config/sample.config.js';
import { clientNetwork } from './client-network.js';
import { THROTTLE_COUNTERS, type ThrottleCounters, type ThrottleHit } from './throttle-counters.js';

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
  /** The password was right: the attempt is taken back, successes never count. */
  succeeded(): Promise<void>;
  /** The password was wrong or the user unknown: the attempt stays counted. */
  failed(): void;
}

/**
 * Limits failed password logins per account and per client network, in fixed windows. Every
 * attempt is counted BEFORE the password is checked (so parallel guesses cannot overtake the
 * limit) and a right password takes its count back. While a limit is reached every attempt,
 * right or wrong, is refused without checking the password: answering the right one would tell
 * the guesser which it was. Unknown usernames count exactly like wrong passwords.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger('LoginThrottle');

  constructor(
    @Inject(THROTTLE_COUNTERS) private readonly counters: ThrottleCounters,
    @Inject(SAMPLE_CONFIG) private readonly config: SampleConfig,
  ) {}

  /** Counts the attempt, or throws 429 `throttled` (503 when the counters cannot answer). */
  async begin(username: string, ip: string | undefined): Promise<LoginAttempt> {
    const { maxPerAccount, maxPerIp, window } = this.config.loginThrottle;
    const network = clientNetwork(ip);
    // Hash tags keep each counter's key in one Redis Cluster slot; the username cannot break the tag.
    const ipKey = `login:{ip:${network}}`;
    const accountKey = `login:{a:${keySegment(username)}}`;
    const byIp = await this.hit(ipKey, maxPerIp, window);
    if (!byIp.allowed) throw new LoginThrottledException(seconds(byIp.retryAfterMs));
    const byAccount = await this.hit(accountKey, maxPerAccount, window);
    if (!byAccount.allowed) {
      await this.refund(ipKey);
      throw new LoginThrottledException(seconds(byAccount.retryAfterMs));
    }
    return {
      succeeded: async () => {
        await Promise.all([this.refund(ipKey), this.refund(accountKey)]);
      },
      failed: () => {
        if (byIp.count === maxPerIp) logThrottleStarted('ip', network, seconds(window));
        if (byAccount.count === maxPerAccount) logThrottleStarted('account', username, seconds(window));
      },
    };
  }

  /** Fail closed: counters that cannot answer refuse the login (503), never let it through unthrottled. */
  private async hit(key: string, limit: number, window: number): Promise<ThrottleHit> {
    try {
      return await this.counters.hit(key, limit, window);
    } catch (err) {
      this.logger.error(`login throttle counters failed: ${describe(err)}`);
      throw new SessionStoreUnavailableException();
    }
  }

  /** A lost refund only counts a success as a failure: logged, never an error for the user. */
  private async refund(key: string): Promise<void> {
    try {
      await this.counters.refund(key);
    } catch (err) {
      this.logger.warn(`login throttle refund failed: ${describe(err)}`);
    }
  }
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1_000));
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
