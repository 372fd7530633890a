/**
 * `npm run bench`: plain express-session + connect-redis (a) vs SessionModule on Redis (b, and
 * b with client-side caching) vs no sessions (c).
 *
 *   npm run bench                      full run
 *   npm run bench -- --rounds 6 --seconds 0.5
 *   npm run bench -- --only a,b        a subset of the variants
 *   npm run bench -- --profile b       one CPU profile of a variant's read path, summarised
 *   npm run bench -- --profile b --profile-job logins   the same for logins
 *   npm run bench -- --profile b --profile-job totp     the same for TOTP verifications (--totp N per batch)
 *
 * Every server and the load generator are separate child processes; Redis is a redis-server of
 * the bench's own on a free port (one database per variant), so INFO commandstats counts the
 * apps' commands only. All servers run side by side and the load moves between them in short
 * slices (one round = one slice per variant, in a rotating order): on a machine shared with
 * other work, every variant sees the same background load, and per-round ratios compare
 * slices measured a second apart. Numbers are printed, written to bench/results/, and never
 * asserted anywhere.
 */
import { execFile, fork } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedisServer, commandCalls, diffCalls } from './support/redis-server.mjs';
import { median } from './support/stats.mjs';
import { printTable } from './support/table.mjs';
import { summariseProfile } from './support/profile-summary.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

const VARIANTS = [
  { key: 'a', label: 'express-session + connect-redis', server: 'plain', db: 1, logins: true },
  { key: 'b', label: 'SessionModule, Redis', server: 'module', db: 2, logins: true, totp: true, tokens: true },
  { key: 'b+csc', label: 'SessionModule, Redis + client-side cache', server: 'module-csc', db: 3 },
  { key: 'c', label: 'no sessions (ceiling)', server: 'none', db: 0 },
];

const options = parseArgs(process.argv.slice(2));

/** TOTP verifications run, unmeasured, before the measured rounds. */
const TOTP_WARMUP = 200;
/** Paced reads: this share of the slowest variant's median reads/s, for this many rounds. */
const PACED_SHARE = 0.6;
const PACED_ROUNDS = 6;

