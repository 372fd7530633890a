import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { MalformedPasskeyRequestException } from './passkey.exceptions.js';
import type { PasskeyTransport } from './passkey-store.interface.js';

const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** WebAuthn credential IDs are at most 1023 bytes. */
const MAX_ID_CHARS = 1_366;
/** Generous for any field of an attestation or assertion; the body parser bounds the whole. */
const MAX_FIELD_CHARS = 64 * 1024;
const TRANSPORTS: ReadonlySet<string> = new Set<PasskeyTransport>(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);
const ATTACHMENTS: ReadonlySet<string> = new Set(['platform', 'cross-platform']);
const MAX_NAME_LENGTH = 64;

type Fields = Record<string, unknown>;

function refuse(message: string): never {
  throw new MalformedPasskeyRequestException(message);
}

function object(value: unknown, name: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) refuse(`${name} must be an object.`);
  return value as Fields;
}

function base64url(fields: Fields, key: string, name: string, max = MAX_FIELD_CHARS, optional = false): string | undefined {
  const value = Object.hasOwn(fields, key) ? fields[key] : undefined;
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > max || !BASE64URL.test(value)) {
    refuse(`${name} must be a base64url string.`);
  }
  return value;
}

/** The fields every public-key credential answer has: `id` = `rawId`, `type`, attachment. */
function credentialFields(body: unknown): { fields: Fields; response: Fields; id: string; attachment: 'platform' | 'cross-platform' | undefined } {
  const fields = object(body, 'The body');
  const id = base64url(fields, 'id', 'id', MAX_ID_CHARS)!;
  const rawId = base64url(fields, 'rawId', 'rawId', MAX_ID_CHARS)!;
  if (rawId !== id) refuse('rawId must equal id.');
  if (fields['type'] !== 'public-key') refuse("type must be 'public-key'.");
  const attachment = fields['authenticatorAttachment'];
  if (attachment !== undefined && attachment !== null && !(typeof attachment === 'string' && ATTACHMENTS.has(attachment))) {
    refuse("authenticatorAttachment must be 'platform' or 'cross-platform'.");
  }
  const response = object(Object.hasOwn(fields, 'response') ? fields['response'] : undefined, 'response');
  return { fields, response, id, attachment: (attachment ?? undefined) as 'platform' | 'cross-platform' | undefined };
}

/**
 * A `navigator.credentials.create()` answer as JSON (`PublicKeyCredential.toJSON()`), rebuilt
 * from checked fields only: nothing else of the body (no `__proto__`, no extra keys) goes on.
 * Client extension results are dropped: the module asks for none.
 */
export function registrationResponse(body: unknown): RegistrationResponseJSON {
  const { response, id, attachment } = credentialFields(body);
  const transports = Object.hasOwn(response, 'transports') ? response['transports'] : [];
  if (!Array.isArray(transports) || transports.length > 10 || !transports.every((t) => typeof t === 'string' && t.length <= 32)) {
    refuse('response.transports must be a list of transport names.');
  }
  return {
    ...credentialEnvelope(id, attachment),
    response: {
      clientDataJSON: base64url(response, 'clientDataJSON', 'response.clientDataJSON')!,
      attestationObject: base64url(response, 'attestationObject', 'response.attestationObject')!,
      transports: (transports as string[]).filter((t) => TRANSPORTS.has(t)) as PasskeyTransport[],
    },
  };
}

/** A `navigator.credentials.get()` answer as JSON, rebuilt from checked fields only. */
export function authenticationResponse(body: unknown): AuthenticationResponseJSON {
  const { response, id, attachment } = credentialFields(body);
  const userHandle = base64url(response, 'userHandle', 'response.userHandle', 1_024, true);
  return {
    ...credentialEnvelope(id, attachment),
    response: {
      clientDataJSON: base64url(response, 'clientDataJSON', 'response.clientDataJSON')!,
      authenticatorData: base64url(response, 'authenticatorData', 'response.authenticatorData')!,
      signature: base64url(response, 'signature', 'response.signature')!,
      ...(userHandle === undefined ? {} : { userHandle }),
    },
  };
}

/**
 * What both answers carry around their `response`: the checked ID (also as `rawId`), the
 * attachment when given, and no client extension results (the module asks for none).
 */
function credentialEnvelope(id: string, attachment: ReturnType<typeof credentialFields>['attachment']) {
  return {
    id,
    rawId: id,
    type: 'public-key' as const,
    ...(attachment ? { authenticatorAttachment: attachment } : {}),
    clientExtensionResults: {},
  };
}

/**
 * A passkey's name for people: 1 to 64 characters of well-formed text without control
 * characters, trimmed. `undefined` (not given) gives `fallback`.
 */
export function passkeyName(value: unknown, fallback?: string): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string') refuse('name must be a string.');
  const name = value.trim();
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) refuse(`name must be 1 to ${MAX_NAME_LENGTH} characters.`);
  // eslint-disable-next-line no-control-regex
  if (!name.isWellFormed() || /[\u0000-\u001f\u007f-\u009f]/.test(name)) refuse('name must be plain text (no control characters).');
  return name;
}

/** A credential ID from a path: base64url, at most 1023 bytes' worth. */
export function credentialIdParam(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_CHARS || !BASE64URL.test(value)) {
    refuse('The passkey id must be a base64url string.');
  }
  return value;
}
