import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { describeSession } from '../http/current-session-info.js';
import type { CurrentSessionInfo } from '../session.types.js';
import { bearerSessionOf } from '../tokens/bearer-session.js';

/**
 * The authenticated session of the request (undefined when anonymous), or one of its
 * properties; on a route behind SessionTokenGuard, the bearer token's session: `@CurrentSession() session: CurrentSessionInfo`, `@CurrentSession('userId') id: string`.
 */
export const CurrentSession = createParamDecorator(
  (key: keyof CurrentSessionInfo | undefined, context: ExecutionContext) => {
    const req = context.switchToHttp().getRequest<Request>();
    // A route behind SessionTokenGuard: the token's session, whatever cookie came along.
    const bearer = bearerSessionOf(req);
    if (bearer) return key ? bearer[key] : bearer;
    // The common lookups read the record directly instead of building the whole view.
    if (key === 'userId') return req.session?.auth?.user.id;
    if (key === 'user') return req.session?.auth?.user;
    const info = describeSession(req);
    return key ? info?.[key] : info;
  },
);
