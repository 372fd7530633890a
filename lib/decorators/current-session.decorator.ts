import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { describeSession } from '../http/session-view.js';
import type { CurrentSessionInfo } from '../session.types.js';

/**
 * The authenticated session of the request (undefined when anonymous), or one of its
 * properties: `@CurrentSession() session: CurrentSessionInfo`, `@CurrentSession('userId') id: string`.
 */
export const CurrentSession = createParamDecorator(
  (key: keyof CurrentSessionInfo | undefined, context: ExecutionContext) => {
    const info = describeSession(context.switchToHttp().getRequest<Request>());
    return key ? info?.[key] : info;
  },
);
