import type { Response } from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { BrowserClient } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';
import { ALICE, APP_ORIGIN, expectError, login, perTestHarness, sessionCookie, type SampleHarness } from './sample-harness.js';

const REFUSED: Array<[string, Record<string, string>]> = [
  ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' }],
  ['a foreign Origin', { Origin: 'https://evil.example' }],
  ['Origin: null', { Origin: 'null' }],
  ['a foreign Referer and no Origin', { Referer: 'https://evil.example/form.html' }],
  ['same-site from another origin', { 'Sec-Fetch-Site': 'same-site', Origin: 'https://blog.app.example.test' }],
];
const SAME_ORIGIN = { 'Sec-Fetch-Site': 'same-origin', Origin: APP_ORIGIN };

/**
 * One state-changing route, brought to where the request would succeed: `send` makes it,
 * `ok` is its success status, `unchanged` checks that refused attempts changed nothing (after
 * which the same request from the app's own origin must still succeed: a refused request
 * that had been carried out would have spent its code or ended its session).
 */
interface Armed {
  send(headers: Record<string, string>): Promise<Response>;
  ok: number;
  unchanged?(): Promise<void>;
}

type Route = [string, (sample: SampleHarness) => Promise<Armed>];

async function enrolled(sample: SampleHarness): Promise<{ client: BrowserClient; secret: string; recoveryCodes: string[] }> {
  const client = sample.client();
  await login(client, ALICE);
  return { client, ...(await sample.enrol(client)) };
}

async function pendingMfa(sample: SampleHarness) {
  const { recoveryCodes, secret } = await enrolled(sample);
  const client = sample.client();
  expect((await login(client, ALICE)).body.mfa).toBe('required');
  return { client, secret, recoveryCodes };
}

const ROUTES: Route[] = [
  [
    'POST /api/auth/login',
    async (sample) => {
      const client = sample.client();
      return { ok: 200, send: (h) => client.post('/api/auth/login', { username: ALICE.username, password: ALICE.password }, h) };
    },
  ],
  [
    'POST /api/auth/mfa/verify',
    async (sample) => {
      const { client, secret } = await pendingMfa(sample);
      const code = await sample.code(secret);
      return {
        ok: 200,
        send: (h) => client.post('/api/auth/mfa/verify', { code }, h),
        unchanged: async () => expectError(await client.get('/api/me'), 403, 'mfa_required'),
      };
    },
  ],
  [
    'POST /api/auth/mfa/recovery',
    async (sample) => {
      const { client, recoveryCodes } = await pendingMfa(sample);
      return {
        ok: 200,
        send: (h) => client.post('/api/auth/mfa/recovery', { code: recoveryCodes[0] }, h),
        unchanged: async () => expectError(await client.get('/api/me'), 403, 'mfa_required'),
      };
    },
  ],
  [
    'POST /api/auth/mfa/step-up',
    async (sample) => {
      const { client, secret } = await enrolled(sample);
      const code = await sample.code(secret);
      return { ok: 200, send: (h) => client.post('/api/auth/mfa/step-up', { code }, h) };
    },
  ],
  [
    'POST /api/auth/logout',
    async (sample) => {
      const client = sample.client();
      await login(client, ALICE);
      return {
        ok: 204,
        send: (h) => client.post('/api/auth/logout', undefined, h),
        unchanged: async () => expect((await client.get('/api/me')).status).toBe(200),
      };
    },
  ],
  [
    'POST /api/mfa/enroll',
    async (sample) => {
      const client = sample.client();
      await login(client, ALICE);
      return {
        ok: 200,
        send: (h) => client.post('/api/mfa/enroll', undefined, h),
        unchanged: async () =>
          expectError(await client.post('/api/mfa/enroll/confirm', { code: '123456' }), 400, 'enrollment_not_started'),
      };
    },
  ],
  [
    'POST /api/mfa/enroll/confirm',
    async (sample) => {
      const client = sample.client();
      await login(client, ALICE);
      const started = await client.post('/api/mfa/enroll');
      const code = await sample.code(new URL(started.body.otpauthUrl).searchParams.get('secret')!);
      return {
        ok: 200,
        send: (h) => client.post('/api/mfa/enroll/confirm', { code }, h),
        unchanged: async () => expect((await client.get('/api/me')).body.user.mfaEnrolled).toBe(false),
      };
    },
  ],
  [
    'POST /api/mfa/recovery-codes',
    async (sample) => {
      const { client, recoveryCodes } = await enrolled(sample);
      return {
        ok: 200,
        send: (h) => client.post('/api/mfa/recovery-codes', undefined, h),
        // The old set still works: nothing was regenerated.
        unchanged: async () => {
          const other = sample.client();
          await login(other, ALICE);
          expect((await other.post('/api/auth/mfa/recovery', { code: recoveryCodes[1] })).status).toBe(200);
        },
      };
    },
  ],
  [
    'DELETE /api/mfa',
    async (sample) => {
      const { client } = await enrolled(sample);
      return {
        ok: 204,
        send: (h) => client.delete('/api/mfa', h),
        unchanged: async () => expect((await client.get('/api/me')).body.user.mfaEnrolled).toBe(true),
      };
    },
  ],
  [
    'DELETE /api/sessions/:id',
    async (sample) => {
      const client = sample.client();
      const other = sample.client();
      await login(client, ALICE);
      await login(other, ALICE);
      const handle = (await client.get('/api/sessions')).body.find((s: { current: boolean }) => !s.current).id;
      return {
        ok: 204,
        send: (h) => client.delete(`/api/sessions/${handle}`, h),
        unchanged: async () => expect((await other.get('/api/me')).status).toBe(200),
      };
    },
  ],
  [
    'POST /api/sessions/revoke-others',
    async (sample) => {
      const client = sample.client();
      const other = sample.client();
      await login(client, ALICE);
      await login(other, ALICE);
      return {
        ok: 204,
        send: (h) => client.post('/api/sessions/revoke-others', undefined, h),
        unchanged: async () => expect((await other.get('/api/me')).status).toBe(200),
      };
    },
  ],
];

describe.each(STORES)('T19 sample: every state-changing route refuses cross-site requests on $name', (store) => {
  const harness = perTestHarness(store, 'sample-csrf-routes');
  let sample: SampleHarness;
  beforeEach(async () => {
    sample = harness();
    await sample.start({}, { clock: true });
  });

  it('the table covers all 11 state-changing routes of docs/SAMPLE-HTTP.md', () => {
    expect(ROUTES.map(([name]) => name)).toHaveLength(11);
  });

  it.each(ROUTES)('%s: 403 csrf for each cross-site form, nothing changes, the same request from APP_ORIGIN then succeeds', async (_name, arm) => {
    const route = await arm(sample);
    for (const [label, headers] of REFUSED) {
      const res = await route.send(headers);
      expectError(res, 403, 'csrf');
      expect(sessionCookie(res), label).toBeUndefined();
      expect(res.headers['clear-site-data'], label).toBeUndefined();
    }
    await route.unchanged?.();
    expect((await route.send(SAME_ORIGIN)).status).toBe(route.ok);
  });
});
