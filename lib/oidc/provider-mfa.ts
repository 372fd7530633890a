/**
 * `amr` values (RFC 8176) that name a factor beyond a password: one of them, or `mfa`, means
 * the provider did multi-factor authentication.
 */
const SECOND_FACTORS: ReadonlySet<string> = new Set(['mfa', 'otp', 'hwk', 'swk', 'sms', 'tel', 'sc', 'fpt', 'face', 'iris', 'retina', 'vbm', 'pop']);

/** Whether the ID token's `amr` or `acr` says the provider did MFA. */
export function providerDidMfa(claims: { amr?: unknown; acr?: unknown }, mfaAcrValues: ReadonlySet<string>): boolean {
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((value): value is string => typeof value === 'string') : [];
  if (amr.some((value) => SECOND_FACTORS.has(value))) return true;
  return typeof claims.acr === 'string' && mfaAcrValues.has(claims.acr);
}
