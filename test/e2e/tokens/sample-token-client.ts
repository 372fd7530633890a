import type { NestExpressApplication } from '@nestjs/platform-express';
import request, { type Response } from 'supertest';
import { expect } from 'vitest';
import type { BrowserClient } from '../../support/http-client.js';
import { expectError } from '../sample/sample-harness.js';

/** A bearer request without any cookie, as an API client sends it. */
export function bearerGet(app: NestExpressApplication, path: string, token: string): Promise<Response> {
  return request(app.getHttpServer()).get(path).set('X-Forwarded-Proto', 'https').set('Authorization', `Bearer ${token}`);
}

/** 401 `invalid_token` with RFC 6750's challenge. */
export function expectInvalidToken(res: Response): void {
  expectError(res, 401, 'invalid_token');
  expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
}

export function expectSessionEnded(res: Response): void {
  expectError(res, 401, 'session_ended');
  expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
}

export async function tokenFor(client: BrowserClient): Promise<string> {
  const res = await client.post('/api/tokens');
  expect(res.status).toBe(200);
  return res.body.accessToken as string;
}

