import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COOKIE, type RunningBasicApp, startBasicApp } from '../../apps/test-app/index.js';
import { STORES } from '../../support/stores.js';

/** Flips one character of `text` at `index` to another base64url character. */
function flip(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

/** Sends raw bytes as the Cookie header (what an HTTP client library refuses to send). */
function rawRequest(port: number, cookie: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    socket.write(
      Buffer.concat([
        Buffer.from('GET /me HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-Proto: https\r\nConnection: close\r\nCookie: '),
        cookie,
        Buffer.from('\r\n\r\n'),
      ]),
    );
  });
}

describe.each(STORES)('T05 tampered and junk session IDs on $name', (under) => {
  let running: RunningBasicApp;
  let port: number;
  /** A live, fully authenticated session: `s:<id>.<signature>`, decoded. */
  let genuine: string;

  beforeAll(async () => {
    running = await startBasicApp(under);
    // startApp leaves the app listening on an ephemeral port.
    port = ((running.app.getHttpServer() as Server).address() as AddressInfo).port;
    const browser = await running.loggedIn('t05');
    genuine = decodeURIComponent(browser.cookie(COOKIE)!);
  });
  afterAll(() => running.close());

  /** Guarded routes answer 401 JSON, a public one still works, login still works: never a 5xx. */
  async function expectRefused(cookieHeader: string): Promise<void> {
    const headers = { Cookie: cookieHeader };
    const me = await running.browser().get('/me', headers);
    expect(me.status, cookieHeader.slice(0, 60)).toBe(401);
    expect(me.headers['content-type']).toMatch(/^application\/json/);
    expect(me.body).toEqual({ error: 'unauthenticated', message: expect.any(String) });
    const verify = await running.browser().post('/mfa/verify', { code: '123456' }, headers);
    expect(verify.status).toBe(401);
    const cart = await running.browser().get('/cart', headers);
    expect(cart.status).toBe(200);
    expect(cart.body).toEqual({ cart: null });
    const login = await running.browser().post('/login', { user: 't05-after' }, headers);
    expect(login.status).toBe(200);
  }

  it('the genuine cookie works (control)', async () => {
    expect((await running.browser().get('/me', { Cookie: `${COOKIE}=${encodeURIComponent(genuine)}` })).status).toBe(
      200,
    );
  });

  it('a tampered ID part is refused', async () => {
    const dot = genuine.lastIndexOf('.');
    for (const index of [2, 10, dot - 1]) {
      await expectRefused(`${COOKIE}=${encodeURIComponent(flip(genuine, index))}`);
    }
    // A shorter or longer ID with the same signature.
    await expectRefused(`${COOKIE}=${encodeURIComponent(genuine.slice(0, dot - 1) + genuine.slice(dot))}`);
    await expectRefused(`${COOKIE}=${encodeURIComponent(`${genuine.slice(0, dot)}A${genuine.slice(dot)}`)}`);
  });

  it('a tampered HMAC part is refused', async () => {
    const dot = genuine.lastIndexOf('.');
    for (const index of [dot + 1, dot + 20, genuine.length - 1]) {
      await expectRefused(`${COOKIE}=${encodeURIComponent(flip(genuine, index))}`);
    }
    await expectRefused(`${COOKIE}=${encodeURIComponent(genuine.slice(0, -1))}`);
    await expectRefused(`${COOKIE}=${encodeURIComponent(genuine.slice(0, dot + 1))}`);
    await expectRefused(`${COOKIE}=${encodeURIComponent(genuine.slice(0, dot))}`);
  });

  it.each([
    ['empty', ''],
    ['bare s:', 's:'],
    ['encoded bare s:', 's%3A'],
    ['s: and a dot', 's:.'],
    ['very long', `s%3A${'A'.repeat(8_000)}.${'B'.repeat(43)}`],
    ['encoded NUL', 's%3A%00abc.def'],
    ['only an encoded NUL', '%00'],
    ['double quotes', '"s:abc.def"'],
    ['a lone quote', '"'],
    ['single quotes', "'s:abc.def'"],
    ['encoded non-ASCII', 's%3A%C3%A9%E2%98%83.sig'],
    ['broken percent-encoding', 's%3A%E0%A4%A.%'],
    ['a JSON object', '{"id":"x"}'],
    ['an array-like value', 'j%3A%5B1%5D'],
  ])('junk value (%s) is refused', async (_label, value) => {
    await expectRefused(`${COOKIE}=${value}`);
  });

  it('a Latin-1 byte in the value is refused', async () => {
    await expectRefused(`${COOKIE}=s:caf\u00e9.sig`);
  });

  it('many cookies with the session name, junk first: the first wins and is refused', async () => {
    const junk = Array.from({ length: 50 }, (_, i) => `${COOKIE}=junk${i}`).join('; ');
    await expectRefused(`${junk}; ${COOKIE}=${encodeURIComponent(genuine)}`);
  });

  it('raw NUL, raw UTF-8 and an oversized header never reach a 5xx', async () => {
    const nul = await rawRequest(port, Buffer.from(`${COOKIE}=s:\0abc.def`, 'latin1'));
    expect(nul.status).toBe(400);
    const utf8 = await rawRequest(port, Buffer.from(`${COOKIE}=s:☃😀.sig`, 'utf8'));
    expect(utf8.status).toBe(401);
    expect(JSON.parse(utf8.body)).toMatchObject({ error: 'unauthenticated' });
    const oversized = await rawRequest(port, Buffer.from(`${COOKIE}=${'A'.repeat(20_000)}`));
    expect(oversized.status).toBe(431);
  });
});
