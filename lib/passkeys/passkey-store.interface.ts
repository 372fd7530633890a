/** How a browser may reach an authenticator (WebAuthn `AuthenticatorTransport`), as it reported them. */
export type PasskeyTransport = 'ble' | 'cable' | 'hybrid' | 'internal' | 'nfc' | 'smart-card' | 'usb';

/**
 * One registered passkey (WebAuthn credential), as the app keeps it. Every field is written by
 * the module; store the object as it is (a row or a JSON column) and give it back unchanged.
 * Nothing here is secret (the private key never leaves the authenticator), but `publicKey` and
 * `counter` must not be changed by anything but the module.
 */
export interface PasskeyCredential {
  /** The credential ID, base64url: unique across all users. */
  id: string;
  /** The user it belongs to. */
  userId: string;
  /** The WebAuthn user handle the authenticator holds for this user, base64url (never the user ID itself). */
  userHandle: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** The signature counter of the last verified assertion (0 for authenticators that keep none). */
  counter: number;
  /** Transports the browser reported at registration, offered back as hints. */
  transports: PasskeyTransport[];
  /** The authenticator may sync the key to other devices (`multiDevice`). */
  backupEligible: boolean;
  /** The key is synced (backed up) now; updated at every use. */
  backedUp: boolean;
  /** A name for people ("Laptop"), 1 to 64 characters. */
  name: string;
  /** Registration time (epoch ms). */
  createdAt: number;
  /** The last verified use (epoch ms); null before the first. */
  lastUsedAt: number | null;
}

/** The fields the module changes after registration: usage after a verified assertion, or the name. */
export type PasskeyCredentialUpdate = Partial<Pick<PasskeyCredential, 'counter' | 'lastUsedAt' | 'backedUp' | 'name'>>;

/**
 * Where passkeys live: the app implements it on its own storage (like `MfaSecretStore`) and
 * passes it as `passkeys.store`. The module serialises its own changes per user (the MFA
 * enrolment lock), so plain reads and writes are enough. Write credentials only through the module.
 */
export interface PasskeyStore {
  /** The credential with this ID, whoever it belongs to, or null. */
  findById(credentialId: string): Promise<PasskeyCredential | null>;
  /** Every credential of the user (any order; the module sorts). */
  listByUser(userId: string): Promise<PasskeyCredential[]>;
  /** Stores a new credential (the module checked its ID is not taken). */
  add(credential: PasskeyCredential): Promise<void>;
  /** Changes some fields of a credential; a missing credential is no error. */
  update(credentialId: string, changes: PasskeyCredentialUpdate): Promise<void>;
  /** Removes a credential; a missing credential is no error. */
  remove(credentialId: string): Promise<void>;
}