function parseArgs(argv) {
  const opts = {
    rounds: 12,
    seconds: 1,
    warmup: 1,
    loginSeconds: 0.5,
    totpRounds: 3,
    totpAmount: 500,
    connections: 10,
    only: VARIANTS.map((v) => v.key),
    profile: undefined,
    profileJob: 'read',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const num = () => {
      i++;
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number`);
      return n;
    };
    if (flag === '--rounds') opts.rounds = num();
    else if (flag === '--seconds') opts.seconds = num();
    else if (flag === '--warmup') opts.warmup = num();
    else if (flag === '--login-seconds') opts.loginSeconds = num();
    else if (flag === '--totp') opts.totpAmount = num();
    else if (flag === '--totp-rounds') opts.totpRounds = num();
    else if (flag === '--connections') opts.connections = num();
    else if (flag === '--only') (opts.only = value.split(',')), i++;
    else if (flag === '--profile') (opts.profile = value), i++;
    else if (flag === '--profile-job') (opts.profileJob = value), i++;
    else throw new Error(`unknown option ${flag}; see the comment at the top of bench/run.mjs`);
  }
  for (const key of [...opts.only, ...(opts.profile ? [opts.profile] : [])]) {
    if (!VARIANTS.some((v) => v.key === key)) throw new Error(`unknown variant ${key} (${VARIANTS.map((v) => v.key).join(', ')})`);
  }
  return opts;
}

/** A forked child with request/answer over IPC. */
function ipcChild(modulePath, { env = {}, execArgv = [] } = {}) {
  const child = fork(modulePath, [], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map();
  const waiters = [];
  child.on('message', (message) => {
    const entry = message.id !== undefined ? pending.get(message.id) : undefined;
    if (entry) {
      pending.delete(message.id);
      return message.error ? entry.reject(new Error(message.error)) : entry.resolve(message);
    }
    for (const waiter of waiters.splice(0)) waiter(message);
  });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  exited.then((code) => {
    for (const { reject } of pending.values()) reject(new Error(`${modulePath} exited (${code})`));
  });
  return {
    child,
    exited,
    first: () =>
      Promise.race([
        new Promise((resolve) => waiters.push(resolve)),
        exited.then((code) => {
          throw new Error(`${modulePath} exited (${code}) before it was ready`);
        }),
      ]),
    ask(message) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ ...message, id });
      });
    },
    send: (message) => child.send(message),
  };
}

async function startServer(variant, redisUrl) {
  const server = ipcChild(path.join(here, 'server.ts'), {
    env: { BENCH_VARIANT: variant.server, BENCH_REDIS_URL: redisUrl },
    execArgv: ['--import', '@swc-node/register/esm-register'],
  });
  const ready = await server.first();
  return {
    port: ready.port,
    ask: (message) => server.ask(message),
    cpu: async () => {
      const { usage } = await server.ask({ type: 'cpu' });
      return usage.user + usage.system;
    },
    async stop() {
      server.send({ type: 'stop' });
      const timer = setTimeout(() => server.child.kill('SIGKILL'), 5_000);
      await server.exited;
      clearTimeout(timer);
    },
  };
}

async function startLoad() {
  const load = ipcChild(path.join(here, 'load.mjs'));
  await load.first();
  return {
    run: async (job, args) => (await load.ask({ job, args })).result,
    stop: async () => {
      load.child.disconnect();
      await load.exited;
    },
  };
}

/** Measures `work` as a window: server CPU and Redis commands before and after. */
async function measured(server, redis, work) {
  const [cpu0, calls0] = [await server.cpu(), await commandCalls(redis.client)];
  const result = await work();
  const [cpu1, calls1] = [await server.cpu(), await commandCalls(redis.client)];
  const commands = diffCalls(calls0, calls1);
  const total = Object.values(commands).reduce((a, b) => a + b, 0);
  const count = result.verified ?? result.requests;
  return {
    ...result,
    cpuPerRequestUs: (cpu1 - cpu0) / count,
    commandsPerRequest: total / count,
    commands: Object.fromEntries(Object.entries(commands).map(([name, n]) => [name, n / count])),
  };
}

/** Bytes Redis spends on the logged-in session (MEMORY USAGE of its key, in the variant's database). */
async function sessionBytes(redis, db) {
  const client = redis.client.duplicate({ database: db });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const all = [];
    for await (const batch of client.scanIterator({ MATCH: 'sess:*', COUNT: 100 })) all.push(...batch);
    // The record's key is the prefix and a bare ID or hash; SessionModule's device index of the
    // user (`sess:devices:{u:alice}:...`) is counted apart.
    const keys = all.filter((key) => /^sess:[A-Za-z0-9_-]+$/.test(key));
    const indexKeys = all.filter((key) => !keys.includes(key));
    if (keys.length !== 1) return { bytes: NaN, valueBytes: NaN, keys: keys.length };
    const [key] = keys;
    let indexBytes = 0;
    for (const indexKey of indexKeys) indexBytes += (await client.memoryUsage(indexKey, { SAMPLES: 0 })) ?? 0;
    return {
      bytes: await client.memoryUsage(key, { SAMPLES: 0 }),
      valueBytes: await client.strLen(key),
      keyBytes: Buffer.byteLength(key),
      keys: 1,
      indexKeys: indexKeys.length,
      indexBytes,
    };
  } finally {
    await client.close();
  }
}

/** Starts a variant's server, logs in once and checks that the cookie reads. */
async function prepare(variant, redis, load) {
  const server = await startServer(variant, variant.db ? `${redis.url}/${variant.db}` : redis.url);
  const login = await load.run('login', { port: server.port, user: 'alice' });
  // The ceiling sets no cookie; it still gets one to parse, like the others.
  const cookie = variant.server === 'none' ? 'theme=dark' : login.cookie;
  if (login.status !== 200 || !cookie) throw new Error(`${variant.key}: login answered ${login.status} without a cookie`);
  const check = await load.run('get', { port: server.port, path: '/me', cookie });
  if (check.status !== 200) throw new Error(`${variant.key}: GET /me with the login cookie answered ${check.status} ${check.body}`);
  const session = variant.db ? await sessionBytes(redis, variant.db) : undefined;
  const authorization = variant.tokens ? await accessToken(variant, server, load, cookie) : undefined;
  return { variant, server, cookie, session, authorization };
}

/** `Bearer <token>` minted with the login cookie, checked once on the bearer route. */
async function accessToken(variant, server, load, cookie) {
  const minted = await load.run('post', { port: server.port, path: '/tokens', cookie });
  if (minted.status !== 200) throw new Error(`${variant.key}: POST /tokens answered ${minted.status} ${minted.body}`);
  const authorization = `Bearer ${JSON.parse(minted.body).token}`;
  const check = await load.run('get', { port: server.port, path: '/token/me', authorization });
  if (check.status !== 200) throw new Error(`${variant.key}: GET /token/me with the token answered ${check.status} ${check.body}`);
  return authorization;
}

/** One measured slice of reads against one running variant (paced at `rate` req/s when given). */
async function readSlice(run, redis, load, seconds, rate) {
  const args = { port: run.server.port, path: '/me', cookie: run.cookie, connections: options.connections, seconds, rate };
  const read = await measured(run.server, redis, () => load.run('read', args));
  if (read.non2xx || read.errors) throw new Error(`${run.variant.key}: ${read.non2xx} non-2xx and ${read.errors} errors while reading`);
  return read;
}

/** RedisSessionStore.get() alone, without HTTP: µs of CPU per read, plain and cached (bench/store-read.ts). */
async function storeReadPath(redisUrl) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', '@swc-node/register/esm-register', path.join(here, 'store-read.ts')],
    { cwd: root, env: { ...process.env, NODE_ENV: 'production', BENCH_REDIS_URL: redisUrl, BENCH_STORE_ROUNDS: String(options.rounds) } },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

async function runBench() {
  const variants = VARIANTS.filter((v) => options.only.includes(v.key));
  const redis = await startRedisServer();
  process.once('exit', () => redis.kill());
  const load = await startLoad();
  const started = Date.now();
  const loadBefore = os.loadavg();
  const runs = [];
  try {
    const version = /redis_version:(\S+)/.exec(await redis.client.info('server'))?.[1];
    console.log(
      `redis-server ${version} (pid ${redis.pid}); ${variants.map((v) => v.key).join(', ')} side by side; ${options.rounds} rounds of ${options.seconds} s read slices`,
    );
    for (const variant of variants) runs.push(await prepare(variant, redis, load));
    for (const run of runs) await load.run('read', { port: run.server.port, path: '/me', cookie: run.cookie, connections: options.connections, seconds: options.warmup });

    const rounds = Array.from({ length: options.rounds }, () => ({}));
    for (let r = 0; r < options.rounds; r++) {
      // Rotate the order every round so no variant always runs first (or right after another).
      for (let i = 0; i < runs.length; i++) {
        const run = runs[(i + r) % runs.length];
        rounds[r][run.variant.key] = { read: await readSlice(run, redis, load, options.seconds) };
      }
      console.log(
        `  round ${String(r + 1).padStart(2)}  ${runs
          .map(({ variant }) => `${variant.key} ${rounds[r][variant.key].read.rps.toFixed(0)}/s ${rounds[r][variant.key].read.cpuPerRequestUs.toFixed(0)}µs`)
          .join('  ')}`,
      );
    }

    // Latency at an equal offered load. At full speed each variant's p99 also measures the load
    // generator, which shares the 2 cores and works harder for a faster server (the ceiling had
    // a worse p99 than the baseline): the faster variant looked slower. Paced at one rate every
    // variant sustains, the p99 compares the servers.
    const pacedRate = Math.round(PACED_SHARE * Math.min(...runs.map(({ variant }) => median(rounds.map((round) => round[variant.key].read.rps)))));
    for (let r = 0; r < Math.min(PACED_ROUNDS, options.rounds); r++) {
      for (let i = 0; i < runs.length; i++) {
        const run = runs[(i + r) % runs.length];
        rounds[r][run.variant.key].paced = await readSlice(run, redis, load, options.seconds, pacedRate);
      }
    }

    // Tokens verified per second: the bearer guard's whole path (signature, claims, one index read).
    const tokenRuns = runs.filter((run) => run.authorization);
    for (let r = 0; r < options.rounds; r++) {
      for (const run of tokenRuns) {
        const args = { port: run.server.port, path: '/token/me', authorization: run.authorization, connections: options.connections, seconds: options.seconds };
        const bearer = await measured(run.server, redis, () => load.run('read', args));
        if (bearer.non2xx || bearer.errors) throw new Error(`${run.variant.key}: ${bearer.non2xx} non-2xx and ${bearer.errors} errors on bearer reads`);
        rounds[r][run.variant.key].bearer = bearer;
      }
    }

    const loginRuns = runs.filter((run) => run.variant.logins);
    for (const run of loginRuns) await load.run('logins', { port: run.server.port, connections: options.connections, seconds: options.warmup / 2 });
    for (let r = 0; r < options.rounds; r++) {
      for (let i = 0; i < loginRuns.length; i++) {
        const run = loginRuns[(i + r) % loginRuns.length];
        const args = { port: run.server.port, connections: options.connections, seconds: options.loginSeconds };
        const logins = await measured(run.server, redis, () => load.run('logins', args));
        // A refused login (403, 429, 503) is fast and must not count as one.
        if (logins.non2xx || logins.errors) throw new Error(`${run.variant.key}: ${logins.non2xx} non-2xx and ${logins.errors} errors on logins`);
        rounds[r][run.variant.key].logins = logins;
      }
    }

    for (const run of runs.filter((x) => x.variant.totp)) {
      const args = { port: run.server.port, connections: options.connections };
      // Unmeasured, as every other job has its warm-up: the verification's own code (the TOTP
      // check, the secret's decryption, the attempt script) would otherwise run cold in round 1.
      await load.run('mfaPending', { ...args, amount: TOTP_WARMUP });
      await load.run('totp', args);
      for (let r = 0; r < Math.min(options.totpRounds, options.rounds); r++) {
        await load.run('mfaPending', { ...args, amount: options.totpAmount });
        const totp = await measured(run.server, redis, () => load.run('totp', args));
        if (totp.verified !== options.totpAmount) {
          throw new Error(`${run.variant.key}: only ${totp.verified} of ${options.totpAmount} TOTP codes were accepted`);
        }
        rounds[r][run.variant.key].totp = totp;
      }
    }
    const sessions = Object.fromEntries(runs.map((run) => [run.variant.key, run.session]));
    for (const run of runs.splice(0)) await run.server.stop();

    const storeRead = variants.some((v) => v.key === 'b+csc') ? await storeReadPath(redis.url) : undefined;
    const result = {
      date: new Date().toISOString(),
      machine: { ...machine(), redis: version, loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg() },
      options,
      pacedRate,
      pacedShare: PACED_SHARE,
      seconds: (Date.now() - started) / 1000,
      sessions,
      rounds,
      storeRead,
    };
    mkdirSync(path.join(here, 'results'), { recursive: true });
    const file = path.join(here, 'results', `${result.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2));
    printTable(result, variants);
    console.log(`\nraw results: ${path.relative(root, file)}`);
  } finally {
    for (const run of runs) await run.server.stop();
    await load.stop();
    await redis.stop();
  }
}

