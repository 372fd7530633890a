import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../store/memory-session.store.js';
import type { SessionStore, StoredSession, WriteMode } from '../store/session-store.interface.js';
import { describeSessionStoreConformance, type ConformanceRunner } from './session-store-conformance.js';

/** Collects the suite's tests instead of registering them, to run them by hand. */
function collect(open: () => SessionStore): Map<string, () => Promise<void>> {
  const tests = new Map<string, () => Promise<void>>();
  const runner: ConformanceRunner = { describe: (_name, body) => body(), it: (name, body) => tests.set(name, body) };
  describeSessionStoreConformance('probe', { open, ttlMs: 50 }, runner);
  return tests;
}

async function failing(open: () => SessionStore): Promise<string[]> {
  const failed: string[] = [];
  for (const [name, run] of collect(open)) await run().catch(() => failed.push(name));
  return failed;
}

/** A store with plain-SET writes: `mode` ignored, as a naive backend would do. */
class PlainSetStore extends MemorySessionStore {
  override async set(key: string, record: StoredSession, ttlMs: number, _mode: WriteMode): Promise<boolean> {
    await super.destroy(key);
    await super.set(key, record, ttlMs, 'create');
    return true;
  }
}

/** A store that never expires anything. */
class NoExpiryStore extends MemorySessionStore {
  override set(key: string, record: StoredSession, _ttlMs: number, mode: WriteMode): Promise<boolean> {
    return super.set(key, record, 3_600_000, mode);
  }
}

describe('describeSessionStoreConformance finds broken stores', () => {
  it('passes a correct store', async () => {
    expect(await failing(() => new MemorySessionStore())).toEqual([]);
  });

  it('fails a store whose writes ignore create/update', async () => {
    expect(await failing(() => new PlainSetStore())).toEqual([
      'create writes only when no record has the key',
      'update writes only when the record exists, and never creates one',
      'an update after destroy fails: a destroyed session is not resurrected',
      'of parallel creates of one key, exactly one wins',
      'a record is gone once its TTL passed; create works again, update does not',
    ]);
  });

  it('fails a store that ignores the TTL', async () => {
    expect(await failing(() => new NoExpiryStore())).toEqual([
      'a record is gone once its TTL passed; create works again, update does not',
    ]);
  });
});
