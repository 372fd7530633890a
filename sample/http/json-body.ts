import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

function invalid(message: string): BadRequestException {
  return new BadRequestException({ error: 'invalid_request', message });
}

/**
 * The request body, for the DTO of the parameter (checked by the sample's ValidationPipe, see
 * sample-validation.pipe.ts), or 400 `invalid_request` before any field is looked at: only
 * `application/json` is read (a form or `text/plain` post, what a cross-site page can send
 * without CORS, is refused), and the body must be a JSON object. A DTO cannot say either:
 * the pipe sees the value, not the request's Content-Type, and turns a missing body into `{}`.
 */
export const JsonBody = createParamDecorator((_data: unknown, context: ExecutionContext): object => {
  const req = context.switchToHttp().getRequest<Request>();
  if (!req.is('application/json')) throw invalid('Send the body as JSON with Content-Type: application/json.');
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('The body must be a JSON object.');
  return body;
});
