import { describe, expect, it } from 'vitest';
import { SessionOptionsError } from '../errors/session-options.error.js';
import { resolveCsrfOptions, type CsrfOptions } from './csrf-options.js';

function resolve(csrf: CsrfOptions | false | undefined) {
  const warnings: string[] = [];
  const resolved = resolveCsrfOptions(csrf, { warn: (message) => warnings.push(message) });
  return { resolved, warnings };
}

describe('resolveCsrfOptions', () => {
  it('is on by default, comparing with the request\'s own origin, without a warning', () => {
    expect(resolve(undefined)).toEqual({ resolved: { allowedOrigins: undefined, requireOrigin: false }, warnings: [] });
  });

  it('normalises the allowed origins as browsers write Origin', () => {
    const { resolved } = resolve({ allowedOrigins: ['https://App.Example.test/', 'http://localhost:3000'] });
    expect(resolved && [...resolved.allowedOrigins!]).toEqual(['https://app.example.test', 'http://localhost:3000']);
  });

  it('false turns the check off, with a warning', () => {
    const { resolved, warnings } = resolve(false);
    expect(resolved).toBe(false);
    expect(warnings).toEqual([expect.stringMatching(/^csrf is false/)]);
  });

  it.each([
    ['a path', ['https://app.example.test/app']],
    ['the opaque origin', ['null']],
    ['another scheme', ['ftp://app.example.test']],
    ['no scheme', ['app.example.test']],
    ['credentials', ['https://user@app.example.test']],
    ['not a string', [42]],
    ['an empty list', []],
  ])('refuses allowedOrigins with %s', (_label, allowedOrigins) => {
    expect(() => resolve({ allowedOrigins: allowedOrigins as string[] })).toThrow(SessionOptionsError);
  });

  it('names every bad origin and a bad requireOrigin in one error', () => {
    let error: unknown;
    try {
      resolveCsrfOptions({ allowedOrigins: ['ftp://x', 'https://ok.example', 'https://a/b'], requireOrigin: 'yes' as never }, { warn: () => undefined });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SessionOptionsError);
    expect((error as SessionOptionsError).problems).toHaveLength(3);
  });

  it('refuses a requireOrigin that is not a boolean and a csrf that is not an object', () => {
    expect(() => resolve({ requireOrigin: 'yes' as unknown as boolean })).toThrow(/requireOrigin/);
    expect(() => resolve(true as unknown as CsrfOptions)).toThrow(/csrf must be/);
  });
});
