import { describe, expect, it } from 'vitest';
import { DEFAULT_MFA_ACR_VALUES } from './oidc-options.js';
import { providerDidMfa } from './provider-mfa.js';

const ACR = new Set(DEFAULT_MFA_ACR_VALUES);

describe('providerDidMfa (oidc.mfaAfterLogin: trust-provider)', () => {
  it.each([
    [{ amr: ['pwd', 'otp'] }, true],
    [{ amr: ['mfa'] }, true],
    [{ amr: ['hwk'] }, true],
    [{ acr: 'phr' }, true],
    [{ acr: 'http://schemas.openid.net/pape/policies/2007/06/multi-factor' }, true],
    [{ amr: ['pwd'] }, false],
    [{ acr: '0' }, false],
    [{}, false],
    [{ amr: 'mfa' }, false],
    [{ amr: [{ mfa: true }], acr: ['phr'] }, false],
    [JSON.parse('{"__proto__": {"amr": ["mfa"]}}'), false],
  ])('%j -> %s', (claims, expected) => {
    expect(providerDidMfa(claims, ACR)).toBe(expected);
  });
});
