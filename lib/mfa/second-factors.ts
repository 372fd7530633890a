import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';

/**
 * Whether the user has a second factor (a TOTP enrolment or a passkey), so that a password
 * login comes out MFA-pending. Asks the stores in parallel.
 */
export async function hasSecondFactor(options: Pick<ResolvedSessionOptions, 'mfa' | 'passkeys'>, userId: string): Promise<boolean> {
  const [totp, passkeys] = await Promise.all([
    options.mfa?.secretStore.find(userId),
    options.passkeys?.store.listByUser(userId),
  ]);
  return totp != null || (passkeys?.length ?? 0) > 0;
}
