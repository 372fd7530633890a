/**
 * A user's confirmed TOTP enrolment, as the app keeps it. Every field is written by the
 * module; store the object as it is (for example as a JSON column) and give it back unchanged.
 */
export interface MfaEnrollment {
  /**
   * The TOTP secret, encrypted by the module with AES-256-GCM under `mfa.encryptionKeys`:
   * `v1.<keyId>.<iv>.<ciphertext>.<tag>`. Useless without the key; still, never show or log it.
   */
  secret: string;
  /** When the user confirmed enrolment with a first valid code (epoch ms). */
  confirmedAt: number;
  /**
   * Hashes of the unused recovery codes (SHA-256, salted with the user ID). The module removes
   * a hash when its code is used and replaces the list when codes are regenerated.
   */
  recoveryCodes: string[];
  /**
   * A random tag the module writes anew on every change of the user's factors (enrolment,
   * re-enrolment, new recovery codes), so an enrolment started before a change can tell it is
   * stale. Absent in enrolments saved before it existed.
   */
  revision?: string;
}

/**
 * Where each user's TOTP enrolment lives: the app implements it on its own user storage and
 * passes it as `mfa.secretStore`. A user with an enrolment must pass MFA after the password.
 * The module serialises its own writes per user (a short lock in the MFA state store shared by
 * every app instance) and re-reads the enrolment under that lock before each change, so a plain
 * read and a plain overwrite are enough here. Write the enrolment only through the module.
 */
export interface MfaSecretStore {
  /** The user's enrolment, or null when the user has no MFA. */
  find(userId: string): Promise<MfaEnrollment | null>;
  /** Stores (or replaces) the user's enrolment. */
  save(userId: string, enrollment: MfaEnrollment): Promise<void>;
  /** Removes the user's enrolment: MFA off. */
  remove(userId: string): Promise<void>;
}
