import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { RedisSessionStore } from '../store/redis-session.store.js';
import type { SessionStore } from '../store/session-store.interface.js';
import { MemorySecurityActivityStore } from './memory-security-activity.store.js';
import { RedisSecurityActivityStore } from './redis-security-activity.store.js';
import type { SecurityActivityStore } from './security-activity.store.js';

/** The activity log lives where the sessions live (like the session index); undefined when monitoring is off. */
export function createSecurityActivityStore(options: ResolvedSessionOptions, store: SessionStore): SecurityActivityStore | undefined {
  const monitoring = options.monitoring;
  if (!monitoring) return undefined;
  if (monitoring.activityStore) return monitoring.activityStore;
  if (store instanceof RedisSessionStore) return new RedisSecurityActivityStore(store.client, store.prefix);
  return new MemorySecurityActivityStore();
}
