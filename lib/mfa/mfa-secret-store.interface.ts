/** A user's confirmed TOTP enrolment, as the app keeps it. */
export interface MfaEnrollment {
  /** The TOTP secret, Base32. Treat it like a password hash: never show or log it. */
  secret: string;
  /** When the user confirmed enrolment with a first valid code (epoch ms). */
  confirmedAt: number;
}

/**
 * Where each user's TOTP secret lives: the app implements it on its own user storage and
 * passes it as `mfa.secretStore`. A user with an enrolment must pass MFA after the password.
 */
export interface MfaSecretStore {
  /** The user's enrolment, or null when the user has no MFA. */
  find(userId: string): Promise<MfaEnrollment | null>;
  /** Stores (or replaces) the user's enrolment. */
  save(userId: string, enrollment: MfaEnrollment): Promise<void>;
  /** Removes the user's enrolment: MFA off. */
  remove(userId: string): Promise<void>;
}
