import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SessionDevicesService } from '../devices/session-devices.service.js';
import { SessionNotFoundException } from '../errors/devices.exceptions.js';
import {
  OidcCallbackException,
  OidcProviderUnavailableException,
  OidcSessionEndedException,
  OidcUserRefusedException,
} from '../errors/oidc.exceptions.js';
import { revisionOf } from '../mfa/mfa-revision.js';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { SessionService, type LoginResult } from '../session.service.js';
import { RESOLVED_SESSION_OPTIONS } from '../session.internal-constants.js';
import type { JsonValue, SessionUser } from '../session.types.js';
import { InvalidLogoutTokenError, verifyLogoutToken } from './logout-token.js';
import { OIDC_LINK_STORE, OIDC_PROVIDER_CLIENT, PENDING_LOGIN_KEY, RESOLVED_OIDC_OPTIONS } from './oidc.constants.js';
import type { OidcLinkStore } from './oidc-link-store.interface.js';
import type { ResolvedOidcOptions } from './oidc-options.js';
import type { DiscoveredProvider, OidcProviderClient } from './oidc-provider-client.js';
import { providerDidMfa } from './provider-mfa.js';

/** The ID token claims an app maps to its user (`iss`, `sub`, and whatever the provider sent). */
export type OidcClaims = { iss: string; sub: string; sid?: string; [claim: string]: unknown };

/** Maps the provider's user to the app's; null refuses the login (403 `oidc_user_refused`). */
export type OidcUserResolver = (claims: OidcClaims) => SessionUser | null | Promise<SessionUser | null>;

export interface OidcLoginResult extends LoginResult {
  claims: OidcClaims;
}

/** A started login, in the pre-login session. */
interface PendingLogin {
  state: string;
  nonce: string;
  verifier: string;
  startedAt: number;
}

/** A callback URL longer than this is no answer of a provider. */
const MAX_CALLBACK_QUERY = 8_192;

/**
 * Single sign-on and sign-out with the configured OpenID Provider:
 * - {@link beginLogin} / {@link completeLogin}: authorization code + PKCE, with state and nonce
 *   held in the pre-login session; the callback logs in through SessionService.login (new
 *   session ID) and links the session to (iss, sid, sub), keeping the ID token for logout;
 * - {@link backchannelLogout}: a verified logout token ends every linked session, on every
 *   instance, and refuses a login still completing for that provider session;
 * - {@link logout}: RP-initiated logout, local logout plus the provider's end-session URL.
 */
@Injectable()
export class OidcService {
  private readonly logger = new Logger('SessionModule');

  /**
   * @internal Nest builds it. Kept out of the published declarations: its parameter types
   * reach openid-client's, an optional peer an app without `oidc` does not install.
   */
  constructor(
    @Inject(RESOLVED_OIDC_OPTIONS) private readonly options: ResolvedOidcOptions,
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly sessionOptions: ResolvedSessionOptions,
    @Inject(OIDC_LINK_STORE) private readonly links: OidcLinkStore,
    @Inject(OIDC_PROVIDER_CLIENT) private readonly providerClient: OidcProviderClient,
    private readonly sessions: SessionService,
    private readonly devices: SessionDevicesService,
  ) {}

