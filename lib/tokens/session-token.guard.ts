import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { BearerTokenException } from '../errors/token.exceptions.js';
import { setBearerSession } from './bearer-session.js';
import { SessionTokens } from './session-tokens.service.js';

/**
 * Lets through requests with `Authorization: Bearer <access token>` whose session still lives;
 * `@CurrentSession()` then gives that session. The session cookie is never looked at: a
 * cookie alone is 401 here, and a token never passes the cookie guards (docs/tokens.md says
 * how to accept both on purpose). Refusals are 401 `invalid_token` or `session_ended` with
 * `WWW-Authenticate` (RFC 6750); a failing store is 503.
 */
@Injectable()
export class SessionTokenGuard implements CanActivate {
  constructor(protected readonly tokens: SessionTokens) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    try {
      setBearerSession(req, await this.tokens.authenticate(req));
      return true;
    } catch (err) {
      if (err instanceof BearerTokenException) http.getResponse<Response>().setHeader('WWW-Authenticate', err.challenge);
      throw err;
    }
  }
}
