import { BadRequestException, HttpException, Logger, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import type { Response } from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UnauthenticatedException } from '../../../lib/index.js';
import { ApiExceptionFilter } from '../../../sample/http/api-exception.filter.js';

/** What the filter wrote: an Express response reduced to status and JSON body. */
function captureResponse() {
  const sent: { status?: number; body?: unknown } = {};
  const res = {
    headersSent: false,
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
      return this;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => res as unknown as Response }) } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('sample ApiExceptionFilter: every error leaves as { error, message }', () => {
  afterEach(() => vi.restoreAllMocks());

  it('an unexpected error is a generic 500 with nothing of the error in it; the stack goes to the log', () => {
    const logged = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { host, sent } = captureResponse();
    new ApiExceptionFilter().catch(new TypeError('boom: redis://user:pw@internal'), host);
    expect(sent).toEqual({ status: 500, body: { error: 'internal_error', message: 'Something went wrong on our side.' } });
    expect(logged).toHaveBeenCalledOnce();
    expect(String(logged.mock.calls[0]![1])).toContain('TypeError: boom');
  });

  it("keeps the module's own error bodies", () => {
    const { host, sent } = captureResponse();
    new ApiExceptionFilter().catch(new UnauthenticatedException(), host);
    expect(sent).toEqual({ status: 401, body: { error: 'unauthenticated', message: 'Log in first.' } });
  });

  it("maps Nest's generic bodies to a code from the status", () => {
    const { host, sent } = captureResponse();
    new ApiExceptionFilter().catch(new NotFoundException('Cannot GET /nope'), host);
    expect(sent).toEqual({ status: 404, body: { error: 'not_found', message: 'Cannot GET /nope' } });
  });

  it('maps a body-parser failure (wrapped by the Express adapter) to 400 invalid_request with our own message', () => {
    const cause = Object.assign(new SyntaxError('Unexpected token } in JSON at position 7'), {
      status: 400,
      type: 'entity.parse.failed',
    });
    const { host, sent } = captureResponse();
    new ApiExceptionFilter().catch(new BadRequestException(cause.message, { cause }), host);
    expect(sent).toEqual({ status: 400, body: { error: 'invalid_request', message: 'The body is not valid JSON.' } });
  });

  it('never shows the message of a 5xx HttpException it does not know', () => {
    const { host, sent } = captureResponse();
    new ApiExceptionFilter().catch(new HttpException('db password is hunter2', 502), host);
    expect(sent).toEqual({ status: 502, body: { error: 'internal_error', message: 'Bad Gateway' } });
  });
});
