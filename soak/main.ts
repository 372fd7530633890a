/**
 * The soak (issue #14, part 5): two app instances of the sample on the soak's own Redis, N
 * virtual users for a bounded time, a fault schedule, then checks. See docs/soak.md.
 *   npm run soak                      200 users, 300 s
 *   npm run soak -- --ci              30 users, 60 s
 *   npm run soak -- --users N --seconds N   (or SOAK_USERS, SOAK_SECONDS)
 * Prints tables and a last line `N passed, N failed`; exits 1 when a check failed, 2 on the hard timeout.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisClusterHarness } from '../test/support/redis-cluster.js';
import { makeTempDir, redisServersAvailable, withNode } from '../test/support/redis-processes.js';
import { RedisServerProcess } from '../test/support/redis-server.js';
import { soakPassword, soakUsername } from './app/soak-users.js';
import { evaluate } from './checks.js';
import { FaultLog, schedule } from './faults.js';
import { send } from './http.js';
import { readOptions } from './options.js';
import { AppInstance, appLog, type AppSettings, type RssSample } from './processes.js';
import { report } from './report.js';
import { Stats } from './stats.js';
import { replayEnded, VirtualUser, type EndedSession, type PhaseContext } from './virtual-user.js';

/** The single-Redis phase gets this share of the time, the Cluster phase the rest. */
const REDIS_PHASE_SHARE = 0.6;
const EXPECTED_FAULTS = 4;
/** Start-up, fault recovery and the final replays on top of the load time, before the hard stop. */
const HARD_TIMEOUT_EXTRA_S = 240;

const options = readOptions(process.argv.slice(2), process.env);
const wallStart = Date.now();
const hardStop = setTimeout(() => {
  console.error(`soak: hard timeout after ${options.seconds + HARD_TIMEOUT_EXTRA_S} s: stopping every process it started`);
  process.exit(2);
}, (options.seconds + HARD_TIMEOUT_EXTRA_S) * 1000);

const stats = new Stats();
const faults = new FaultLog();
const vus = Array.from({ length: options.users }, (_, i) => new VirtualUser(i, i % 4 === 0));
/** One account beyond the virtual users', for the health probe after each phase. */
const probeUser = soakUsername(options.users);
const phaseStarts = new Map<string, number>();
const endpointsByPhase = new Map<string, string[]>();
const rss: RssSample[] = [];

async function runPhase(phase: string, apps: [AppInstance, AppInstance], seconds: number, steps: Array<{ at: number; run: () => Promise<void> }>): Promise<void> {
  const start = Date.now();
  const deadline = start + seconds * 1000;
  phaseStarts.set(phase, start);
  endpointsByPhase.set(phase, apps.map((a) => a.name));
  const ended: EndedSession[] = [];
  const ctx: PhaseContext = { phase, endpoints: apps, stats, faults, deadline, defect: options.defect, ended };
  for (const app of apps) app.sampleRss();
  console.log(`soak: phase ${phase}: ${vus.length} users for ${seconds} s on ${apps.map((a) => `${a.name} :${a.port}`).join(', ')}`);
  const maxOps = seconds * 5;
  await Promise.all([...vus.map((vu) => vu.run(ctx, maxOps)), schedule(steps, deadline)]);
  await faults.waitQuiet(deadline + 120_000);
  // Once more, at the end: every ended session's cookie, on both instances.
  for (let i = 0; i < ended.length; i += 20) {
    await Promise.all(ended.slice(i, i + 20).flatMap((e) => apps.map((app) => replayEnded(ctx, app, e))));
  }
  // Health probe: each instance logs a user in and out through the store.
  for (const app of apps) {
    const login = await send(stats, phase, app, 'POST', '/api/auth/login', { body: { username: probeUser, password: soakPassword(probeUser) } });
    if (login.cookie) await send(stats, phase, app, 'POST', '/api/auth/logout', { cookie: login.cookie });
  }
  for (const app of apps) app.sampleRss();
  rss.push(...apps.flatMap((a) => a.rss));
}

