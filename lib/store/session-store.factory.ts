import { Logger } from '@nestjs/common';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { MemorySessionStore } from './memory-session.store.js';
import { RedisSessionStore } from './redis-session.store.js';
import { isSessionStore } from './is-session-store.js';
import type { SessionStore } from './session-store.interface.js';

/** How long bootstrap waits for Redis before starting anyway (requests then answer 503 until it is up). */
const CONNECT_WAIT_MS = 5_000;

export interface OwnedStore {
  store: SessionStore;
  /** True when the module built the store and must close it on shutdown. */
  owned: boolean;
}

/** Builds the store the options name; an app-supplied store instance is used as it is. */
export async function createSessionStore(options: ResolvedSessionOptions, logger: Logger): Promise<OwnedStore> {
  const configured = options.store;
  if (configured === undefined) return { store: new MemorySessionStore(), owned: true };
  if (isSessionStore(configured)) return { store: configured, owned: false };
  if ('memory' in configured) return { store: new MemorySessionStore(configured.memory), owned: true };
  const store = new RedisSessionStore(configured.redis, options.storeTimeout);
  await connectWithin(store, logger);
  return { store, owned: true };
}

async function connectWithin(store: RedisSessionStore, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), CONNECT_WAIT_MS);
  });
  try {
    const outcome = await Promise.race([store.connect().then(() => 'connected' as const), waited]);
    if (outcome === 'timeout') {
      logger.error(`Redis did not answer within ${CONNECT_WAIT_MS} ms; starting anyway, sessions answer 503 until it does.`);
    }
  } catch (err) {
    logger.error(`Redis connection failed (${err instanceof Error ? err.message : String(err)}); sessions answer 503 until it is up.`);
  } finally {
    clearTimeout(timer);
  }
}
