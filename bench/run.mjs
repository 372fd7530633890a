/**
 * `npm run bench`: plain express-session + connect-redis (a) vs SessionModule on Redis (b, and
 * b with client-side caching) vs no sessions (c), interleaved over rounds, medians reported.
 *
 *   npm run bench                      full run (5 rounds)
 *   npm run bench -- --rounds 3 --seconds 2
 *   npm run bench -- --only a,b        a subset of the variants
 *   npm run bench -- --profile b       one CPU profile of a variant's read path, summarised
 *
 * Every server and the load generator are separate child processes; Redis is a redis-server of
 * the bench's own on a free port, so INFO commandstats counts the app's commands only.
 * Numbers are printed, written to bench/results/, and never asserted anywhere.
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
  { key: 'a', label: 'express-session + connect-redis', server: 'plain', logins: true },
  { key: 'b', label: 'SessionModule, Redis', server: 'module', logins: true, totp: true },
  { key: 'b+csc', label: 'SessionModule, Redis + client-side cache', server: 'module-csc' },
  { key: 'c', label: 'no sessions (ceiling)', server: 'none' },
];

const options = parseArgs(process.argv.slice(2));

function parseArgs(argv) {
  const opts = {
    rounds: 5,
    seconds: 2.5,
    warmup: 1,
    loginSeconds: 1.5,
    totpAmount: 1000,
    connections: 10,
    only: VARIANTS.map((v) => v.key),
    profile: undefined,
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
    else if (flag === '--connections') opts.connections = num();
    else if (flag === '--only') (opts.only = value.split(',')), i++;
    else if (flag === '--profile') (opts.profile = value), i++;
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

/** Bytes Redis spends on the logged-in session (MEMORY USAGE of its key). */
async function sessionBytes(redis) {
  const keys = [];
  for await (const batch of redis.client.scanIterator({ MATCH: 'sess:*', COUNT: 100 })) keys.push(...batch);
  if (keys.length !== 1) return { bytes: NaN, valueBytes: NaN, keys: keys.length };
  const [key] = keys;
  return {
    bytes: await redis.client.memoryUsage(key, { SAMPLES: 0 }),
    valueBytes: await redis.client.strLen(key),
    keyBytes: Buffer.byteLength(key),
    keys: 1,
  };
}

async function runVariant(variant, redis, load) {
  await redis.client.flushAll();
  const server = await startServer(variant, redis.url);
  try {
    const out = { variant: variant.key };
    const login = await load.run('login', { port: server.port, user: 'alice' });
    // The ceiling sets no cookie; it still gets one to parse, like the others.
    const cookie = variant.server === 'none' ? 'theme=dark' : login.cookie;
    if (login.status !== 200 || !cookie) throw new Error(`${variant.key}: login answered ${login.status} without a cookie`);
    const check = await load.run('get', { port: server.port, path: '/me', cookie });
    if (check.status !== 200) throw new Error(`${variant.key}: GET /me with the login cookie answered ${check.status} ${check.body}`);
    if (variant.server !== 'none') out.session = await sessionBytes(redis);

    const read = { port: server.port, path: '/me', cookie, connections: options.connections };
    await load.run('read', { ...read, seconds: options.warmup });
    out.read = await measured(server, redis, () => load.run('read', { ...read, seconds: options.seconds }));
    if (out.read.non2xx || out.read.errors) throw new Error(`${variant.key}: ${out.read.non2xx} non-2xx and ${out.read.errors} errors while reading`);

    if (variant.logins) {
      const args = { port: server.port, connections: options.connections };
      await load.run('logins', { ...args, seconds: Math.min(1, options.warmup) });
      out.logins = await measured(server, redis, () => load.run('logins', { ...args, seconds: options.loginSeconds }));
    }
    if (variant.totp) {
      const args = { port: server.port, connections: options.connections };
      await load.run('mfaPending', { ...args, amount: options.totpAmount });
      out.totp = await measured(server, redis, () => load.run('totp', args));
      if (out.totp.verified !== options.totpAmount) {
        throw new Error(`${variant.key}: only ${out.totp.verified} of ${options.totpAmount} TOTP codes were accepted`);
      }
    }
    return out;
  } finally {
    await server.stop();
  }
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
  const rounds = [];
  try {
    const version = /redis_version:(\S+)/.exec(await redis.client.info('server'))?.[1];
    console.log(`redis-server ${version} (pid ${redis.pid}), ${options.rounds} rounds of ${variants.map((v) => v.key).join(', ')}`);
    for (let r = 0; r < options.rounds; r++) {
      // Rotate the order every round so no variant always runs first (or right after another).
      const order = variants.map((_, i) => variants[(i + r) % variants.length]);
      const round = {};
      for (const variant of order) {
        round[variant.key] = await runVariant(variant, redis, load);
        const read = round[variant.key].read;
        console.log(
          `  round ${r + 1} ${variant.key.padEnd(6)} ${read.rps.toFixed(0).padStart(6)} req/s  p50 ${read.p50.toFixed(2)} ms  p99 ${read.p99.toFixed(2)} ms  ${read.cpuPerRequestUs.toFixed(0)} µs CPU/req  ${read.commandsPerRequest.toFixed(3)} cmds/req`,
        );
      }
      rounds.push(round);
    }
    const storeRead = variants.some((v) => v.key === 'b+csc') ? await storeReadPath(redis.url) : undefined;
    const result = {
      date: new Date().toISOString(),
      machine: { ...machine(), redis: version, loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg() },
      options,
      seconds: (Date.now() - started) / 1000,
      rounds,
      storeRead,
    };
    mkdirSync(path.join(here, 'results'), { recursive: true });
    const file = path.join(here, 'results', `${result.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2));
    printTable(result, variants);
    console.log(`\nraw results: ${path.relative(root, file)}`);
  } finally {
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
      await load.run('read', { ...args, seconds: options.warmup });
      await server.ask({ type: 'profile-start' });
      read = await measured(server, redis, () => load.run('read', { ...args, seconds: options.seconds }));
      await server.ask({ type: 'profile-stop', file });
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

(options.profile ? runProfile() : runBench()).catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
