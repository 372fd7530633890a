import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** A parsed JSON object body, its fields still unchecked. */
export type JsonObject = Record<string, unknown>;

function invalid(message: string): BadRequestException {
  return new BadRequestException({ error: 'invalid_request', message });
}

/**
 * The request body as a JSON object, or 400 `invalid_request`: only `application/json` is read
 * (a form or `text/plain` post, what a cross-site page can send without CORS, is refused).
 */
export const JsonBody = createParamDecorator((_data: unknown, context: ExecutionContext): JsonObject => {
  const req = context.switchToHttp().getRequest<Request>();
  if (!req.is('application/json')) throw invalid('Send the body as JSON with Content-Type: application/json.');
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('The body must be a JSON object.');
  return body as JsonObject;
});

/** A required non-empty string field of at most `maxLength` characters. */
export function stringField(body: JsonObject, name: string, maxLength: number): string {
  const value = body[name];
  if (typeof value !== 'string' || value.length === 0) throw invalid(`${name} must be a non-empty string.`);
  if (value.length > maxLength) throw invalid(`${name} must be at most ${maxLength} characters.`);
  // A lone UTF-16 surrogate (JSON allows `"\ud800"`) is no text a person typed; refuse it here
  // rather than let it reach key encodings, logs or the password hash.
  if (!value.isWellFormed()) throw invalid(`${name} must be well-formed Unicode text.`);
  return value;
}

/** A TOTP code: exactly 6 ASCII digits, as a string (a number would lose leading zeros). */
export function codeField(body: JsonObject, name = 'code'): string {
  const value = body[name];
  if (typeof value !== 'string' || !/^[0-9]{6}$/.test(value)) throw invalid(`${name} must be a string of 6 digits (0-9).`);
  return value;
}