  /** Starts a login: state, nonce and PKCE verifier go into this session. @returns the provider URL to redirect to. */
  async beginLogin(req: Request): Promise<string> {
    const { client, config } = await this.provider();
    const pending: PendingLogin = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
      startedAt: Date.now(),
    };
    const challenge = await client.calculatePKCECodeChallenge(pending.verifier);
    this.sessions.set(req, PENDING_LOGIN_KEY, { ...pending });
    return client
      .buildAuthorizationUrl(config, {
        redirect_uri: this.options.redirectUri,
        scope: this.options.scope,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      })
      .toString();
  }

  /**
   * Completes a login at the redirect URI: checks state, PKCE and nonce and the ID token, logs
   * the user in (new session ID; MFA asked per `oidc.mfaAfterLogin`) and links the session.
   * 400 `invalid_oidc_callback` on anything wrong, 400 `oidc_session_ended` when the provider
   * logged the provider session out meanwhile, 403 `oidc_user_refused` when `resolveUser` says no.
   */
  async completeLogin(req: Request, resolveUser: OidcUserResolver): Promise<OidcLoginResult> {
    const pending = readPending(this.sessions.get(req, PENDING_LOGIN_KEY));
    this.sessions.unset(req, PENDING_LOGIN_KEY);
    if (!pending || Date.now() - pending.startedAt > this.options.loginTimeout) throw new OidcCallbackException('No single sign-on login is in progress here, or it took too long; start again.');
    const query = new URL(req.originalUrl, 'http://callback.invalid').search;
    if (query.length > MAX_CALLBACK_QUERY) throw new OidcCallbackException();
    const { client, config } = await this.provider();
    const callbackUrl = new URL(this.options.redirectUri);
    callbackUrl.search = query;
    let idToken: string;
    let claims: OidcClaims;
    try {
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      idToken = tokens.id_token!;
      claims = tokens.claims() as unknown as OidcClaims;
    } catch (err) {
      this.logger.warn(`OpenID Connect callback refused: ${describe(err)}`);
      throw new OidcCallbackException();
    }
    const sid = typeof claims.sid === 'string' && claims.sid.length > 0 ? claims.sid : undefined;
    const issuedAt = typeof claims['iat'] === 'number' ? claims['iat'] * 1_000 : Date.now();
    if (await this.links.isLoggedOut(claims.iss, sid, claims.sub, issuedAt, Date.now())) throw new OidcSessionEndedException();
    const user = await resolveUser(claims);
    if (!user) throw new OidcUserRefusedException();
    const result = await this.sessions.login(req, user);
    const handle = req.session.meta!.handle;
    const now = Date.now();
    await this.links.link(
      { iss: claims.iss, ...(sid !== undefined ? { sid } : {}), sub: claims.sub, userId: user.id, handle, idToken, expiresAt: now + this.sessionOptions.absoluteTimeout },
      now,
    );
    // A logout token may have come while we logged in: it either found the link written above,
    // or left its mark before we look again here. Either way the session does not survive.
    if (await this.links.isLoggedOut(claims.iss, sid, claims.sub, issuedAt, Date.now())) {
      await this.links.unlink(handle);
      await this.sessions.terminate(req);
      throw new OidcSessionEndedException();
    }
    if (result.mfa === 'required' && this.options.mfaAfterLogin === 'trust-provider' && providerDidMfa({ amr: claims['amr'], acr: claims['acr'] }, this.options.mfaAcrValues)) {
      const enrolment = (await this.sessionOptions.mfa?.secretStore.find(user.id)) ?? null;
      const session = await this.sessions.completeMfa(req, Date.now(), revisionOf(enrolment));
      return { session, mfa: 'none', claims };
    }
    return { ...result, claims };
  }

  /**
   * RP-initiated logout: ends the session here (like SessionService.logout) and, for a session
   * that came from the provider, returns the provider's end-session URL with `id_token_hint`,
   * `client_id` and `post_logout_redirect_uri` (send the browser there to sign out at the provider too).
   */
  async logout(req: Request, res: Response): Promise<{ endSessionUrl: string | undefined }> {
    const handle = req.session?.auth ? req.session.meta?.handle : undefined;
    const link = handle !== undefined ? await this.links.forHandle(handle, Date.now()) : null;
    await this.sessions.logout(req, res);
    if (!link) return { endSessionUrl: undefined };
    await this.links.unlink(link.handle);
    try {
      const { client, config } = await this.providerClient.provider();
      const parameters: Record<string, string> = { id_token_hint: link.idToken, client_id: this.options.clientId };
      if (this.options.postLogoutRedirectUri) parameters['post_logout_redirect_uri'] = this.options.postLogoutRedirectUri;
      return { endSessionUrl: client.buildEndSessionUrl(config, parameters).toString() };
    } catch (err) {
      // No end_session_endpoint, or the provider is down: the local logout stands.
      this.logger.warn(`No provider logout URL: ${describe(err)}`);
      return { endSessionUrl: undefined };
    }
  }

  /**
   * Back-channel logout (OpenID Connect Back-Channel Logout 1.0): verifies the token, refuses a
   * replayed `jti`, remembers the logout for logins still completing, and revokes every linked
   * session. Throws InvalidLogoutTokenError for any bad token. @returns how many sessions ended.
   */
  async backchannelLogout(token: unknown): Promise<number> {
    const provider = await this.provider();
    const now = Date.now();
    const verified = await verifyLogoutToken(token, {
      issuer: provider.issuer,
      clientId: this.options.clientId,
      jwks: provider.jwks,
      algorithms: provider.algorithms,
      maxAge: this.options.logoutTokenMaxAge,
      clockTolerance: this.options.clockTolerance,
      now,
    });
    if (!(await this.links.claimJti(verified.iss, verified.jti, verified.replayableUntil, now))) {
      throw new InvalidLogoutTokenError('logout_token jti was already used');
    }
    try {
      return await this.endLinkedSessions(verified.iss, verified.sid !== undefined ? { sid: verified.sid } : { sub: verified.sub! }, now);
    } catch (err) {
      // The logout did not happen (store down): the provider's retry of this token must not count as a replay.
      await this.links.releaseJti(verified.iss, verified.jti).catch(() => undefined);
      throw err;
    }
  }

  /** With sid the token names one provider session; without, every session of the subject. */
  private async endLinkedSessions(iss: string, subject: { sid: string } | { sub: string }, now: number): Promise<number> {
    await this.links.markLoggedOut(iss, subject, now, now + this.options.loginTimeout);
    const linked = await this.links.linked(iss, subject, now);
    let ended = 0;
    for (const { userId, handle } of linked) {
      try {
        await this.devices.revoke(userId, handle);
        ended++;
      } catch (err) {
        if (!(err instanceof SessionNotFoundException)) throw err;
      }
      await this.links.unlink(handle);
    }
    return ended;
  }

  private async provider(): Promise<DiscoveredProvider> {
    try {
      return await this.providerClient.provider();
    } catch {
      throw new OidcProviderUnavailableException();
    }
  }
}

function readPending(value: JsonValue | undefined): PendingLogin | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { state, nonce, verifier, startedAt } = value;
  if (typeof state !== 'string' || typeof nonce !== 'string' || typeof verifier !== 'string' || typeof startedAt !== 'number') return undefined;
  return { state, nonce, verifier, startedAt };
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${(err as { code?: string }).code ?? err.message}`;
  return 'unknown error';
}
