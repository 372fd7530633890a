/**
 * What happened at an MFA step.
 * - `verified`: a right TOTP code (login step, step-up or enrolment confirmation)
 * - `failed`: a wrong TOTP or recovery code (counts toward the lock)
 * - `replay_refused`: a right TOTP code whose time step was already used
 * - `locked`: this failure used up the attempt budget; the account's MFA step is locked
 * - `refused_locked`: an attempt (right or wrong) refused because the account is locked
 * - `recovery_code_used`: a recovery code completed the login step (it is spent)
 * - `recovery_codes_regenerated`: a new set replaced the old one
 * - `enrolled`: TOTP enrolment confirmed (or imported); the user now needs MFA at login
 * - `disabled`: TOTP removed
 */
export type MfaOutcome =
  | 'verified'
  | 'failed'
  | 'replay_refused'
  | 'locked'
  | 'refused_locked'
  | 'recovery_code_used'
  | 'recovery_codes_regenerated'
  | 'enrolled'
  | 'disabled';

/** Why a code was asked for. */
export type MfaPurpose = 'login' | 'step_up' | 'enrollment' | 'management';

/**
 * An MFA outcome, for audit logs and user notifications. By construction it never holds a
 * code, a secret, a recovery code or a session ID.
 */
export interface MfaEvent {
  type: 'mfa';
  outcome: MfaOutcome;
  /** The account concerned: always the session's own user. */
  userId: string;
  /** `req.ip` of the request (so `trust proxy` applies); undefined outside a request. */
  ip: string | undefined;
  /** Epoch ms, from the module's MFA clock. */
  timestamp: number;
  purpose: MfaPurpose;
  /** The factor that was tried, when one was. */
  method?: 'totp' | 'recovery_code' | 'passkey';
  /** `locked` and `refused_locked`: when the lock ends (epoch ms). */
  lockedUntil?: number;
  /** `recovery_code_used`, `recovery_codes_regenerated`, `enrolled`: unused codes left. */
  recoveryCodesLeft?: number;
}