async function runProfile() {
  const variant = VARIANTS.find((v) => v.key === options.profile);
  const redis = await startRedisServer();
  process.once('exit', () => redis.kill());
  const load = await startLoad();
  try {
    const server = await startServer(variant, redis.url);
    const file = path.join(here, 'results', `profile-${variant.key}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
    mkdirSync(path.dirname(file), { recursive: true });
    let read;
    try {
      const login = await load.run('login', { port: server.port, user: 'alice' });
      const cookie = variant.server === 'none' ? 'theme=dark' : login.cookie;
      const args = { port: server.port, path: '/me', cookie, connections: options.connections };
      if (options.profileJob === 'totp') {
        // One unmeasured batch warms the verification path up; the next one is profiled.
        await load.run('mfaPending', { ...args, amount: options.totpAmount });
        await load.run('totp', args);
        await load.run('mfaPending', { ...args, amount: options.totpAmount });
        await server.ask({ type: 'profile-start' });
        read = await measured(server, redis, () => load.run('totp', args));
        await server.ask({ type: 'profile-stop', file });
      } else {
        const job = options.profileJob === 'logins' ? 'logins' : 'read';
        await load.run(job, { ...args, seconds: options.warmup });
        await server.ask({ type: 'profile-start' });
        read = await measured(server, redis, () => load.run(job, { ...args, seconds: options.seconds }));
        await server.ask({ type: 'profile-stop', file });
      }
    } finally {
      await server.stop();
    }
    console.log(
      `${variant.key}: ${read.rps.toFixed(0)} req/s, ${read.cpuPerRequestUs.toFixed(1)} µs server CPU/req, ${read.commandsPerRequest.toFixed(3)} Redis cmds/req (profiler on)`,
    );
    summariseProfile(file, read.requests, root);
    console.log(`\nprofile: ${path.relative(root, file)} (open in Chrome DevTools > Performance)`);
  } finally {
    await load.stop();
    await redis.stop();
  }
}

// Ctrl-C: exit through process.exit so the 'exit' handlers stop the bench's redis-server.
process.once('SIGINT', () => process.exit(130));

(options.profile ? runProfile() : runBench()).catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
