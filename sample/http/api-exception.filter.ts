import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { errorCodeForStatus, isApiErrorBody, sendApiError, statusText, type ApiErrorBody } from './api-error.js';

/** body-parser's error types (http-errors `type`), which Nest's adapter wraps as the cause. */
const BODY_PARSER_MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'The body is not valid JSON.',
  'entity.too.large': 'The body is too large.',
  'entity.verify.failed': 'The body was refused.',
  'encoding.unsupported': 'The body uses an unsupported Content-Encoding.',
  'charset.unsupported': 'The body uses an unsupported charset; send UTF-8 JSON.',
  'request.aborted': 'The request was aborted.',
  'request.size.invalid': 'The body is shorter or longer than Content-Length says.',
  'stream.encoding.set': 'The body could not be read.',
};

/**
 * Every error leaves as `{ error, message }`. Our own and the module's exceptions already have
 * that shape; other HTTP errors (unknown route, body-parser) get a code from their status; anything
 * else is a bug: logged here, answered with a generic 500 that reveals nothing.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Sample');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.describe(exception);
    if (res.headersSent) return;
    const retryAfter = retryAfterOf(exception);
    if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
    sendApiError(res, status, body.error, body.message);
  }

  private describe(exception: unknown): { status: number; body: ApiErrorBody } {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (isApiErrorBody(response)) return { status, body: { error: response.error, message: response.message } };
      const message = bodyParserMessage(exception.cause) ?? (status < 500 ? exception.message : statusText(status));
      return { status, body: { error: errorCodeForStatus(status), message } };
    }
    // The stack goes to the server log only, never to the client.
    this.logger.error('unexpected error', exception instanceof Error ? exception.stack : String(exception));
    return { status: 500, body: { error: 'internal_error', message: 'Something went wrong on our side.' } };
  }
}

/** Throttles and locks carry `retryAfter` (seconds); the header tells clients when to try again. */
function retryAfterOf(exception: unknown): number | undefined {
  if (!(exception instanceof HttpException) || exception.getStatus() !== 429) return undefined;
  const value = (exception as { retryAfter?: unknown }).retryAfter;
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function bodyParserMessage(cause: unknown): string | undefined {
  const type = typeof cause === 'object' && cause !== null ? (cause as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? BODY_PARSER_MESSAGES[type] : undefined;
}
