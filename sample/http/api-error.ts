import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';

/** Every error the sample answers: clients branch on `error`, people read `message`. */
export interface ApiErrorBody {
  error: string;
  message: string;
}

const CODES_BY_STATUS: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'unavailable',
};

/** The error code for an HTTP status that came without one of ours. */
export function errorCodeForStatus(status: number): string {
  return CODES_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'http_error');
}

/** Our shape, with a snake_case code (Nest's own bodies say `error: 'Bad Request'`). */
export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const { error, message } = value as Partial<ApiErrorBody>;
  return typeof error === 'string' && /^[a-z][a-z0-9_]*$/.test(error) && typeof message === 'string';
}

/** Writes an error response directly (for middleware that runs before Nest's exception layer). */
export function sendApiError(res: Response, status: number, error: string, message: string): void {
  res.status(status).json({ error, message } satisfies ApiErrorBody);
}

/** A status's reason phrase, as a last-resort message. */
export function statusText(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
