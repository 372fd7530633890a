import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSoakApp } from '../../../soak/app/main.js';
import { soakPassword, soakUsername } from '../../../soak/app/soak-users.js';
import { BrowserClient } from '../../support/http-client.js';
import { APP_ORIGIN, expectError, sampleConfig } from '../sample/sample-harness.js';
import { STORES } from '../../support/stores.js';

/** The soak's one route of its own, PUT/GET /api/soak/data, under malformed input: 4xx JSON or data kept as data, never a 5xx. */
describe('soak app: /api/soak/data under malformed input', () => {
  const memory = STORES.find((s) => s.name === 'memory')!;
  const usersDir = mkdtempSync(path.join(tmpdir(), 'soak-users-'));
  let app: NestExpressApplication;
  let client: BrowserClient;

  beforeAll(async () => {
    app = await createSoakApp(sampleConfig(memory, 'soak-input', { APP_ORIGIN }), { usersDir, userCount: 1 });
    await app.init();
    client = new BrowserClient(app);
    const username = soakUsername(0);
    expect((await client.post('/api/auth/login', { username, password: soakPassword(username) })).status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    rmSync(usersDir, { recursive: true, force: true });
  });

  it.each([
    ['a lone surrogate key', { key: '\ud800', value: 'v' }, 'key'],
    ['a lone surrogate value', { key: 'k', value: 'v\udfff' }, 'value'],
    ['a number', { key: 'k', value: 1 }, 'value'],
    ['an array', { key: ['k'], value: 'v' }, 'key'],
    ['null', { key: 'k', value: null }, 'value'],
    ['an object', { key: { toString: 'x' }, value: 'v' }, 'key'],
    ['an empty key', { key: '', value: 'v' }, 'key'],
    ['a too long value', { key: 'k', value: 'x'.repeat(129) }, 'value'],
  ])('%s is 400 invalid_request naming the field', async (_label, body, field) => {
    const res = await client.put('/api/soak/data', body);
    expectError(res, 400, 'invalid_request');
    expect(res.body.message).toContain(field);
  });

  it('a 1 MB body is 413 JSON, not a 5xx', async () => {
    const res = await client.put('/api/soak/data', { key: 'k', value: 'x'.repeat(1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual(expect.any(String));
  });

  it('`__proto__`, `constructor` and NUL keys are stored and read back as plain data', async () => {
    for (const key of ['__proto__', 'constructor', 'a\u0000b']) {
      expect((await client.put('/api/soak/data', { key, value: `v-${key.length}` })).status).toBe(200);
    }
    const read = await client.get('/api/soak/data');
    expect(read.status).toBe(200);
    const data = read.body.data as Record<string, unknown>;
    expect(Object.getOwnPropertyNames(data).sort()).toEqual(['__proto__', 'a\u0000b', 'constructor']);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });
});
