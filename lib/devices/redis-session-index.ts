import type { SessionIndex, SessionIndexEntry, SessionIndexTarget } from './session-index.interface.js';
import { LIST_SCRIPT, REMOVE_SCRIPT, WRITE_SCRIPT } from './redis-session-index.scripts.js';
import { keySegment } from '../util/key-segment.js';
import { RedisScript, type RedisScriptClient } from '../store/redis-script.js';

/** How long past its last deadline a user's index keys stay (clock skew between instances). */
const KEY_SLACK_MS = 60_000;

/** What the index needs of node-redis: a plain, Cluster or Sentinel client all provide it. */
export interface RedisIndexClient extends RedisScriptClient {
  hGet(key: string, field: string): Promise<unknown>;
}

const WRITE = new RedisScript(WRITE_SCRIPT);
const LIST = new RedisScript(LIST_SCRIPT);
const REMOVE = new RedisScript(REMOVE_SCRIPT);

/**
 * The session index in Redis, on the session store's own node-redis client and key prefix.
 *
 * Key names (one user, `<id>` = keySegment(userId): braces in IDs cannot break the tag, no ID can collide with another):
 * - `<prefix>devices:{u:<id>}:by-expiry`  ZSET    member = handle, score = the session's deadline
 * - `<prefix>devices:{u:<id>}:entries`    HASH    field = handle, value = entry JSON
 * - `<prefix>devices:{u:<id>}:seq`        STRING  counter behind each entry's `seq`
 *
 * Why: the keys of a user share the hash tag `{u:<id>}`, so on Redis Cluster they live in one
 * slot and every script (prune + read or write) runs atomically on one node. Session records
 * (`<prefix><hmac>`) live on other slots; no operation ever needs them in the same atomic step:
 * revocation deletes the record first and then removes the entry with a compare-and-delete
 * (see SessionDevicesService). Nothing is ever found by SCAN or KEYS; expired entries are
 * pruned by score on every script run, and both keys expire a minute after their last deadline.
 */
export class RedisSessionIndex implements SessionIndex {
  constructor(
    readonly client: RedisIndexClient,
    readonly prefix = 'sess:',
  ) {}

  /** The keys of one user: [ZSET by expiry, HASH of entries, seq counter]. */
  keys(userId: string): [string, string, string] {
    const base = `${this.prefix}devices:{u:${keySegment(userId)}}`;
    return [`${base}:by-expiry`, `${base}:entries`, `${base}:seq`];
  }

  async put(userId: string, entry: SessionIndexEntry, now: number): Promise<number> {
    return Number(await this.run(WRITE, this.keys(userId), this.writeArgs('upsert', entry, now)));
  }

  async replace(userId: string, entry: SessionIndexEntry, now: number): Promise<boolean> {
    const args = this.writeArgs('replace', entry, now);
    args.push(entry.previousStorageKey ?? entry.storageKey);
    return (await this.run(WRITE, this.keys(userId), args)) === 1;
  }

  async list(userId: string, now: number): Promise<SessionIndexEntry[]> {
    const reply = await this.run(LIST, this.keys(userId), [String(now), String(KEY_SLACK_MS)]);
    return parseAll(reply).filter((entry) => entry.expiresAt > now);
  }

  async get(userId: string, handle: string, now: number): Promise<SessionIndexEntry | null> {
    const json = await this.client.hGet(this.keys(userId)[1], handle);
    if (typeof json !== 'string') return null;
    const entry = JSON.parse(json) as SessionIndexEntry;
    return entry.expiresAt > now ? entry : null;
  }

  async remove(userId: string, targets: readonly SessionIndexTarget[], now: number): Promise<SessionIndexEntry[]> {
    if (targets.length === 0) return [];
    const pairs = targets.flatMap((target) => [target.handle, target.storageKey]);
    return parseAll(await this.run(REMOVE, this.keys(userId), [String(now), String(KEY_SLACK_MS), ...pairs]));
  }

  /** The index borrows the store's client: the store closes it if it opened it. */
  async close(): Promise<void> {}

  /** now, slack, mode, handle, deadline and the entry's JSON without `seq` (the index assigns it). */
  private writeArgs(mode: 'upsert' | 'replace', entry: SessionIndexEntry, now: number): string[] {
    const { seq: _assignedByTheIndex, ...fields } = entry;
    return [String(now), String(KEY_SLACK_MS), mode, entry.handle, String(entry.expiresAt), JSON.stringify(fields)];
  }

  private run(script: RedisScript, keys: string[], args: string[]): Promise<unknown> {
    return script.run(this.client, keys, args);
  }
}

function parseAll(reply: unknown): SessionIndexEntry[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((json) => JSON.parse(String(json)) as SessionIndexEntry);
}
