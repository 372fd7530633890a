/**
 * The per-request CPU of the session path, in one process, without sockets or HTTP parsing:
 * requests are handed to the Nest app's Express handler as Node request/response objects with
 * no socket, 10 in flight at a time, and `process.cpuUsage()` is summed per variant over
 * batches that alternate between the variants every few milliseconds, so a machine whose
 * speed drifts slows every variant alike. What it leaves out (the kernel's socket work, HTTP
 * parsing) is the same for every variant; `npm run bench` measures the whole.
 *
 *   node --import @swc-node/register/esm-register bench/request-path.ts
 *   BENCH_BASELINE=../main ...   also the module of another checkout (before/after in one run;
 *                                its bench/apps/module-session.app.ts must take no store, as here)
 *   BENCH_REQUEST_ROUNDS=20 BENCH_REQUEST_BATCHES=100
 *   BENCH_REQUEST_JOB=logins     logins instead of reads: a cookieless POST /login of a new user
 *                                each, with a browser's Origin (the CSRF check compares it)
 *
 * The module runs on its embedded store, so what is measured is the module's own CPU, the same
 * path b takes around its one Redis GET. (With Redis in the same process the numbers swung by
 * half between runs: each variant's batch waits for its round trip while the redis-server shares
 * the machine, and whatever else the process does then is counted against it.)
 * Prints a table: median µs of CPU per request, and the median per-round ratio to c (no sessions).
 */
import type { INestApplication } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createModuleSessionApp } from './apps/module-session.app.js';
import { createNoSessionApp } from './apps/no-session.app.js';
import { BROWSER_USER_AGENT } from './support/constants.mjs';
import { median } from './support/stats.mjs';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
type Answer = { status: number; setCookie: string[] };

const rounds = Number(process.env.BENCH_REQUEST_ROUNDS ?? 20);
const batches = Number(process.env.BENCH_REQUEST_BATCHES ?? 100);
const IN_FLIGHT = 10;
const job: 'reads' | 'logins' = process.env.BENCH_REQUEST_JOB === 'logins' ? 'logins' : 'reads';

/** Settles a request when Node's own end() runs, under every wrapper Express or the module adds. */
const ANSWER = Symbol('bench.answer');
const nodeEnd = ServerResponse.prototype.end;
ServerResponse.prototype.end = function (this: ServerResponse & { [ANSWER]?: (a: Answer) => void }, ...args: unknown[]) {
  const result = (nodeEnd as (...a: unknown[]) => ServerResponse).apply(this, args);
  const answer = this[ANSWER];
  if (answer) {
    this[ANSWER] = undefined;
    const setCookie = this.getHeader('set-cookie');
    answer({ status: this.statusCode, setCookie: Array.isArray(setCookie) ? setCookie : setCookie ? [String(setCookie)] : [] });
  }
  return result;
} as typeof nodeEnd;

function send(handler: Handler, method: string, url: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = new Socket();
    Object.defineProperty(socket, 'remoteAddress', { value: '127.0.0.1' });
    const req = new IncomingMessage(socket);
    Object.assign(req, { method, url, headers });
    if (body) req.push(body);
    req.push(null);
    const res = new ServerResponse(req) as ServerResponse & { [ANSWER]?: (a: Answer) => void };
    res[ANSWER] = resolve;
    handler(req, res);
  });
}

interface Variant {
  key: string;
  read: () => Promise<Answer>;
  login: () => Promise<Answer>;
  app: INestApplication;
}

let nextUser = 0;

type ModuleFactory = typeof createModuleSessionApp;

async function variant(key: string, app: INestApplication, logIn: boolean): Promise<Variant> {
  await app.init();
  const handler = app.getHttpAdapter().getInstance() as Handler;
  const base = { host: 'localhost', 'x-forwarded-proto': 'https', 'user-agent': BROWSER_USER_AGENT };
  let cookie = 'theme=dark';
  if (logIn) {
    const body = JSON.stringify({ user: `bench-${key.replace(/\W+/g, '-')}` });
    const login = await send(handler, 'POST', '/login', { ...base, 'content-type': 'application/json', 'content-length': String(body.length) }, body);
    const line = login.setCookie.at(-1);
    if (login.status !== 200 || !line) throw new Error(`${key}: login answered ${login.status} without a cookie`);
    cookie = line.split(';')[0]!;
  }
  const headers = { ...base, cookie };
  const read = () => send(handler, 'GET', '/me', headers);
  const check = await read();
  if (check.status !== 200) throw new Error(`${key}: GET /me answered ${check.status}`);
  const loginHeaders = { ...base, origin: 'https://localhost', 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' };
  const login = async () => {
    const body = JSON.stringify({ user: `login-${nextUser++}` });
    const answer = await send(handler, 'POST', '/login', { ...loginHeaders, 'content-length': String(body.length) }, body);
    if (answer.status !== 200) throw new Error(`${key}: login answered ${answer.status}`);
    return answer;
  };
  return { key, read, login, app };
}

async function main(): Promise<void> {
  const variants: Variant[] = [
    await variant('c', await createNoSessionApp(), false),
    await variant('b, embedded store', await createModuleSessionApp(), true),
  ];
  const baselineRoot = process.env.BENCH_BASELINE;
  if (baselineRoot) {
    const file = pathToFileURL(path.resolve(baselineRoot, 'bench/apps/module-session.app.ts')).href;
    const baseline = (await import(file)) as { createModuleSessionApp: ModuleFactory };
    variants.push(await variant('baseline b, embedded store', await baseline.createModuleSessionApp(), true));
  }

  const perRequest = new Map<string, number[]>(variants.map((v) => [v.key, []]));
  for (let round = -2; round < rounds; round++) {
    const used = new Map<string, number>();
    for (let batch = 0; batch < batches; batch++) {
      for (let i = 0; i < variants.length; i++) {
        const v = variants[(i + batch) % variants.length]!;
        const before = process.cpuUsage();
        await Promise.all(Array.from({ length: IN_FLIGHT }, () => (job === 'logins' ? v.login() : v.read())));
        const cpu = process.cpuUsage(before);
        used.set(v.key, (used.get(v.key) ?? 0) + cpu.user + cpu.system);
      }
    }
    // The first two rounds warm up.
    if (round >= 0) for (const [key, us] of used) perRequest.get(key)!.push(us / (batches * IN_FLIGHT));
  }

  const ceiling = perRequest.get('c')!;
  console.log(`${rounds} rounds of ${batches} batches of ${IN_FLIGHT} ${job} per variant, alternating every batch`);
  console.log('| variant | CPU µs/request | vs c |\n|---|---:|---:|');
  for (const [key, values] of perRequest) {
    const ratio = median(values.map((v, i) => v / ceiling[i]!));
    console.log(`| ${key} | ${median(values).toFixed(1)} | ${ratio.toFixed(2)} |`);
  }
  for (const v of variants) await v.app.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
