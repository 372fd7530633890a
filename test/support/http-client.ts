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
 * plain-HTTP test socket) and marks every request as HTTPS through a trusted proxy header.
 */
export class BrowserClient {
  readonly jar = new Map<string, string>();

  constructor(
    private readonly app: INestApplication,
    private readonly https = true,
  ) {}

  get(path: string): Test {
    return this.prepare(request(this.app.getHttpServer()).get(path));
  }

  post(path: string, body?: object): Test {
    const test = this.prepare(request(this.app.getHttpServer()).post(path));
    return body === undefined ? test : test.send(body);
  }

  delete(path: string): Test {
    return this.prepare(request(this.app.getHttpServer()).delete(path));
  }

  /** The current value of a cookie in the jar. */
  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  /** Keeps Set-Cookie updates; call with each response (done automatically by `send`). */
  absorb(res: Response): Response {
    for (const cookie of setCookies(res)) {
      const expires = cookie.attributes['expires'];
      const expired = typeof expires === 'string' && Date.parse(expires) <= Date.now();
      if (expired || cookie.attributes['max-age'] === '0') this.jar.delete(cookie.name);
      else this.jar.set(cookie.name, cookie.value);
    }
    return res;
  }

  private prepare(test: Test): Test {
    if (this.https) test.set('X-Forwarded-Proto', 'https');
    if (this.jar.size > 0) test.set('Cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const then = test.then.bind(test);
    // Absorb cookies on every awaited response, like a browser would.
    test.then = ((resolve, reject) =>
      then((res: Response) => resolve?.(this.absorb(res)), reject)) as Test['then'];
    return test;
  }
}
