import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserClient } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';
import { ALICE, BOB, expectError, login, SampleHarness, sessionCookie } from './sample-harness.js';

/** JSON text nesting `depth` arrays or objects: under the 16 KB body limit, deeper than a recursive copy survives. */
const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const DEEP_VALUES: Array<[string, string]> = [
  ['7,000 nested arrays', nestedArrays(7_000)],
  ['2,500 nested objects', nestedObjects(2_500)],
];

/**
 * The sample's bodies are DTOs under one ValidationPipe (sample/http/validation/). These are the
 * answers that depend on how that pipe is set up, beyond the field rules the other sample specs
 * cover: a deeply nested value is a 400 naming its field (class-transformer's recursive copy,
 * the pipe's default, overflows the stack on it: a 500), undeclared fields are dropped unread,
 * and lengths count UTF-16 code units as the contract's limits always did.
 */
describe.each(STORES)('sample: request bodies as DTOs under the ValidationPipe on $name', (store) => {
  const sample = new SampleHarness(store, 'sample-dto');
  /** bob, TOTP enrolled and fully logged in (the code routes read their body behind guards). */
  let bob: BrowserClient;

  beforeAll(async () => {
    await sample.start({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000', LOGIN_MAX_FAILURES_PER_IP: '1000' }, { clock: true });
    const enrolling = sample.client();
    await login(enrolling, BOB);
    const { secret } = await sample.enrol(enrolling);
    bob = await sample.fullyLoggedIn(BOB, secret);
  });

  afterAll(async () => {
    await sample.stop();
    await sample.cleanUp();
  });

  it('a deeply nested field value is 400 naming the field, never a 500', async () => {
    const problems: string[] = [];
    const cases: Array<[string, BrowserClient, (value: string) => string, string]> = [
      ['/api/auth/login', sample.client(), (v) => `{"username":${v},"password":"x"}`, 'username'],
      ['/api/auth/login', sample.client(), (v) => `{"username":"alice","password":${v}}`, 'password'],
      ['/api/auth/mfa/step-up', bob, (v) => `{"code":${v}}`, 'code'],
      ['/api/auth/mfa/recovery', bob, (v) => `{"code":${v}}`, 'code'],
      ['/api/mfa/enroll/confirm', bob, (v) => `{"code":${v}}`, 'code'],
    ];
    for (const [path, client, body, field] of cases) {
      for (const [label, value] of DEEP_VALUES) {
        const res = await sample.postRaw(client, path, 'application/json', body(value));
        if (res.status !== 400 || res.body.error !== 'invalid_request' || !String(res.body.message).includes(field)) {
          problems.push(`${path} ${field} = ${label}: ${res.status} ${JSON.stringify(res.body)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('a deeply nested passkey credential reaches PasskeyService and is its 400, never a 500', async () => {
    const problems: string[] = [];
    for (const [label, value] of DEEP_VALUES) {
      const res = await sample.postRaw(sample.client(), '/api/auth/passkey', 'application/json', `{"credential":${value}}`);
      if (res.status !== 400 || res.body.error !== 'invalid_request') problems.push(`${label}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    expect(problems).toEqual([]);
  });

  it('fields a DTO does not declare are dropped unread, deep or prototype-named: the login goes through', async () => {
    const extras = [
      `"remember":true`,
      `"extra":${nestedArrays(7_000)}`,
      `"__proto__":{"admin":true}`,
      `"constructor":{"prototype":{"admin":true}}`,
      `"prototype":{"admin":true}`,
      `"toString":1,"hasOwnProperty":2`,
    ];
    for (const extra of extras) {
      const client = sample.client();
      const res = await sample.postRaw(client, '/api/auth/login', 'application/json', `{"username":"alice","password":"alice-password",${extra}}`);
      expect([extra.slice(0, 40), res.status, res.body.user]).toEqual([extra.slice(0, 40), 200, { id: ALICE.id, username: ALICE.username }]);
      expect(sessionCookie(res)).toBeDefined();
      expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
    }
  });

  it('lengths count UTF-16 code units: 600 emoji (1,200 units) is over the 1,024 of a password', async () => {
    const res = await sample.client().post('/api/auth/login', { username: 'alice', password: '\u{1F600}'.repeat(600) });
    expectError(res, 400, 'invalid_request');
    expect(res.body.message).toBe('password must be at most 1024 characters.');
  });

  it('the first broken rule of the first field in the DTO is the one named', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'username must be a non-empty string.'],
      [{ username: 'alice' }, 'password must be a non-empty string.'],
      [{ username: 'x'.repeat(129), password: 1 }, 'username must be at most 128 characters.'],
      [{ username: '\ud800', password: 1 }, 'username must be well-formed Unicode text.'],
      [{ username: 'alice', password: 'x\udc00' }, 'password must be well-formed Unicode text.'],
    ];
    for (const [body, message] of cases) {
      const res = await sample.client().post('/api/auth/login', body as object);
      expect([JSON.stringify(body).slice(0, 40), res.status, res.body]).toEqual([
        JSON.stringify(body).slice(0, 40),
        400,
        { error: 'invalid_request', message },
      ]);
    }
  });
});
