import { randomText } from '../util/random-text.js';

/**
 * A session's public device handle: 16 random bytes in base64url. It names a session in device
 * lists, revocations and access tokens (`sid`) without being its ID; it is not a secret.
 */
export function newDeviceHandle(): string {
  return randomText(16);
}

/** True for text shaped like a handle {@link newDeviceHandle} makes; anything else is no session's. */
export function isDeviceHandle(value: unknown): value is string {
  return typeof value === 'string' && HANDLE_SHAPE.test(value);
}

const HANDLE_SHAPE = /^[A-Za-z0-9_-]{22}$/;
