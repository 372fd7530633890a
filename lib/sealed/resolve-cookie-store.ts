import type { SessionModuleOptions } from '../options/session-module-options.interface.js';
import { redisConnectionProblems } from '../store/redis-connection.js';
import { resolveSealedKeys, type SealedCookieStoreOptions } from './sealed-cookie-options.js';

const NO_INDEX = 'store.cookie keeps no server-side list of a user\'s sessions';

/**
 * `store: { cookie }` validated: keys decoded to 32-byte Buffers, the deny list's Redis
 * checked, and every option that needs the per-user session index refused, with the reason.
 */
export function resolveCookieStore(options: SessionModuleOptions, cookie: unknown): { store: { cookie: SealedCookieStoreOptions }; problems: string[] } {
  const problems: string[] = [];
  const shape = (typeof cookie === 'object' && cookie !== null ? cookie : {}) as { keys?: unknown; denyList?: unknown };
  const keys = resolveSealedKeys(shape.keys, problems);
  const denyList = shape.denyList as SealedCookieStoreOptions['denyList'];
  if (denyList !== undefined) {
    const kind = typeof denyList === 'object' && denyList !== null ? denyList : {};
    if ('redis' in kind && typeof kind.redis === 'object' && kind.redis !== null) problems.push(...redisConnectionProblems(kind.redis));
    else if (!('memory' in kind)) problems.push('store.cookie.denyList must be { memory: {} } or { redis: { url | cluster | sentinel | client } }.');
  }
  if (options.sessionIndex !== undefined && options.sessionIndex !== false) {
    problems.push(`sessionIndex cannot be used with store.cookie: ${NO_INDEX} (the cookie is the session).`);
  }
  if (options.maxSessionsPerUser !== undefined || options.sessionLimitPolicy !== undefined) {
    problems.push(`maxSessionsPerUser and sessionLimitPolicy cannot be used with store.cookie: ${NO_INDEX} to count or evict.`);
  }
  if (options.tokens !== undefined) {
    problems.push(`tokens cannot be used with store.cookie: a token is checked against its session in the session index, and ${NO_INDEX}.`);
  }
  if (options.mfa?.endOtherSessionsOnChange === true) {
    problems.push(`mfa.endOtherSessionsOnChange cannot be true with store.cookie: ${NO_INDEX} to end (it is false with this store).`);
  }
  return { store: { cookie: { keys: keys.map(({ id, key }) => ({ id, key })), ...(denyList ? { denyList } : {}) } }, problems };
}
