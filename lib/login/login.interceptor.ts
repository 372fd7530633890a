import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request } from 'express';
import { concatMap, type Observable } from 'rxjs';
import { InvalidCredentialsException } from '../errors/session.exceptions.js';
import { SessionService, type LoginOptions, type LoginResult } from '../session.service.js';
import type { SessionUser } from '../session.types.js';

/**
 * Put on a login handler that returns the authenticated user (`{ id, ... }`). After the
 * handler succeeds, the session is regenerated (fixation-safe) and saved before the response
 * leaves, so a redirect never races the save. If the handler throws, the previous session is
 * left exactly as it was. The body becomes `{ user, mfa: 'none' | 'required' }`.
 */
@Injectable()
export class LoginInterceptor implements NestInterceptor {
  constructor(protected readonly sessions: SessionService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    return next.handle().pipe(
      concatMap(async (returned: unknown) => {
        const user = this.toUser(returned);
        const result = await this.sessions.login(req, user, this.loginOptions(context));
        return this.toResponse(user, result);
      }),
    );
  }

  /** The principal the handler returned. A falsy value means the credentials were refused. */
  protected toUser(returned: unknown): SessionUser {
    if (!returned) {
      throw new InvalidCredentialsException();
    }
    const user = returned as Partial<SessionUser>;
    if (typeof user.id !== 'string' || user.id.length === 0) {
      throw new TypeError('LoginInterceptor: the login handler must return a user with a string `id`');
    }
    return user as SessionUser;
  }

  /** Which pre-login app data to carry into the new session (none by default). */
  protected loginOptions(_context: ExecutionContext): LoginOptions {
    return {};
  }

  /** The response body. */
  protected toResponse(user: SessionUser, result: LoginResult): unknown {
    return { user, mfa: result.mfa };
  }
}
