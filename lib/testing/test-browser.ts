import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Response, Test } from 'supertest';
import { setCookies } from './set-cookie.js';

/** How a {@link TestBrowser} sends its requests. */
export interface TestBrowserOptions {
  /**
   * Marks every request as HTTPS with `X-Forwarded-Proto: https`, so the module issues its
   * `Secure` (`__Host-`) cookie over the plain-HTTP test socket. The app must trust the proxy
   * (`app.set('trust proxy', 1)` on Express). Set false to test plain HTTP.
   * @default true
   */
  https?: boolean;
  /** Headers sent with every request (a request's own headers win), such as a `User-Agent`. */
  headers?: Record<string, string>;
}

/**
 * A browser-like HTTP client for a Nest app under test, on supertest (an optional peer:
 * install `supertest`, and `@types/supertest` for TypeScript). It keeps its own cookie jar
 * (supertest's agent drops `Secure` cookies over the plain-HTTP test socket): every response's
 * `Set-Cookie` updates it, expired cookies leave it, and every request sends it.
 *
 * ```ts
 * const browser = new TestBrowser(app);
 * await browser.post('/login', { username: 'alice', password: 'pw' });
 * expect((await browser.get('/me')).status).toBe(200);
 * ```
 */
export class TestBrowser {
  /** The cookies the browser holds: name to value. */
  readonly jar = new Map<string, string>();

  constructor(
    protected readonly app: INestApplication,
    protected readonly options: TestBrowserOptions = {},
  ) {}

  /** Sends a GET with the jar's cookies; the response's Set-Cookie updates the jar. */
  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(this.request().get(path), headers);
  }

  /** Sends a POST, with `body` as JSON when given. */
  post(path: string, body?: object, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(withBody(this.request().post(path), body), headers);
  }

  /** Sends a PUT, with `body` as JSON when given. */
  put(path: string, body?: object, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(withBody(this.request().put(path), body), headers);
  }

  /** Sends a PATCH, with `body` as JSON when given. */
  patch(path: string, body?: object, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(withBody(this.request().patch(path), body), headers);
  }

  /** Sends a DELETE. */
  delete(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(this.request().delete(path), headers);
  }

  /** The current value of a cookie in the jar. */
  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  /** A second browser holding a copy of this one's cookies and options (a stolen cookie, a second tab). */
  clone(): TestBrowser {
    return this.copyCookiesTo(new TestBrowser(this.app, this.options));
  }

  /** Copies this browser's cookies into `other` (for subclasses' {@link clone}); returns `other`. */
  protected copyCookiesTo<B extends TestBrowser>(other: B): B {
    for (const [name, value] of this.jar) other.jar.set(name, value);
    return other;
  }

  private request() {
    return request(this.app.getHttpServer());
  }

  private async send(test: Test, headers: Record<string, string>): Promise<Response> {
    if (this.options.https ?? true) test.set('X-Forwarded-Proto', 'https');
    if (this.jar.size > 0) test.set('Cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    for (const [name, value] of Object.entries({ ...this.options.headers, ...headers })) test.set(name, value);
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

function withBody(test: Test, body: object | undefined): Test {
  return body === undefined ? test : test.send(body);
}
