import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionService } from '../../../lib/index.js';
import { COOKIE, DevicesHarness } from '../../apps/test-app/index.js';
import { STORES } from '../../support/stores.js';

/** What a client can put where the module expects a code, a handle or a user ID. */
const BAD_VALUES: Array<[string, unknown]> = [
  ['a number', 123456],
  ['an array', ['123456']],
  ['an object', { code: '123456' }],
  ['null', null],
  ['true', true],
  ['an empty string', ''],
  ['a NUL byte', '12345\u0000'],
  ['a lone surrogate', '12345\ud800'],
  ['a 10 KB string', '1'.repeat(10_000)],
  ['a prototype key', '__proto__'],
];

/** A 4xx with the module's `{ error, message }` shape (Nest's default filter passes it on). */
function expectModuleError(res: Response, label: string): void {
  expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
  expect(res.body, label).toEqual({ error: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) });
}

describe.each(STORES)('module entry points: bad input is a 4xx naming the problem, never a 500, on $name', (under) => {
  let h: DevicesHarness;
  beforeAll(async () => {
    h = await DevicesHarness.start(under);
  });
  afterAll(() => h.close());

  it('MfaService.verify with a code of every wrong type or content: 400 naming the code; the right code works after', async () => {
    await h.enrollMfa('bad-code-user');
    const browser = await h.loggedIn('bad-code-user');
    for (const [label, code] of BAD_VALUES) {
      const res = await browser.post('/mfa/verify', { code });
      expectModuleError(res, label);
      expect(res.status, label).toBe(400);
      expect(res.body.message, label).toMatch(/code/i);
    }
    expect((await h.verifyMfa(browser, 'bad-code-user')).status).toBe(200);
  });

  it('the session cookie: empty, undecodable, quoted, forged, oversized, repeated: anonymous (401), never a 500', async () => {
    const cookies = [
      `${COOKIE}=`,
      `${COOKIE}=%`,
      `${COOKIE}="s:abc.def"`,
      `${COOKIE}=s%3A%ED%A0%80.sig`,
      `${COOKIE}=s:${'a'.repeat(4_000)}.${'b'.repeat(43)}`,
      `${COOKIE}=${'%25'.repeat(1_000)}`,
      `${COOKIE}=a; ${COOKIE}=b`,
      `__proto__=x; ${COOKIE}=s:x.y`,
    ];
    for (const cookie of cookies) {
      const res = await request(h.app.getHttpServer()).get('/me').set('X-Forwarded-Proto', 'https').set('Cookie', cookie);
      expectModuleError(res, cookie.slice(0, 60));
      expect(res.body.error).toBe('unauthenticated');
    }
  });

  it('revokeSession with a handle that is no handle: 404 not_found, never a 500', async () => {
    const browser = await h.loggedIn('bad-handle-user');
    for (const [handle, path] of [
      ['\ud800', '%ED%A0%80'],
      ['a\u0000b', 'a%00b'],
      ['x'.repeat(10_000), 'x'.repeat(10_000)],
      ['__proto__', '__proto__'],
      ['constructor', 'constructor'],
      ['*', '*'],
      ['{u:x}', '%7Bu%3Ax%7D'],
    ]) {
      // Through HTTP, a path Express cannot decode is refused before the module (the app's filter shapes it).
      const res = await browser.delete(`/api/sessions/${path}`);
      expect([400, 404], JSON.stringify(handle).slice(0, 40)).toContain(res.status);
      await expect(h.app.get(SessionService).revokeSession('bad-handle-user', handle)).rejects.toMatchObject({ status: 404 });
    }
    expect((await browser.get('/me')).status).toBe(200);
  });

  /** Logs `user` in, lists its sessions, enrols it, passes MFA, revokes everything. */
  async function fullCircle(user: string): Promise<void> {
    const label = JSON.stringify(user).slice(0, 40);
    const browser = await h.loggedIn(user);
    expect((await browser.get('/api/sessions')).status, label).toBe(200);
    await h.enrollMfa(user);
    const pending = await h.loggedIn(user);
    expect((await h.verifyMfa(pending, user)).status, label).toBe(200);
    expect(await h.app.get(SessionService).revokeAllSessions(user), label).toBe(2);
  }

  it('user IDs with a NUL byte, hash-tag braces or 1,000 characters: login, list, MFA and revoke-all work', async () => {
    for (const user of ['a\u0000b', '{u:}', 'z'.repeat(1_000)]) await fullCircle(user);
  });

  // Issue #12 (the lead's fix in lib/devices/redis-session-index.ts and lib/mfa/mfa-state-keys.ts):
  // kept apart so the rest of this file does not depend on it.
  it('user IDs with a lone surrogate: login, list, MFA and revoke-all work (issue #12)', async () => {
    for (const user of ['x\ud800', '\udc00y']) await fullCircle(user);
  });
});
