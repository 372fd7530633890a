import { Controller, Get, Header, Inject, NotFoundException } from '@nestjs/common';
import { Public } from '../decorators/public.decorator.js';
import { SessionTokens, type JsonWebKeySet } from './session-tokens.service.js';
import type { ResolvedTokenOptions } from './token-options.js';
import { RESOLVED_TOKEN_OPTIONS } from './tokens.internal-constants.js';

/**
 * `GET /.well-known/jwks.json`: the public keys that verify access tokens. Cached for five
 * minutes: a verifier meeting an unknown `kid` fetches again (jose's createRemoteJWKSet does),
 * and a new key can be published ahead of use as a verify-only entry (docs/tokens.md).
 */
@Controller('.well-known')
export class JwksController {
  constructor(
    private readonly tokens: SessionTokens,
    @Inject(RESOLVED_TOKEN_OPTIONS) private readonly options: ResolvedTokenOptions,
  ) {}

  @Get('jwks.json')
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): JsonWebKeySet {
    // forRootAsync registers the route before its options say `serveJwks: false`.
    if (!this.options.serveJwks) throw new NotFoundException();
    return this.tokens.jwks();
  }
}
