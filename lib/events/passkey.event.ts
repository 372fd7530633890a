/**
 * Why a passkey was asked for:
 * - `login`: passwordless sign-in with a discoverable credential (user verification required)
 * - `second_factor`: the MFA step after the password
 * - `step_up`: a fully authenticated session proving a factor again (`@RequireMfa()`, MFA changes)
 * - `registration`: adding a passkey
 */
export type PasskeyPurpose = 'login' | 'second_factor' | 'step_up' | 'registration';

/**
 * Why a passkey was refused:
 * - `invalid_signature`: the assertion did not verify against the stored public key
 * - `user_not_verified`: user verification was required and the authenticator did not perform it
 * - `counter_regression`: the signature counter did not move forward: a POSSIBLE CLONED AUTHENTICATOR
 * - `unknown_credential`: no such passkey, or not one of the session's user
 * - `challenge`: no challenge waiting, a challenge of another purpose or user, expired, or used already (a replay)
 * - `invalid_response`: the browser's answer does not verify for another reason (origin, RP ID, type, attestation)
 * - `user_unavailable`: the app's user lookup found no user to sign in (passwordless)
 */
export type PasskeyFailureReason =
  | 'invalid_signature'
  | 'user_not_verified'
  | 'counter_regression'
  | 'unknown_credential'
  | 'challenge'
  | 'invalid_response'
  | 'user_unavailable';

interface PasskeyEventBase<T extends string> {
  type: T;
  /** The account concerned; undefined when a passwordless attempt named no known passkey. */
  userId: string | undefined;
  /** `req.ip` of the request (so `trust proxy` applies). */
  ip: string | undefined;
  /** Epoch ms, from the module's MFA clock. */
  timestamp: number;
  /** The credential ID (base64url, public): which passkey, when one was named. */
  credentialId: string | undefined;
}

/** A passkey was added to the user's account. */
export interface PasskeyRegisteredEvent extends PasskeyEventBase<'passkey.registered'> {
  userId: string;
  credentialId: string;
  /** Whether the key may sync to the user's other devices. */
  backupEligible: boolean;
}

/** A passkey verified: a passwordless login, a second factor or a step-up. */
export interface PasskeyUsedEvent extends PasskeyEventBase<'passkey.used'> {
  userId: string;
  credentialId: string;
  purpose: Extract<PasskeyPurpose, 'login' | 'second_factor' | 'step_up'>;
  userVerified: boolean;
}

/**
 * A passkey attempt was refused. Sign-in, second-factor and step-up attempts against a known
 * account with a live challenge counted toward the MFA lock; the others (`challenge`, an unknown
 * passwordless credential, malformed bodies) did not.
 */
export interface PasskeyFailedEvent extends PasskeyEventBase<'passkey.failed'> {
  purpose: PasskeyPurpose;
  reason: PasskeyFailureReason;
}

/** A passkey was removed from the user's account. */
export interface PasskeyRemovedEvent extends PasskeyEventBase<'passkey.removed'> {
  userId: string;
  credentialId: string;
  /** Whether the user still has a second factor (another passkey or TOTP). */
  factorsLeft: boolean;
}

/** Passkey outcomes, for audit logs and user notifications. Never holds a key, signature or session ID. */
export type PasskeyEvent = PasskeyRegisteredEvent | PasskeyUsedEvent | PasskeyFailedEvent | PasskeyRemovedEvent;
