import { randomText } from '../util/random-text.js';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { jwtVerify, SignJWT, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { SessionDevicesService } from '../devices/session-devices.service.js';
import { MfaRequiredException, SessionStoreUnavailableException, UnauthenticatedException } from '../errors/session.exceptions.js';
import { InvalidTokenException, SessionEndedException } from '../errors/token.exceptions.js';
import { sessionDeadline } from '../http/session-deadline.js';
import { isStoreUnavailable } from '../http/store-availability.js';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { RESOLVED_SESSION_OPTIONS } from '../session.internal-constants.js';
import { bearerTokenOf, MAX_TOKEN_LENGTH } from './bearer-header.js';
import type { BearerSessionInfo } from './bearer-session.js';
import { ACCESS_TOKEN_ALGORITHMS, type ResolvedTokenKey } from './token-keys.js';
import type { ResolvedTokenOptions } from './token-options.js';
import { RESOLVED_TOKEN_OPTIONS } from './tokens.internal-constants.js';
import { isDeviceHandle } from '../devices/device-handle.js';

/** What `issue` returns: the token and when it expires. */
export interface IssuedAccessToken {
  token: string;
  tokenType: 'Bearer';
  expiresAt: Date;
  /** Seconds from now, as OAuth's `expires_in`. */
  expiresIn: number;
  /** The token's `jti`. */
  tokenId: string;
}

/** The claims of a verified access token. */
export interface AccessTokenClaims {
  iss: string;
  aud: string | string[];
  /** The user's ID. */
  sub: string;
  /** The session's public device handle (never its ID). */
  sid: string;
  iat: number;
  exp: number;
  jti: string;
  /** When the session's password step happened (epoch seconds). */
  auth_time?: number;
}

/** The JWKS document: public keys only. */
export interface JsonWebKeySet {
  keys: Array<Readonly<Record<string, string>>>;
}

/** The `typ` of every token (RFC 9068): a token of another kind (ID token, logout token) is never taken for one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

const MAX_CLAIM_LENGTH = 1024;

/**
 * Session-bound access tokens: short-lived JWTs for the request's fully authenticated session,
 * signed with the first of `tokens.keys`, each one dead as soon as its session is (every
 * verification reads the session index once). Registered when `tokens` is configured.
 */
@Injectable()
export class SessionTokens {
  private readonly byKid: ReadonlyMap<string, ResolvedTokenKey>;

  constructor(
    @Inject(RESOLVED_TOKEN_OPTIONS) private readonly options: ResolvedTokenOptions,
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly sessionOptions: ResolvedSessionOptions,
    private readonly devices: SessionDevicesService,
  ) {
    this.byKid = new Map(options.keys.map((key) => [key.kid, key]));
  }

  /**
   * Mints an access token for the request's session: 401 `unauthenticated` without one, 403
   * `mfa_required` while its MFA step is pending. It expires after `tokens.ttl`, or at the
   * session's own deadline (idle or absolute) when that comes first.
   */
  async issue(req: Request): Promise<IssuedAccessToken> {
    if (isStoreUnavailable(req)) throw new SessionStoreUnavailableException();
    const auth = req.session?.auth;
    const handle = req.session?.meta?.handle;
    if (!auth || !handle) throw new UnauthenticatedException();
    if (auth.mfa === 'pending') throw new MfaRequiredException();
    const now = Date.now();
    const deadline = sessionDeadline(req.session, this.sessionOptions, now);
    const iat = Math.floor(now / 1000);
    // Rounded down: the token never outlives the session's deadline.
    const exp = Math.floor(Math.min(now + this.options.ttl, deadline) / 1000);
    if (exp <= iat) throw new UnauthenticatedException('The session is about to end; sign in again.');
    const key = this.options.keys[0]!;
    const jti = randomText(16);
    const { audience } = this.options;
    const token = await new SignJWT({ sid: handle, auth_time: Math.floor(auth.authenticatedAt / 1000) })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.options.issuer)
      .setAudience(audience.length === 1 ? audience[0]! : audience)
      .setSubject(auth.user.id)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(jti)
      .sign(key.privateKey!);
    return { token, tokenType: 'Bearer', expiresAt: new Date(exp * 1000), expiresIn: exp - iat, tokenId: jti };
  }

  /**
   * The public keys that verify tokens now: the signing key and the verify-only ones, minus
   * retired keys whose last token has expired. Never a private member.
   */
  jwks(now = Date.now()): JsonWebKeySet {
    return { keys: this.options.keys.filter((key) => this.usable(key, now)).map((key) => key.publicJwk) };
  }

  /**
   * Checks a token's form, signature (the key its `kid` names, with that key's algorithm only),
   * `typ`, `iss`, `aud`, `exp` and `iat` (with `tokens.clockTolerance`) and the claims' types.
   * Does not look at the session: see {@link authenticate}.
   * @throws InvalidTokenException (401 `invalid_token`) for anything wrong.
   */
  async verify(token: string): Promise<AccessTokenClaims> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new InvalidTokenException();
    const now = Date.now();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (header: JWTHeaderParameters) => this.keyFor(header, now), {
        algorithms: [...ACCESS_TOKEN_ALGORITHMS],
        typ: ACCESS_TOKEN_TYPE,
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['sub', 'sid', 'jti', 'iat', 'exp'],
        clockTolerance: this.options.clockTolerance / 1000,
        // A token older than the longest a token lives is not one of ours (or predates a shorter ttl).
        maxTokenAge: Math.ceil(this.options.ttl / 1000),
        // Read the clock the module reads (a test clock fakes Date.now).
        currentDate: new Date(now),
      }));
    } catch {
      // Whatever jose refused, and why, is not the client's business (nor the log's: no token there).
      throw new InvalidTokenException();
    }
    return checkedClaims(payload);
  }

  /**
   * The bearer request's session: the token of its `Authorization` header verified, then its
   * session looked up in the session index by user and handle (one read), so a logout, a
   * revocation, a timeout or an MFA change refuses the token at once, on every instance.
   * @throws InvalidTokenException, SessionEndedException (401), SessionStoreUnavailableException (503).
   */
  async authenticate(req: Request): Promise<BearerSessionInfo> {
    const claims = await this.verify(bearerTokenOf(req));
    const entry = await this.devices.find(claims.sub, claims.sid);
    // A pending session was never issued a token; one found pending is not the session the token was for.
    if (!entry || entry.mfa === 'pending') throw new SessionEndedException();
    const authenticatedAt = new Date((claims.auth_time ?? Math.floor(entry.createdAt / 1000)) * 1000);
    return {
      user: { id: claims.sub },
      userId: claims.sub,
      handle: claims.sid,
      mfa: entry.mfa,
      fullyAuthenticated: true,
      createdAt: new Date(entry.createdAt),
      lastSeenAt: new Date(entry.lastSeenAt),
      authenticatedAt,
      mfaVerifiedAt: undefined,
      tokenId: claims.jti,
      tokenExpiresAt: new Date(claims.exp * 1000),
    };
  }

  /** The verification key the header names, for the algorithm that key was configured with. */
  private keyFor(header: JWTHeaderParameters, now: number) {
    const key = typeof header.kid === 'string' ? this.byKid.get(header.kid) : undefined;
    if (!key || header.alg !== key.alg || !this.usable(key, now)) throw new InvalidTokenException();
    return key.publicKey;
  }

  /** A retired key verifies until the last token it could have signed has expired. */
  private usable(key: ResolvedTokenKey, now: number): boolean {
    return key.retiredAt === undefined || now < key.retiredAt + this.options.ttl + this.options.clockTolerance;
  }
}

/** The claims' types, which jose leaves to the caller (`sub`, `sid`, `jti` strings of sane shape). */
function checkedClaims(payload: JWTPayload): AccessTokenClaims {
  const { sub, jti, iat, exp } = payload;
  const sid = payload['sid'];
  const authTime = payload['auth_time'];
  const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= MAX_CLAIM_LENGTH;
  if (!isText(sub) || !isText(jti) || !isDeviceHandle(sid)) throw new InvalidTokenException();
  if (typeof iat !== 'number' || typeof exp !== 'number') throw new InvalidTokenException();
  if (authTime !== undefined && (typeof authTime !== 'number' || !Number.isFinite(authTime))) throw new InvalidTokenException();
  return {
    iss: payload.iss!,
    aud: payload.aud!,
    sub,
    sid,
    iat,
    exp,
    jti,
    ...(authTime === undefined ? {} : { auth_time: authTime as number }),
  };
}
