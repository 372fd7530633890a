import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/** The member of `events` that makes a JWT a back-channel logout token. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** A logout token that passed every check of OpenID Connect Back-Channel Logout 1.0 §2.6. */
export interface VerifiedLogoutToken {
  iss: string;
  sid?: string;
  sub?: string;
  jti: string;
  /** Until when the token could be replayed (its `exp`, or `iat` + max age), epoch ms. */
  replayableUntil: number;
}

export interface LogoutTokenPolicy {
  issuer: string;
  clientId: string;
  jwks: JWTVerifyGetKey;
  algorithms: string[];
  /** The oldest a token without `exp` may be, ms. */
  maxAge: number;
  clockTolerance: number;
  now: number;
}

/** Why a logout token was refused; the message names the check, never the token. */
export class InvalidLogoutTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidLogoutTokenError';
  }
}

/** Compact JWS: three base64url parts. Anything else (NUL, surrogates, spaces, JWE) stops here. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 16_384;
const MAX_CLAIM_LENGTH = 1_024;

/**
 * Verifies a logout token (Back-Channel Logout 1.0 §2.6): signature by the provider's JWKS
 * (asymmetric algorithms only), `typ` logout+jwt when present, `iss`, `aud` containing our
 * client ID, `iat`, `exp` (or `iat` within `maxAge`), `events` holding the back-channel member
 * as an object, `sid` and/or `sub`, no `nonce`, a `jti`. The `jti` replay check is the caller's
 * (it needs the shared store).
 */
export async function verifyLogoutToken(token: unknown, policy: LogoutTokenPolicy): Promise<VerifiedLogoutToken> {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
    throw new InvalidLogoutTokenError('logout_token is not a signed JWT');
  }
  let typ: unknown;
  try {
    typ = decodeProtectedHeader(token).typ;
  } catch {
    throw new InvalidLogoutTokenError('logout_token has an unreadable header');
  }
  if (typ !== undefined && (typeof typ !== 'string' || !/^(application\/)?logout\+jwt$/i.test(typ))) {
    throw new InvalidLogoutTokenError('logout_token typ is not logout+jwt');
  }
  const toleranceS = Math.ceil(policy.clockTolerance / 1_000);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, policy.jwks, {
      issuer: policy.issuer,
      audience: policy.clientId,
      algorithms: policy.algorithms,
      clockTolerance: toleranceS,
      currentDate: new Date(policy.now),
      requiredClaims: ['iat', 'jti', 'events'],
    }));
  } catch (err) {
    throw new InvalidLogoutTokenError(verificationProblem(err));
  }
  const nowS = policy.now / 1_000;
  const { iat, exp, jti, sid, sub, events } = payload;
  if (typeof iat !== 'number' || iat > nowS + toleranceS) throw new InvalidLogoutTokenError('logout_token iat is in the future');
  if (exp === undefined && iat * 1_000 + policy.maxAge + policy.clockTolerance < policy.now) {
    throw new InvalidLogoutTokenError('logout_token is too old (no exp, iat beyond the maximum age)');
  }
  if (Object.hasOwn(payload, 'nonce')) throw new InvalidLogoutTokenError('logout_token must not hold a nonce');
  if (!isPlainObject(events) || !Object.hasOwn(events, BACKCHANNEL_LOGOUT_EVENT) || !isPlainObject(events[BACKCHANNEL_LOGOUT_EVENT])) {
    throw new InvalidLogoutTokenError('logout_token events lacks the back-channel logout event');
  }
  if (!isClaim(jti)) throw new InvalidLogoutTokenError('logout_token jti is missing or malformed');
  if (sid !== undefined && !isClaim(sid)) throw new InvalidLogoutTokenError('logout_token sid is malformed');
  if (sub !== undefined && !isClaim(sub)) throw new InvalidLogoutTokenError('logout_token sub is malformed');
  if (sid === undefined && sub === undefined) throw new InvalidLogoutTokenError('logout_token names neither sid nor sub');
  const expiresAt = exp !== undefined ? exp * 1_000 : iat * 1_000 + policy.maxAge;
  return {
    iss: policy.issuer,
    ...(sid !== undefined ? { sid } : {}),
    ...(sub !== undefined ? { sub } : {}),
    jti,
    replayableUntil: expiresAt + policy.clockTolerance,
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isClaim(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_CLAIM_LENGTH && value.isWellFormed() && !value.includes('\0');
}

/** jose's refusal as a short reason; never the token. */
function verificationProblem(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'logout_token is expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `logout_token ${err.claim} check failed (${err.reason})`;
  if (err instanceof errors.JWKSNoMatchingKey) return 'logout_token is signed with an unknown key';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'logout_token signature is invalid';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'logout_token uses an algorithm that is not allowed';
  if (err instanceof errors.JWKSTimeout || (err instanceof Error && err.name === 'JWKSInvalid')) return 'the provider keys could not be read';
  return 'logout_token could not be verified';
}
