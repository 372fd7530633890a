import type { Logger } from '@nestjs/common';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { CookieBackend } from '../sealed/cookie-backend.js';
import { isCookieStore } from '../sealed/sealed-cookie-options.js';
import { isSessionStore } from '../store/is-session-store.js';
import { AppStoreBackend } from './app-store-backend.js';
import { MemoryBackend } from './memory-backend.js';
import { RedisBackend } from './redis-backend.js';
import type { SessionBackend } from './session-backend.js';

/** The one place the kind of store is told apart: from the `store` option's shape. */
export async function createSessionBackend(options: ResolvedSessionOptions, logger: Logger): Promise<SessionBackend> {
  const configured = options.store;
  if (configured === undefined) return new MemoryBackend();
  if (isSessionStore(configured)) return new AppStoreBackend(configured);
  if ('memory' in configured) return new MemoryBackend(configured.memory);
  if (isCookieStore(configured)) {
    const cookie = new CookieBackend(configured.cookie, options.storeTimeout);
    await cookie.connect(logger);
    return cookie;
  }
  const backend = new RedisBackend(configured.redis, options.storeTimeout);
  await backend.connect(logger);
  return backend;
}
