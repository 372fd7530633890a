import { describe, expect, it } from 'vitest';
import { SessionOptionsError } from '../errors/session-options.error.js';
import { resolveSessionOptions } from '../options/resolve-session-options.js';
import { SESSION_DEFAULTS } from '../options/session-defaults.js';
import type { SessionModuleOptions } from '../options/session-module-options.interface.js';
import { resolveOidcOptions, type OidcOptions } from './oidc-options.js';

const GOOD: OidcOptions = { issuer: 'https://idp.example.com', clientId: 'app', redirectUri: 'https://app.example.com/cb' };
const SECRET = 'a-secret-of-at-least-thirty-two-bytes-0123456789';

function resolve(oidc: unknown, production = false) {
  const warnings: string[] = [];
  const resolved = resolveOidcOptions(oidc as OidcOptions, { production, warnings: { warn: (m) => warnings.push(m) } });
  return { resolved, warnings };
}

function problems(oidc: unknown, production = false): string[] {
  try {
    resolve(oidc, production);
  } catch (err) {
    if (err instanceof SessionOptionsError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('oidc options', () => {
  it('defaults every optional setting from SESSION_DEFAULTS', () => {
    const { resolved, warnings } = resolve(GOOD);
    expect(resolved).toMatchObject({ ...SESSION_DEFAULTS.oidc, clientSecret: undefined, allowInsecureRequests: false });
    expect(warnings).toEqual([]);
  });

  it('names every problem at once', () => {
    const found = problems({
      issuer: 'http://idp.example.com',
      clientId: '',
      redirectUri: 'https://app.example.com/cb#frag',
      scope: 'profile',
      backchannelLogoutPath: 'no-slash',
      logoutTokenMaxAge: -1,
      loginTimeout: 1.5,
      mfaAfterLogin: 'never',
      mfaAcrValues: [1],
    });
    for (const name of ['issuer', 'clientId', 'redirectUri', 'scope', 'backchannelLogoutPath', 'logoutTokenMaxAge', 'loginTimeout', 'mfaAfterLogin', 'mfaAcrValues']) {
      expect(found.join('\n')).toContain(`oidc.${name}`);
    }
  });

  it('refuses wrong types and malformed strings without throwing anything but SessionOptionsError', () => {
    for (const bad of [null, 'x', 42, [], { ...GOOD, clientId: '\ud800' }, { ...GOOD, issuer: { __proto__: null } }, { ...GOOD, clientId: 'a'.repeat(1_000_000) }]) {
      expect(problems(bad).length).toBeGreaterThan(0);
    }
  });

  it('allowInsecureRequests allows http:// and warns; production refuses it', () => {
    const http = { ...GOOD, issuer: 'http://127.0.0.1:9000', allowInsecureRequests: true };
    expect(resolve(http).warnings.join()).toContain('allowInsecureRequests');
    expect(problems(http, true).join()).toContain('development only');
  });

  it('a longer logout-token age warns', () => {
    expect(resolve({ ...GOOD, logoutTokenMaxAge: 600_000 }).warnings.join()).toContain('logoutTokenMaxAge');
  });

  it('needs the session index, and forRootAsync must say oidc: true', () => {
    const base = { secret: SECRET, oidc: GOOD };
    const run = (options: SessionModuleOptions, oidcRegistered: boolean): string[] => {
      try {
        resolveSessionOptions(options, { warn: () => undefined }, { mfaRegistered: false, oidcRegistered });
        return [];
      } catch (err) {
        return [...(err as SessionOptionsError).problems];
      }
    };
    expect(run(base, true)).toEqual([]);
    expect(run(base, false).join()).toContain('oidc: true');
    expect(run({ secret: SECRET }, true).join()).toContain('oidc: true');
    expect(run({ ...base, sessionIndex: false }, true).join()).toContain('session index');
  });
});
