import { randomBytes } from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';
import type { SessionModuleOptions } from '../../lib/index.js';
import { REDIS_URL } from './redis-url.js';

export const redisAvailable = process.env.TEST_REDIS_AVAILABLE === '1';

/**
 * A backend the e2e suites run against. `prefix` isolates one suite's keys in the shared Redis.
 * The scale suites add `redis-cluster` and `redis-sentinel` on servers they start themselves.
 */
export interface StoreUnderTest<Name extends string = 'memory' | 'redis' | 'redis-cluster' | 'redis-sentinel'> {
  name: Name;
  options(prefix: string): SessionModuleOptions['store'];
}

const memory: StoreUnderTest<'memory'> = { name: 'memory', options: () => ({ memory: {} }) };
const redis: StoreUnderTest<'redis'> = { name: 'redis', options: (prefix) => ({ redis: { url: REDIS_URL, prefix } }) };

/** Every store the e2e suites must pass on; Redis only when it answers (see global-setup). */
export const STORES: StoreUnderTest<'memory' | 'redis'>[] = redisAvailable ? [memory, redis] : [memory];

/** A key prefix no other test uses. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${randomBytes(4).toString('hex')}:`;
}

/** A connected client on the shared Redis, for assertions on what is stored. */
export async function connectTestRedis(): Promise<RedisClientType> {
  const client = createClient({ url: REDIS_URL }) as RedisClientType;
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Deletes every key under `prefix` (test clean-up). */
export async function deleteKeys(client: RedisClientType, prefix: string): Promise<void> {
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    if (keys.length > 0) await client.del(keys);
  }
}

/**
 * Session records only, of every key under `prefix`: a record's key is the prefix and a bare
 * base64url HMAC; the device index (`devices:{u:..}:..`), MFA state (`mfa:{u:..}:..`) and
 * rotation forwards (`rotated:..`) all carry a `:`.
 */
export function sessionRecordKeys(prefix: string, keys: string[]): string[] {
  return keys.filter((key) => key.startsWith(prefix) && /^[A-Za-z0-9_-]+$/.test(key.slice(prefix.length)));
}
