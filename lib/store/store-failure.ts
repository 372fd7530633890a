import { HttpException, Logger } from '@nestjs/common';
import { describeError } from '../errors/describe-error.js';
import { SessionStoreUnavailableException } from '../errors/session.exceptions.js';

const logger = new Logger('SessionModule');

/**
 * The one rule for a store that failed: whatever the store (sessions, device index, MFA
 * state), a call that threw or passed `storeTimeout` (see store-timeout.ts, where each store's
 * calls are bounded) is logged, by its error's name and message only (store errors never carry
 * session IDs: keys are hashed), and becomes 503 `session_store_unavailable`: never a pass,
 * never a 500, never a hang. An HttpException (a decision, not a failure) passes through.
 */
export async function failClosed<T>(operation: Promise<T>, what: string, onFailure?: () => void): Promise<T> {
  try {
    return await operation;
  } catch (err) {
    if (err instanceof HttpException) throw err;
    logger.error(`${what} failed: ${describeError(err)}`);
    onFailure?.();
    throw new SessionStoreUnavailableException();
  }
}
