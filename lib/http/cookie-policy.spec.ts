import express, { type Request, type Response } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { expireSessionCookie, sessionCookieOptions } from './cookie-policy.js';

type CookieSettings = Pick<ResolvedSessionOptions, 'cookie'>;

const strict: CookieSettings = { cookie: { name: '__Host-sid', sameSite: 'lax', secure: true } };
const insecureDev: CookieSettings = { cookie: { name: 'sid', sameSite: 'strict', secure: 'auto' } };

/** The Set-Cookie lines a real Express response carries after expireSessionCookie(). */
async function expiringSetCookie(settings: CookieSettings, https: boolean): Promise<string[]> {
  const app = express();
  app.set('trust proxy', 'loopback');
  app.post('/logout', (req: Request, res: Response) => {
    expireSessionCookie(req, res, settings);
    res.status(204).end();
  });
  const test = request(app).post('/logout');
  if (https) test.set('X-Forwarded-Proto', 'https');
  const res = await test;
  return res.headers['set-cookie'] as unknown as string[];
}

describe('sessionCookieOptions', () => {
  it('is HttpOnly, Path=/, SameSite as configured, Secure, with no Domain, Expires or Max-Age', () => {
    expect(sessionCookieOptions(strict)).toEqual({ httpOnly: true, path: '/', sameSite: 'lax', secure: true });
  });

  it('passes "auto" Secure through for allowInsecureHttp (Secure whenever the request is HTTPS)', () => {
    expect(sessionCookieOptions(insecureDev)).toEqual({
      httpOnly: true,
      path: '/',
      sameSite: 'strict',
      secure: 'auto',
    });
  });
});

describe('expireSessionCookie', () => {
  it('expires the cookie with the name and attributes it was set with', async () => {
    const lines = await expiringSetCookie(strict, true);
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatch(/^__Host-sid=;/);
    expect(line).toContain('Path=/');
    expect(line).toContain('HttpOnly');
    expect(line).toContain('Secure');
    expect(line).toContain('SameSite=Lax');
    expect(line).not.toMatch(/Domain=/i);
    const expires = /Expires=([^;]+)/.exec(line!)?.[1];
    expect(Date.parse(expires!)).toBeLessThanOrEqual(Date.now());
  });

  it('keeps Secure on a strict cookie even when the request looks like plain HTTP', async () => {
    const [line] = await expiringSetCookie(strict, false);
    expect(line).toContain('Secure');
  });

  it('with allowInsecureHttp, Secure follows the request, as when the cookie was set', async () => {
    const [overHttp] = await expiringSetCookie(insecureDev, false);
    expect(overHttp).toMatch(/^sid=;/);
    expect(overHttp).not.toContain('Secure');
    expect(overHttp).toContain('SameSite=Strict');
    const [overHttps] = await expiringSetCookie(insecureDev, true);
    expect(overHttps).toContain('Secure');
  });
});
