/**
 * `npm run bench:revoke-all`: revokeAllSessions for one user holding 1,000 sessions, among
 * 100,000 sessions of 10,000 other users, on Redis. Shows that the cost follows the user's own
 * sessions, not the size of the store: no SCAN, no KEYS.
 *
 *   npm run bench:revoke-all
 *   BENCH_REDIS_URL=redis://127.0.0.1:6379 npm run bench:revoke-all   (an existing Redis; keys
 *   go under a unique prefix and are deleted afterwards)
 *
 * By default it starts a redis-server of its own on a free port (killed by PID at the end), so
 * INFO commandstats counts this bench's commands only. Numbers are printed, never asserted.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { createClient, type RedisClientType } from 'redis';
import { SessionDevicesService } from '../lib/devices/session-devices.service.js';
import { RedisSessionIndex } from '../lib/devices/redis-session-index.js';
import { SessionEventEmitter } from '../lib/events/session-event-emitter.js';
import { SessionIdHasher } from '../lib/store/session-id-hasher.js';
import type { SessionIndexEntry } from '../lib/devices/session-index.interface.js';
import { resolveSessionOptions } from '../lib/options/resolve-session-options.js';
import { RedisSessionStore } from '../lib/store/redis-session.store.js';

const OTHER_USERS = 10_000;
const SESSIONS_PER_OTHER_USER = 10;
const TARGET_SESSIONS = 1_000;
const TARGET = 'bench-target-user';
/** Writes in flight at once: node-redis pipelines everything issued in the same tick. */
const BATCH = 5_000;

interface Redis {
  url: string;
  /** Our own server (killed at the end) or undefined for BENCH_REDIS_URL. */
  server: ChildProcess | undefined;
}

async function main(): Promise<void> {
  const redis = await openRedis();
  const prefix = `bench:revoke-all:${randomBytes(4).toString('hex')}:`;
  const client = createClient({ url: redis.url }) as RedisClientType;
  client.on('error', () => undefined);
  const written: string[] = [];
  try {
    await client.connect();
    const options = resolveSessionOptions({ secret: randomBytes(32).toString('base64url') }, { warn: () => undefined });
    const store = new RedisSessionStore({ client, prefix });
    const index = new RedisSessionIndex(client, prefix);
    // Each revoked session is reported and logged as one line: 1,000 lines would bury the figures.
    Logger.overrideLogger(false);
    const devices = new SessionDevicesService(options, store, index, new SessionEventEmitter(options), new SessionIdHasher(options.idHashSecret));

    const fillStart = performance.now();
    const now = Date.now();
    const others: string[] = [];
    const targets: string[] = [];
    const jobs: Array<() => Promise<unknown>> = [];
    for (let u = 0; u < OTHER_USERS; u++) {
      const user = `bench-user-${u}`;
      for (let s = 0; s < SESSIONS_PER_OTHER_USER; s++) jobs.push(() => writeSession(store, index, user, now, others, written));
    }
    for (let s = 0; s < TARGET_SESSIONS; s++) jobs.push(() => writeSession(store, index, TARGET, now, targets, written));
    for (let i = 0; i < jobs.length; i += BATCH) await Promise.all(jobs.slice(i, i + BATCH).map((job) => job()));
    for (let u = 0; u < OTHER_USERS; u++) written.push(...index.keys(`bench-user-${u}`));
    written.push(...index.keys(TARGET));
    const fillMs = performance.now() - fillStart;
    const keysBefore = await client.dbSize();
    // Load the scripts once (EVALSHA then answers at once), as any running app has.
    await index.list('bench-warm-up', Date.now());
    await index.remove('bench-warm-up', [{ handle: 'none', storageKey: 'none' }], Date.now());

    const listed = await measure(client, redis, () => devices.list(TARGET));
    const revoked = await measure(client, redis, () => devices.revokeAll(TARGET));

    // Every session of the user is gone; every other session is intact.
    const targetLeft = (await index.list(TARGET, Date.now())).length;
    const targetRecordsLeft = await countExisting(client, targets.map((key) => prefix + key));
    const othersLeft = await countExisting(client, others.map((key) => prefix + key));
    let otherEntries = 0;
    const lengths = await Promise.all(Array.from({ length: OTHER_USERS }, (_, u) => client.hLen(index.keys(`bench-user-${u}`)[1])));
    for (const length of lengths) otherEntries += length;
    const ok = targetLeft === 0 && targetRecordsLeft === 0 && othersLeft === others.length && otherEntries === others.length;

    printTable([
      ['sessions in Redis before', fmt(others.length + targets.length)],
      ['Redis keys before (records + index)', fmt(keysBefore)],
      ['fill time (pipelined)', `${fmt(fillMs)} ms`],
      ['listSessions(user): sessions listed', fmt(listed.result.length)],
      ['listSessions(user): time', `${listed.ms.toFixed(1)} ms`],
      ['listSessions(user): Redis commands', describeCalls(listed.calls)],
      ['revokeAllSessions(user): sessions revoked', fmt(revoked.result)],
      ['revokeAllSessions(user): time', `${revoked.ms.toFixed(1)} ms`],
      ['revokeAllSessions(user): Redis commands', describeCalls(revoked.calls)],
      ['user sessions left (index / records)', `${targetLeft} / ${targetRecordsLeft}`],
      ['other sessions intact (records / index entries)', `${fmt(othersLeft)} / ${fmt(otherEntries)} of ${fmt(others.length)}`],
      ['check', ok ? 'OK' : 'FAILED'],
    ]);
    if (!ok) process.exitCode = 1;
  } finally {
    if (redis.server) {
      redis.server.kill('SIGKILL');
    } else if (client.isOpen) {
      for (let i = 0; i < written.length; i += 1_000) await client.del(written.slice(i, i + 1_000));
    }
    if (client.isOpen) await client.close().catch(() => undefined);
  }
}

