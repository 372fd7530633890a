import { createClient } from 'redis';
import { REDIS_URL } from './redis-url.js';
import { isCi } from './ci.js';

/**
 * Runs once before the suites: finds out whether the shared Redis answers. Outside CI a
 * missing Redis skips the Redis suites with a loud banner; under CI (any truthy CI, see ci.ts) it fails the run.
 */
export default async function globalSetup(): Promise<void> {
  const client = createClient({ url: REDIS_URL, socket: { connectTimeout: 1_000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  let reachable = false;
  try {
    await client.connect();
    reachable = (await client.ping()) === 'PONG';
  } catch {
    reachable = false;
  } finally {
    if (client.isOpen) await client.close();
  }
  if (!reachable) {
    const banner = `\n${'!'.repeat(78)}\n  Redis is NOT reachable at ${REDIS_URL}.\n  Every Redis suite is SKIPPED. Start it: redis-server --daemonize yes\n${'!'.repeat(78)}\n`;
    if (isCi()) throw new Error(`CI is set and Redis is not reachable at ${REDIS_URL}`);
    console.warn(banner);
  }
  process.env.TEST_REDIS_AVAILABLE = reachable ? '1' : '0';
}
