import type { Response } from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { UserRepository } from '../../../sample/users/user.repository.js';
import { connectTestRedis, STORES } from '../../support/stores.js';
import { ALICE, login, perTestHarness, secretOf, type SampleHarness } from './sample-harness.js';

/** Every way the secret could be written in a response: as issued, lower-case, or percent-encoded. */
function leaks(res: Response, secret: string): boolean {
  const text = `${JSON.stringify(res.headers)}\n${res.text ?? ''}`;
  return [secret, secret.toLowerCase(), encodeURIComponent(secret)].some((form) => text.includes(form));
}

describe.each(STORES)('T15 sample: the TOTP secret is never shown again after confirm on $name', (store) => {
  const harness = perTestHarness(store, 'sample-secret');
  let sample: SampleHarness;
  beforeEach(async () => {
    sample = harness();
    await sample.start({}, { clock: true });
  });

  it('no route returns it: login, verify, recovery, step-up, me, regenerate, re-enrol, pages, logout', async () => {
    const client = sample.client();
    const responses: Array<[string, Response]> = [];
    const keep = async (label: string, pending: Promise<Response>) => {
      const res = await pending;
      responses.push([label, res]);
      return res;
    };
    await login(client, ALICE);
    const started = await client.post('/api/mfa/enroll');
    const secret = secretOf(started.body.otpauthUrl);
    const confirmed = await keep(
      'confirm',
      client.post('/api/mfa/enroll/confirm', { code: await sample.code(secret) }),
    );
    expect(confirmed.status).toBe(200);
    sample.clock!.advance(30_000);

    await keep('me', client.get('/api/me'));
    const regenerated = await keep('regenerate', client.post('/api/mfa/recovery-codes'));
    await keep('logout', client.post('/api/auth/logout'));
    await keep('login', login(client, ALICE));
    await keep('verify', client.post('/api/auth/mfa/verify', { code: await sample.code(secret) }));
    sample.clock!.advance(30_000);
    await keep('step-up', client.post('/api/auth/mfa/step-up', { code: await sample.code(secret) }));
    for (const path of ['/', '/login', '/mfa', '/dashboard', '/mfa/enroll']) await keep(path, client.get(path));
    const pending = sample.client();
    await login(pending, ALICE);
    await keep('recovery', pending.post('/api/auth/mfa/recovery', { code: regenerated.body.recoveryCodes[0] }));
    // Re-enrolling (after step-up) shows a NEW secret, never the current one.
    const again = await keep('re-enrol', client.post('/api/mfa/enroll'));
    expect(again.status).toBe(200);
    expect(secretOf(again.body.otpauthUrl)).not.toBe(secret);

    expect(responses.length).toBeGreaterThan(10);
    for (const [label, res] of responses) {
      expect(res.status, label).toBeLessThan(400);
      expect(leaks(res, secret), label).toBe(false);
    }
  });

  it('at rest the secret is encrypted: the user record holds a v1 envelope, the session store never the plain secret', async () => {
    const client = sample.client();
    await login(client, ALICE);
    const secret = secretOf((await client.post('/api/mfa/enroll')).body.otpauthUrl);
    const pendingKeys = await storedValues(sample);
    expect((await client.post('/api/mfa/enroll/confirm', { code: await sample.code(secret) })).status).toBe(200);
    const enrolment = await sample.app.get(UserRepository).find(ALICE.id);
    expect(enrolment!.secret).toMatch(/^v1\.[A-Za-z0-9_-]+\./);
    expect(enrolment!.secret).not.toContain(secret);
    for (const value of [...pendingKeys, ...(await storedValues(sample))]) expect(value).not.toContain(secret);
  });
});

/** Every value under the harness's Redis prefix (none with the embedded store). */
async function storedValues(sample: SampleHarness): Promise<string[]> {
  const redis = await connectTestRedis();
  try {
    const values: string[] = [];
    for await (const keys of redis.scanIterator({ MATCH: `${sample.prefix}*`, COUNT: 500 })) {
      for (const key of keys) {
        const type = await redis.type(key);
        if (type === 'string') values.push((await redis.get(key)) ?? '');
        else if (type === 'hash') values.push(JSON.stringify(await redis.hGetAll(key)));
      }
    }
    return values;
  } finally {
    await redis.close();
  }
}