async function main(): Promise<number> {
  if (!redisServersAvailable) throw new Error('redis-server and redis-cli are needed (apt-get install redis-server)');
  const usersDir = makeTempDir('soak-users');
  // One secret and one MFA key for every instance of both phases: enrolments outlive a phase.
  const secret = randomBytes(32).toString('hex');
  const mfaKey = randomBytes(32).toString('base64');
  const settings = (store: Record<string, string>): AppSettings => ({
    store,
    usersDir: usersDir.path,
    users: options.users + 1,
    secret,
    mfaKey,
    defect: options.defect,
  });
  const redisSeconds = Math.round(options.seconds * REDIS_PHASE_SHARE);
  const clusterSeconds = options.seconds - redisSeconds;
  const clusterStarting = RedisClusterHarness.start();
  clusterStarting.catch(() => undefined);
  const apps: AppInstance[] = [];
  let redis: RedisServerProcess | undefined;
  let cluster: RedisClusterHarness | undefined;
  try {
    // Phase 1: one Redis with appendonly/appendfsync always, so a kill loses no acknowledged write.
    redis = await RedisServerProcess.start({ appendOnly: true });
    const single = redis;
    const common = settings({ SESSION_STORE: 'redis', REDIS_URL: single.url });
    const p1 = await Promise.all([AppInstance.start('redis:app-1', common), AppInstance.start('redis:app-2', common)]);
    apps.push(...p1);
    const ms = redisSeconds * 1000;
    await runPhase('redis', p1, redisSeconds, [
      {
        at: ms * 0.15,
        run: () =>
          faults.run('redis', 'Redis paused: SIGSTOP, SIGCONT after 3 s', async () => {
            single.pause();
            await sleep(3_000);
            single.resume();
            await withNode(single.port, (c) => c.ping());
          }),
      },
      {
        at: ms * 0.35,
        run: () =>
          faults.run('redis', 'Redis killed (SIGKILL), restarted after 2 s', async () => {
            await single.kill();
            await sleep(2_000);
            await single.restart();
          }),
      },
      { at: ms * 0.55, run: () => faults.run('redis', 'app-2 restarted (SIGTERM, new process)', () => p1[1].restart()) },
    ]);
    await Promise.all(p1.map((a) => a.stop()));
    await redis.shutdown();
    redis = undefined;

    // Phase 2: Redis Cluster, 3 masters + 3 replicas; a master dies and its replica takes over.
    cluster = await clusterStarting;
    const nodes = cluster;
    const clustered = settings({ SESSION_STORE: 'redis-cluster', REDIS_NODES: nodes.rootNodes.join(',') });
    const p2 = await Promise.all([AppInstance.start('cluster:app-1', clustered), AppInstance.start('cluster:app-2', clustered)]);
    apps.push(...p2);
    await runPhase('cluster', p2, clusterSeconds, [
      {
        at: clusterSeconds * 1000 * 0.3,
        run: () =>
          faults.run('cluster', 'Cluster master killed (SIGKILL), replica promoted', async () => {
            const master = (await nodes.nodes()).find((n) => n.master && !n.failed && n.slots.length > 0);
            if (!master) throw new Error('no master with slots');
            await nodes.server(master.port).kill();
            await nodes.waitUntilHealthy(30_000);
          }),
      },
    ]);
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    await redis?.shutdown();
    await (cluster ?? (await clusterStarting.catch(() => undefined)))?.stop();
    usersDir.remove();
  }
  const checks = evaluate({ stats, windows: faults.windows, expectedFaults: EXPECTED_FAULTS, endpointsByPhase, rss, maxRssGrowthMb: options.maxRssGrowthMb });
  const wall = Math.round((Date.now() - wallStart) / 1000);
  const title = `soak: ${options.users} users, ${options.seconds} s of load (${redisSeconds} s Redis + ${clusterSeconds} s Cluster), ${wall} s wall${options.defect ? `, SOAK_BREAK=${options.defect}` : ''}`;
  console.log(report({ title, stats, windows: faults.windows, phaseStarts, rss, checks, appLog }));
  return checks.some((c) => !c.passed) ? 1 : 0;
}

main()
  .then((code) => {
    clearTimeout(hardStop);
    process.exit(code);
  })
  .catch((err: unknown) => {
    console.error('soak: aborted:', err);
    console.log('0 passed, 1 failed');
    process.exit(1);
  });
