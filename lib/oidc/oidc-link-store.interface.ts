/** A session linked to the provider session it came from (written at the OIDC callback). */
export interface OidcSessionLink {
  /** The issuer the ID token came from. */
  iss: string;
  /** The provider's session ID for this client (`sid` claim); absent when the provider sends none. */
  sid?: string;
  sub: string;
  /** The module's session: its user and public handle (kept across ID rotation). */
  userId: string;
  handle: string;
  /** The raw ID token, sent back as `id_token_hint` at RP-initiated logout. */
  idToken: string;
  /** The session's absolute deadline (epoch ms): the link is forgotten then. */
  expiresAt: number;
}

/** A session a logout token names: enough to revoke it through the session index. */
export interface LinkedSession {
  userId: string;
  handle: string;
}

/** What a back-channel logout names: a provider session, a subject, or both. */
export interface LogoutSubject {
  sid?: string;
  sub?: string;
}

/**
 * Where the OIDC links live, beside the sessions (process memory for the memory store, the
 * same Redis client and prefix for Redis): each lookup below reads one key, so it is routed to
 * one node on Redis Cluster and shared by every app instance.
 */
export interface OidcLinkStore {
  /** Links a session to (iss, sid) and (iss, sub), and keeps its ID token under its handle. */
  link(link: OidcSessionLink, now: number): Promise<void>;
  /** The sessions linked to (iss, sid), or to (iss, sub) when only `sub` is given. */
  linked(iss: string, subject: LogoutSubject, now: number): Promise<LinkedSession[]>;
  /** The link of a session by its handle, or null (not an OIDC session, or forgotten). */
  forHandle(handle: string, now: number): Promise<OidcSessionLink | null>;
  /** Forgets the link kept under `handle` (logout). */
  unlink(handle: string): Promise<void>;
  /**
   * Remembers until `until` that the provider logged out (iss, sid) (and, for a token naming
   * only `sub`, every provider session of (iss, sub) whose ID token was issued by `at`).
   */
  markLoggedOut(iss: string, subject: LogoutSubject, at: number, until: number): Promise<void>;
  /** Whether a login with this ID token (sid, sub, `iat` in epoch ms) was logged out meanwhile. */
  isLoggedOut(iss: string, sid: string | undefined, sub: string, issuedAt: number, now: number): Promise<boolean>;
  /** Records a logout token's `jti` until `until`; false when it was already seen (a replay). */
  claimJti(iss: string, jti: string, until: number, now: number): Promise<boolean>;
  /** Forgets a claimed `jti` whose logout could not be carried out, so the provider's retry is not taken for a replay. */
  releaseJti(iss: string, jti: string): Promise<void>;
}
