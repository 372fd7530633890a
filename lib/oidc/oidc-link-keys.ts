import { createHash } from 'node:crypto';
import { keySegment } from '../util/key-segment.js';

/**
 * Key names of the OIDC links, after the store prefix. Each lookup reads one key, and each
 * key is its own hash tag (Redis Cluster routes it to one node). The issuer is hashed (URLs are
 * long and may hold `{`), the other parts go through {@link keySegment}, so no value can move a
 * tag or make two keys collide.
 */
export const OidcLinkKeys = {
  /** Hash: field = session handle, value = `{ userId }` JSON; the sessions of one provider session. */
  bySid: (iss: string, sid: string) => `oidc:{s:${issuerTag(iss)}:${keySegment(sid)}}`,
  /** Hash like bySid: the sessions of one subject at one issuer. */
  bySub: (iss: string, sub: string) => `oidc:{u:${issuerTag(iss)}:${keySegment(sub)}}`,
  /** String: the link JSON of one session (its ID token for `id_token_hint`). */
  byHandle: (handle: string) => `oidc:{h:${keySegment(handle)}}`,
  /** String: a provider session the provider logged out. */
  sidLoggedOut: (iss: string, sid: string) => `oidc:{o:${issuerTag(iss)}:${keySegment(sid)}}`,
  /** String: when the provider last logged out every session of a subject (epoch ms). */
  subLoggedOut: (iss: string, sub: string) => `oidc:{x:${issuerTag(iss)}:${keySegment(sub)}}`,
  /** String: a logout token `jti` already used. */
  jti: (iss: string, jti: string) => `oidc:{j:${issuerTag(iss)}:${keySegment(jti)}}`,
};

function issuerTag(iss: string): string {
  return createHash('sha256').update(iss).digest('base64url').slice(0, 22);
}
