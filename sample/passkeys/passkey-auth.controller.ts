import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { AuthenticatedGuard, MfaGuard, PasskeyService, SkipMfa } from '../../lib/index.js';
import { JsonBody } from '../http/json-body.js';
import { UserRepository, type PublicUser } from '../users/user.repository.js';
import { PasskeyCredentialDto } from './dto/passkey-credential.dto.js';

/**
 * Signing in with a passkey: alone (passwordless: a user-verifying passkey is both factors), as
 * the second step after the password, and as a step-up. Each answer is `{ credential }`, the
 * browser's PublicKeyCredential as JSON, to the options fetched just before (single-use).
 */
@Controller('api/auth')
export class PasskeyAuthController {
  constructor(
    private readonly passkeys: PasskeyService,
    private readonly users: UserRepository,
  ) {}

  /** Request options for a passwordless sign-in (no credential list: the browser offers the site's passkeys). */
  @Post('passkey/options')
  @HttpCode(200)
  loginOptions(@Req() req: Request): Promise<object> {
    return this.passkeys.authenticationOptions(req, 'login');
  }

  /** Passwordless sign-in; a NEW session, both factors done. */
  @Post('passkey')
  @HttpCode(200)
  async login(@Req() req: Request, @JsonBody() { credential }: PasskeyCredentialDto): Promise<{ user: PublicUser; mfa: 'verified' }> {
    const session = await this.passkeys.login(req, credential, async (userId) => {
      const user = this.users.publicUser(userId);
      return user ? { id: user.id, username: user.username } : null;
    });
    const username = session.user['username'];
    return { user: { id: session.userId, username: typeof username === 'string' ? username : session.userId }, mfa: 'verified' };
  }

  /** Request options for the MFA step after the password (the user's passkeys). */
  @Post('mfa/passkey/options')
  @HttpCode(200)
  @UseGuards(AuthenticatedGuard)
  @SkipMfa()
  secondFactorOptions(@Req() req: Request): Promise<object> {
    return this.passkeys.authenticationOptions(req, 'second_factor');
  }

  /** The MFA step with a passkey; a NEW session ID. */
  @Post('mfa/passkey')
  @HttpCode(200)
  @UseGuards(AuthenticatedGuard)
  @SkipMfa()
  async secondFactor(@Req() req: Request, @JsonBody() { credential }: PasskeyCredentialDto): Promise<{ mfa: 'verified' }> {
    await this.passkeys.verifySecondFactor(req, credential);
    return { mfa: 'verified' };
  }

  /** Request options for a step-up with a passkey. */
  @Post('mfa/step-up/passkey/options')
  @HttpCode(200)
  @UseGuards(MfaGuard)
  stepUpOptions(@Req() req: Request): Promise<object> {
    return this.passkeys.authenticationOptions(req, 'step_up');
  }

  /** Step-up with a passkey: MFA changes and `@RequireMfa()` routes are open for 5 minutes; a NEW session ID. */
  @Post('mfa/step-up/passkey')
  @HttpCode(200)
  @UseGuards(MfaGuard)
  async stepUp(@Req() req: Request, @JsonBody() { credential }: PasskeyCredentialDto): Promise<{ mfa: 'verified' }> {
    await this.passkeys.stepUp(req, credential);
    return { mfa: 'verified' };
  }
}
