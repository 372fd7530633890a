/**
 * The load generator: its own child process (started by bench/run.mjs), so autocannon never
 * shares the server's event loop or CPU accounting. Each IPC message is one job; the answer
 * carries the same id. Latency percentiles are computed here from every response time
 * (autocannon's own histogram has whole-millisecond resolution).
 */
import http from 'node:http';
import autocannon from 'autocannon';
import { generate } from 'otplib';
import { BENCH_TOTP_SECRET, BROWSER_USER_AGENT, MFA_USER_PREFIX } from './support/constants.mjs';
import { quantile } from './support/stats.mjs';

const HTTPS_MARK = { 'x-forwarded-proto': 'https', 'user-agent': BROWSER_USER_AGENT };
const JSON_BODY = { 'content-type': 'application/json' };
/**
 * What a browser adds to a state-changing request (a login, a TOTP code): its page's origin.
 * The module checks it against the request's own origin (CSRF); the baseline has no such check.
 */
const browserPost = (port) => ({ origin: `https://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' });

/** One plain request, outside any measurement: returns status, body and the session cookie pair. */
function request(port, method, path, { cookie, body, authorization } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          ...HTTPS_MARK,
          ...(payload ? JSON_BODY : {}),
          ...(cookie ? { cookie } : {}),
          ...(authorization ? { authorization } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode, body: text, cookie: cookiePair(res.headers['set-cookie']) }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** `name=value` of the (last) Set-Cookie line: what a browser sends back. */
function cookiePair(setCookie) {
  const lines = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const last = lines.at(-1);
  return last ? last.split(';')[0] : undefined;
}

/** Runs autocannon and returns throughput and exact latency percentiles of 2xx responses. */
function cannon(options, onResponseTime) {
  return new Promise((resolve, reject) => {
    const times = [];
    const started = performance.now();
    let lastResponse = started;
    const instance = autocannon({ connections: 10, pipelining: 1, ...options }, (err, result) => {
      if (err) return reject(err);
      // Our own clock, up to the last response: a run bounded by `amount` ends on autocannon's
      // next one-second tick, not when its last request is answered.
      const seconds = (lastResponse - started) / 1000;
      resolve({
        requests: result.requests.total,
        seconds,
        rps: result.requests.total / seconds,
        ok: result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
        p50: quantile(times, 0.5),
        p99: quantile(times, 0.99),
      });
    });
    instance.on('response', (_client, status, _bytes, ms) => {
      lastResponse = performance.now();
      if (status >= 200 && status < 300) times.push(ms);
      onResponseTime?.(status);
    });
  });
}

/** The current TOTP code of the shared bench secret, refreshed twice a second. */
class CodeClock {
  code = '000000';
  async start() {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), 500);
  }
  async refresh() {
    this.code = await generate({ secret: BENCH_TOTP_SECRET });
  }
  stop() {
    clearInterval(this.timer);
  }
}

/**
 * The next MFA user: every round takes new users, since a TOTP code works once per user and
 * time step (replay protection), and a replay would count as a failed attempt.
 */
let nextMfaUser = 0;

/** The next user of the `logins` job: one login per user. */
let nextLoginUser = 0;

/** Sessions waiting for their TOTP code, made by `mfaPending` for `totp`. */
let pending = [];

const jobs = {
  async login({ port, user }) {
    return request(port, 'POST', '/login', { body: { user } });
  },

  async get({ port, path, cookie, authorization }) {
    return request(port, 'GET', path, { cookie, authorization });
  },

  async post({ port, path, cookie }) {
    return request(port, 'POST', path, { cookie });
  },

  /**
   * Steady state: the authenticated GET with one logged-in cookie, or one access token
   * (`authorization`). As fast as the server answers, or paced at `rate` requests per second.
   */
  async read({ port, path, cookie, authorization, seconds, connections, rate }) {
    return cannon({
      url: `http://127.0.0.1:${port}${path}`,
      duration: seconds,
      connections,
      ...(rate ? { overallRate: rate } : {}),
      headers: { ...HTTPS_MARK, ...(cookie ? { cookie } : {}), ...(authorization ? { authorization } : {}) },
    });
  },

  /**
   * Logins without a cookie: a new session each, as a browser's first login, each of another
   * user (as real login traffic is), so no user piles up sessions against its session limit.
   */
  async logins({ port, seconds, connections }) {
    return cannon({
      url: `http://127.0.0.1:${port}/login`,
      duration: seconds,
      connections,
      requests: [
        {
          method: 'POST',
          headers: { ...HTTPS_MARK, ...JSON_BODY, ...browserPost(port) },
          setupRequest: (req) => ({ ...req, body: JSON.stringify({ user: `login-${nextLoginUser++}` }) }),
        },
      ],
    });
  },

  /**
   * Not measured: `amount` logins of distinct MFA-enrolled users, leaving `amount` sessions
   * waiting for their TOTP code (kept here for the `totp` job).
   */
  async mfaPending({ port, amount, connections }) {
    pending = [];
    const prep = await cannon({
      url: `http://127.0.0.1:${port}/login`,
      amount,
      connections,
      requests: [
        {
          method: 'POST',
          headers: { ...HTTPS_MARK, ...JSON_BODY, ...browserPost(port) },
          setupRequest: (req) => ({ ...req, body: JSON.stringify({ user: `${MFA_USER_PREFIX}${nextMfaUser++}` }) }),
          onResponse: (status, _body, _context, headers) => {
            // autocannon keeps the raw header name's case.
            const name = Object.keys(headers).find((h) => h.toLowerCase() === 'set-cookie');
            const pair = name && cookiePair(headers[name]);
            if (status === 200 && pair) pending.push(pair);
          },
        },
      ],
    });
    if (pending.length < amount) throw new Error(`only ${pending.length} of ${amount} MFA logins succeeded (${prep.non2xx} non-2xx)`);
    return { sessions: pending.length };
  },

  /**
   * TOTP verifications through the module's MFA path, one per pending session, each for a
   * distinct user: replay and attempt bookkeeping (whatever the module keeps) sees the first
   * use of a code for that user, as in real logins.
   */
  async totp({ port, connections }) {
    const clock = new CodeClock();
    await clock.start();
    try {
      const cookies = pending;
      pending = [];
      let taken = 0;
      let verified = 0;
      const run = await cannon(
        {
          url: `http://127.0.0.1:${port}/mfa/verify`,
          amount: cookies.length,
          connections,
          requests: [
            {
              method: 'POST',
              setupRequest: (req) => ({
                ...req,
                headers: { ...HTTPS_MARK, ...JSON_BODY, ...browserPost(port), cookie: cookies[taken++] },
                body: JSON.stringify({ code: clock.code }),
              }),
            },
          ],
        },
        (status) => {
          if (status === 200) verified++;
        },
      );
      return { ...run, verified, rps: verified / run.seconds };
    } finally {
      clock.stop();
    }
  },
};

process.on('message', async ({ id, job, args }) => {
  try {
    process.send({ id, result: await jobs[job](args) });
  } catch (err) {
    process.send({ id, error: err instanceof Error ? err.stack ?? err.message : String(err) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
