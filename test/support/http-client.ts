import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Response, Test } from 'supertest';

export interface ParsedCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
  raw: string;
}

/** Parses one Set-Cookie header line into name, value and attributes (names lower-cased). */
export function parseSetCookie(raw: string): ParsedCookie {
  const [pair, ...parts] = raw.split(';');
  const eq = pair!.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const part of parts) {
    const [key, ...rest] = part.trim().split('=');
    attributes[key!.toLowerCase()] = rest.length ? rest.join('=') : true;
  }
  return { name: pair!.slice(0, eq).trim(), value: pair!.slice(eq + 1).trim(), attributes, raw };
}

export function setCookies(res: Response): ParsedCookie[] {
  const header = res.headers['set-cookie'] as string[] | string | undefined;
  const lines = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return lines.map(parseSetCookie);
}

/**
 * A browser-like client: keeps its own cookie jar (supertest's drops Secure cookies over the
 * plain-HTTP test socket) and marks every request as HTTPS through a trusted proxy header
 * (the fixture apps set `trust proxy`). Every response's Set-Cookie updates the jar.
 */
export class BrowserClient {
  readonly jar = new Map<string, string>();

  constructor(
    protected readonly app: INestApplication,
    private readonly https = true,
  ) {}

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(request(this.app.getHttpServer()).get(path), headers);
  }

  post(path: string, body?: object, headers: Record<string, string> = {}): Promise<Response> {
    const test = request(this.app.getHttpServer()).post(path);
    return this.send(body === undefined ? test : test.send(body), headers);
  }

  delete(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(request(this.app.getHttpServer()).delete(path), headers);
  }

  /** The current value of a cookie in the jar. */
  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  /** A second client holding a copy of this one's cookies (a stolen cookie, a second tab). */
  clone(): BrowserClient {
    const copy = new BrowserClient(this.app, this.https);
    for (const [name, value] of this.jar) copy.jar.set(name, value);
    return copy;
  }

  private async send(test: Test, headers: Record<string, string>): Promise<Response> {
    if (this.https) test.set('X-Forwarded-Proto', 'https');
    if (this.jar.size > 0) test.set('Cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    for (const [name, value] of Object.entries(headers)) test.set(name, value);
    const res = await test;
    this.absorb(res);
    return res;
  }

  private absorb(res: Response): void {
    for (const cookie of setCookies(res)) {
      const expires = cookie.attributes['expires'];
      const expired = typeof expires === 'string' && Date.parse(expires) <= Date.now();
      if (expired || cookie.attributes['max-age'] === '0') this.jar.delete(cookie.name);
      else this.jar.set(cookie.name, cookie.value);
    }
  }
}
