import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BrowserClient } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';
import { ALICE, codeAt, enrolMfa, expectError, login, SampleHarness, sessionCookie } from './sample-harness.js';

/** Codes that are not 6 ASCII digits: too short, too long, Arabic-Indic and fullwidth digits, padded, a number. */
const MALFORMED_CODES: Array<[string, unknown]> = [
  ['5 digits', '12345'],
  ['7 digits', '1234567'],
  ['Arabic-Indic digits', '١٢٣٤٥٦'],
  ['fullwidth digits', '１２３４５６'],
  ['a trailing newline', '123456\n'],
  ['spaces', '123 456'],
  ['a number', 123456],
  ['null', null],
];

describe.each(STORES)('sample API: malformed input is 400 invalid_request on $name', (store) => {
  const sample = new SampleHarness(store, 'sample-input');
  beforeEach(() => sample.start());
  afterEach(() => sample.stop());
  afterAll(() => sample.cleanUp());

  /** The error names the field at fault. */
  function expectInvalid(res: Awaited<ReturnType<BrowserClient['post']>>, field?: string, label?: string): void {
    expect(res.status, label).toBe(400);
    expectError(res, 400, 'invalid_request');
    if (field) expect(res.body.message, label).toContain(field);
    expect(sessionCookie(res)).toBeUndefined();
  }

  it('login: broken JSON, a JSON array, an empty body', async () => {
    const client = sample.client();
    expectInvalid(await sample.postRaw(client, '/api/auth/login', 'application/json', '{"username": "alice", "pass'));
    expectInvalid(await sample.postRaw(client, '/api/auth/login', 'application/json', '["alice", "alice-password"]'));
    expectInvalid(await sample.postRaw(client, '/api/auth/login', 'application/json', ''));
  });

  it('login: JSON sent as text/plain or a urlencoded form is refused (what a cross-site form can send)', async () => {
    const client = sample.client();
    const json = JSON.stringify({ username: ALICE.username, password: ALICE.password });
    expectInvalid(await sample.postRaw(client, '/api/auth/login', 'text/plain', json));
    const form = 'username=alice&password=alice-password';
    expectInvalid(await sample.postRaw(client, '/api/auth/login', 'application/x-www-form-urlencoded', form));
  });

  it('login: missing, empty or wrongly typed fields name the field', async () => {
    const client = sample.client();
    expectInvalid(await client.post('/api/auth/login', { username: 'alice' }), 'password');
    expectInvalid(await client.post('/api/auth/login', { password: 'alice-password' }), 'username');
    expectInvalid(await client.post('/api/auth/login', { username: '', password: 'x' }), 'username');
    expectInvalid(await client.post('/api/auth/login', { username: 42, password: 'alice-password' }), 'username');
    expectInvalid(await client.post('/api/auth/login', { username: 'alice', password: ['alice-password'] }), 'password');
    expectInvalid(await client.post('/api/auth/login', { username: 'alice', password: 'x'.repeat(5_000) }), 'password');
  });

  it('a body over the limit is 413 payload_too_large, not a 500', async () => {
    const res = await sample.client().post('/api/auth/login', { username: 'alice', password: 'x'.repeat(20_000) });
    expectError(res, 413, 'payload_too_large');
  });

  it('an unsupported charset is a 4xx with our error shape, not a 500', async () => {
    const res = await sample.postRaw(sample.client(), '/api/auth/login', 'application/json; charset=ebcdic', '{}');
    expect(res.status).toBe(415);
    expect(Object.keys(res.body).sort()).toEqual(['error', 'message']);
  });

  it('verify: each malformed code is 400 naming `code`; the session stays pending and the right code works after', async () => {
    const client = sample.client();
    await login(client, ALICE);
    const secret = await enrolMfa(client);
    await login(client, ALICE);
    for (const [label, code] of MALFORMED_CODES) {
      expectInvalid(await client.post('/api/auth/mfa/verify', { code }), 'code', label);
    }
    expectInvalid(await client.post('/api/auth/mfa/verify', {}), 'code');
    expectInvalid(await sample.postRaw(client, '/api/auth/mfa/verify', 'text/plain', '{"code":"123456"}'));
    expectError(await client.get('/api/me'), 403, 'mfa_required');
    expect((await client.post('/api/auth/mfa/verify', { code: await codeAt(secret) })).status).toBe(200);
  });

  it('confirm: malformed codes are 400 naming `code`; the enrolment stays pending', async () => {
    const client = sample.client();
    await login(client, ALICE);
    const started = await client.post('/api/mfa/enroll');
    for (const [label, code] of MALFORMED_CODES) {
      expectInvalid(await client.post('/api/mfa/enroll/confirm', { code }), 'code', label);
    }
    expectInvalid(await sample.postRaw(client, '/api/mfa/enroll/confirm', 'text/plain', '{"code":"123456"}'));
    const secret = new URL(started.body.otpauthUrl).searchParams.get('secret')!;
    expect((await client.post('/api/mfa/enroll/confirm', { code: await codeAt(secret) })).status).toBe(200);
  });
});
