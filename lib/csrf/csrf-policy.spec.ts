import { describe, expect, it } from 'vitest';
import { csrfRefusal, type CsrfPolicy, type RequestProvenance } from './csrf-policy.js';

const APP = 'https://app.example.test';
const configured: CsrfPolicy = { allowedOrigins: new Set([APP]), ownOrigin: () => undefined, requireOrigin: false };
const ownOnly: CsrfPolicy = { allowedOrigins: undefined, ownOrigin: () => APP, requireOrigin: false };

function post(headers: Partial<RequestProvenance> = {}): RequestProvenance {
  return {
    method: 'POST',
    origin: undefined,
    referer: undefined,
    fetchSite: undefined,
    bearer: false,
    sessionCookie: true,
    ...headers,
  };
}

describe('csrfRefusal', () => {
  it.each(['GET', 'HEAD', 'OPTIONS'])('lets a %s through, whatever it says about its origin', (method) => {
    expect(csrfRefusal(post({ method, origin: 'https://evil.example', fetchSite: 'cross-site' }), configured)).toBeUndefined();
  });

  it.each([
    ['an allowed Origin', { origin: APP }],
    ['an allowed Origin, same-origin', { origin: APP, fetchSite: 'same-origin' }],
    ['an allowed Origin, same-site', { origin: APP, fetchSite: 'same-site' }],
    ['no Origin, a Referer on an allowed origin', { referer: `${APP}/dashboard?x=1` }],
    ['no Origin, no Referer, same-origin', { fetchSite: 'same-origin' }],
    ['no header at all (not a browser)', {}],
    ['a bearer token and no session cookie, even cross-site', { bearer: true, sessionCookie: false, fetchSite: 'cross-site', origin: 'https://evil.example' }],
  ])('passes %s', (_label, headers) => {
    expect(csrfRefusal(post(headers), configured)).toBeUndefined();
  });

  it.each([
    ['Sec-Fetch-Site: cross-site', { fetchSite: 'cross-site' }, /cross-site/],
    ['cross-site with an allowed Origin', { fetchSite: 'cross-site', origin: APP }, /cross-site/],
    ['same-site from another origin', { fetchSite: 'same-site', origin: 'https://blog.example.test' }, /same-site/],
    ['same-site without any origin', { fetchSite: 'same-site' }, /same-site/],
    ['a foreign Origin', { origin: 'https://evil.example' }, /Origin does not match/],
    ['a foreign Origin saying same-origin', { origin: 'https://evil.example', fetchSite: 'same-origin' }, /Origin/],
    ['Origin: null', { origin: 'null' }, /opaque/],
    ['the allowed host over http', { origin: 'http://app.example.test' }, /Origin/],
    ['a repeated Origin', { origin: `${APP}, ${APP}` }, /Origin/],
    ['a foreign Referer', { referer: 'https://evil.example/page' }, /Referer does not match/],
    ['a Referer that is no URL', { referer: 'not a url' }, /not a URL/],
    ['a data: Referer (opaque)', { referer: 'data:text/html,x' }, /not a URL/],
    ['a Sec-Fetch-Site browsers never send', { fetchSite: 'cross-site, same-origin', origin: APP }, /never send/],
    ['a bearer token beside the session cookie', { bearer: true, origin: 'https://evil.example' }, /Origin/],
  ])('refuses %s', (_label, headers, reason) => {
    expect(csrfRefusal(post(headers), configured)).toMatch(reason);
  });

  it('without configured origins, compares with the request\'s own origin', () => {
    expect(csrfRefusal(post({ origin: APP }), ownOnly)).toBeUndefined();
    expect(csrfRefusal(post({ origin: 'https://evil.example' }), ownOnly)).toMatch(/Origin/);
    expect(csrfRefusal(post({ origin: APP }), { ...ownOnly, ownOrigin: () => undefined })).toMatch(/Origin/);
  });

  it('requireOrigin refuses a cookie-carrying state change with no provenance at all, and only that', () => {
    const strict = { ...configured, requireOrigin: true };
    expect(csrfRefusal(post(), strict)).toMatch(/must say where it comes from/);
    expect(csrfRefusal(post({ sessionCookie: false }), strict)).toBeUndefined();
    expect(csrfRefusal(post({ origin: APP }), strict)).toBeUndefined();
    expect(csrfRefusal(post({ fetchSite: 'same-origin' }), strict)).toBeUndefined();
  });
});