/** One session as the module writes it: the record, then its index entry. */
async function writeSession(
  store: RedisSessionStore,
  index: RedisSessionIndex,
  userId: string,
  now: number,
  keysOut: string[],
  written: string[],
): Promise<void> {
  const storageKey = randomBytes(32).toString('base64url');
  const handle = randomBytes(16).toString('base64url');
  const deadline = now + 30 * 60_000;
  const record = {
    auth: { user: { id: userId, username: userId }, authenticatedAt: now, mfa: 'none' },
    meta: { createdAt: now, lastSeenAt: now, handle, ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (bench)' },
    data: {},
  };
  await store.set(storageKey, record, deadline - now, 'create');
  const entry: SessionIndexEntry = {
    handle,
    storageKey,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: deadline,
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (bench)',
    mfa: 'none',
  };
  await index.put(userId, entry, now);
  keysOut.push(storageKey);
  written.push(store.prefix + storageKey);
}

/** Times `run` and counts the Redis commands it caused (own server only). */
async function measure<T>(client: RedisClientType, redis: Redis, run: () => Promise<T>) {
  if (redis.server) await client.configResetStat();
  const start = performance.now();
  const result = await run();
  const ms = performance.now() - start;
  const calls = redis.server ? parseCommandStats(await client.info('commandstats')) : undefined;
  return { result, ms, calls };
}

function parseCommandStats(info: string): Map<string, number> {
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    // CONFIG RESETSTAT and this INFO are the bench's own bookkeeping.
    if (match[1] !== 'info' && match[1] !== 'config|resetstat') calls.set(match[1]!.toUpperCase(), Number(match[2]));
  }
  return calls;
}

function describeCalls(calls: Map<string, number> | undefined): string {
  if (!calls) return 'n/a (BENCH_REDIS_URL: shared server, not counted)';
  const total = [...calls.values()].reduce((a, b) => a + b, 0);
  const parts = [...calls].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${fmt(n)}`);
  return `${fmt(total)} (${parts.join(', ')}; commands inside scripts included)`;
}

async function countExisting(client: RedisClientType, keys: string[]): Promise<number> {
  let found = 0;
  for (let i = 0; i < keys.length; i += 1_000) found += await client.exists(keys.slice(i, i + 1_000));
  return found;
}

async function openRedis(): Promise<Redis> {
  const external = process.env['BENCH_REDIS_URL'];
  if (external) return { url: external, server: undefined };
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    const probe = createClient({ url, socket: { reconnectStrategy: false } });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.close();
      return { url, server };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  server.kill('SIGKILL');
  throw new Error('redis-server did not start; is it installed? (or set BENCH_REDIS_URL)');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function printTable(rows: Array<[string, string]>): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\nrevokeAllSessions: ${fmt(TARGET_SESSIONS)} sessions of one user among ${fmt(OTHER_USERS * SESSIONS_PER_OTHER_USER)} of ${fmt(OTHER_USERS)} others (Redis)\n`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
  console.log('');
}

await main();
