import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { describeSession } from '../http/current-session-info.js';
import type { CurrentSessionInfo } from '../session.types.js';

/**
 * The authenticated session of the request (undefined when anonymous), or one of its
 * properties: `@CurrentSession() session: CurrentSessionInfo`, `@CurrentSession('userId') id: string`.
 */
export const CurrentSession = createParamDecorator(
  (key: keyof CurrentSessionInfo | undefined, context: ExecutionContext) => {
    const req = context.switchToHttp().getRequest<Request>();
    // The common lookups read the record directly instead of building the whole view.
    if (key === 'userId') return req.session?.auth?.user.id;
    if (key === 'user') return req.session?.auth?.user;
    const info = describeSession(req);
    return key ? info?.[key] : info;
  },
);
