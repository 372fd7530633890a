import { describe, expect, it } from 'vitest';
import { SessionStoreTimeoutError, withTimeout } from './store-timeout.js';

const never = () => new Promise<never>(() => undefined);

describe('withTimeout', () => {
  it('bounds each operation by its own timeout, whatever the others use', async () => {
    const started = performance.now();
    const outcome = (ms: number) =>
      withTimeout(never(), ms, `op${ms}`).catch((err: unknown) => ({ err, ms: performance.now() - started }));
    const [long, short] = await Promise.all([outcome(120), outcome(30)]);
    expect(short.err).toBeInstanceOf(SessionStoreTimeoutError);
    expect(String(short.err)).toContain('op30 did not finish within 30 ms');
    expect(short.ms).toBeGreaterThanOrEqual(30);
    expect(short.ms).toBeLessThan(long.ms);
    expect(long.ms).toBeGreaterThanOrEqual(120);
  });

  it('answers a hung operation in time while others around it finish', async () => {
    const fast = Array.from({ length: 200 }, (_, i) => withTimeout(Promise.resolve(i), 50, 'read'));
    const hung = withTimeout(never(), 50, 'read');
    const more = Array.from({ length: 200 }, (_, i) => withTimeout(Promise.resolve(i), 50, 'read'));
    expect(await Promise.all([...fast, ...more])).toHaveLength(400);
    await expect(hung).rejects.toBeInstanceOf(SessionStoreTimeoutError);
  });
});
