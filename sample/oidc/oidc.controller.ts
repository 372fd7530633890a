import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { OidcService, type OidcClaims, type SessionUser } from '../../lib/index.js';
import { UserRepository } from '../users/user.repository.js';

/** Longest provider `sub` and display name the sample keeps. */
const MAX_CLAIM_LENGTH = 255;

/**
 * "Sign in with single sign-on" (registered only when OIDC_ISSUER is set). The back-channel
 * logout route is the module's own (oidc.backchannelLogoutPath), not a route here.
 */
@Controller('api/auth/oidc')
export class OidcController {
  constructor(
    private readonly oidc: OidcService,
    private readonly users: UserRepository,
  ) {}

  /** 302 to the provider: authorization code + PKCE, state and nonce kept in this (pre-login) session. */
  @Get('login')
  async login(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.redirect(302, await this.oidc.beginLogin(req));
  }

  /** Back from the provider: a NEW session (fixation-safe), linked to the provider's sid and sub. 400 on a bad answer. */
  @Get('callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const { mfa } = await this.oidc.completeLogin(req, (claims) => this.userFromClaims(claims));
    res.redirect(302, mfa === 'required' ? '/mfa' : '/dashboard');
  }

  /**
   * The sample's users from single sign-on live apart from its password users: the provider's
   * subject, under the `sso:` prefix, is the user ID (never matched to a local account by name).
   */
  private userFromClaims(claims: OidcClaims): SessionUser | null {
    if (claims.sub.length > MAX_CLAIM_LENGTH) return null;
    const name = [claims['preferred_username'], claims['email'], claims['name']].find(
      (value): value is string => typeof value === 'string' && value.length > 0 && value.length <= MAX_CLAIM_LENGTH,
    );
    return { ...this.users.signedInExternally(`sso:${claims.sub}`, name ?? claims.sub) };
  }
}
