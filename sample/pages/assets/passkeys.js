// Passkeys (WebAuthn) in the browser without a bundler: the server sends options as JSON
// (binary fields base64url-encoded), navigator.credentials wants ArrayBuffers, and the answer
// goes back as JSON again. These helpers do the conversions by hand.
import { api } from './app.js';

/** base64url (no padding) -> ArrayBuffer. */
export function fromBase64url(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/** ArrayBuffer (or a view) -> base64url without padding. */
export function toBase64url(buffer) {
  const bytes = buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Whether this browser can use passkeys at all (a secure context: https, or http://localhost). */
export function passkeysSupported() {
  return window.isSecureContext && typeof window.PublicKeyCredential === 'function' && Boolean(navigator.credentials);
}

/** Whether the browser offers passkeys in the username field's autofill (conditional UI). */
export async function autofillSupported() {
  if (!passkeysSupported() || typeof PublicKeyCredential.isConditionalMediationAvailable !== 'function') return false;
  return PublicKeyCredential.isConditionalMediationAvailable().catch(() => false);
}

function descriptors(list) {
  return (list ?? []).map((c) => ({ ...c, id: fromBase64url(c.id) }));
}

/** Creation options JSON -> what navigator.credentials.create() takes. */
function creationOptions(json) {
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    user: { ...json.user, id: fromBase64url(json.user.id) },
    excludeCredentials: descriptors(json.excludeCredentials),
  };
}

/** Request options JSON -> what navigator.credentials.get() takes. */
function requestOptions(json) {
  const options = { ...json, challenge: fromBase64url(json.challenge) };
  if (json.allowCredentials) options.allowCredentials = descriptors(json.allowCredentials);
  return options;
}

/** A new credential as JSON for the server. */
function registrationJson(credential) {
  const response = credential.response;
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    clientExtensionResults: {},
    response: {
      clientDataJSON: toBase64url(response.clientDataJSON),
      attestationObject: toBase64url(response.attestationObject),
      transports: typeof response.getTransports === 'function' ? response.getTransports() : [],
    },
  };
}

/** An assertion as JSON for the server. */
function assertionJson(credential) {
  const response = credential.response;
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    clientExtensionResults: {},
    response: {
      clientDataJSON: toBase64url(response.clientDataJSON),
      authenticatorData: toBase64url(response.authenticatorData),
      signature: toBase64url(response.signature),
      ...(response.userHandle ? { userHandle: toBase64url(response.userHandle) } : {}),
    },
  };
}

/** What a browser refusal says to a person (the user cancelled, the passkey exists already...). */
function browserRefusal(error) {
  const messages = {
    NotAllowedError: 'The passkey request was cancelled or timed out.',
    InvalidStateError: 'This device already holds a passkey for your account.',
    SecurityError: 'Passkeys need https, or http://localhost (not an IP address).',
    AbortError: 'The passkey request was cancelled.',
  };
  return { status: 0, ok: false, data: { error: 'browser', message: messages[error?.name] ?? `The browser refused: ${error?.message ?? error}` }, aborted: error?.name === 'AbortError' };
}

/** navigator.credentials.create() with creation options JSON; resolves to the new credential as JSON. */
export async function createCredentialJson(optionsJson) {
  return registrationJson(await navigator.credentials.create({ publicKey: creationOptions(optionsJson) }));
}

/** navigator.credentials.get() with request options JSON; resolves to the assertion as JSON. */
export async function getCredentialJson(optionsJson, { mediation, signal } = {}) {
  const request = { publicKey: requestOptions(optionsJson), ...(mediation ? { mediation } : {}), ...(signal ? { signal } : {}) };
  return assertionJson(await navigator.credentials.get(request));
}

/** Registers a passkey: options, navigator.credentials.create(), answer. Resolves to an api() result. */
export async function registerPasskey(name) {
  const options = await api('POST', '/api/passkeys/register/options');
  if (!options.ok) return options;
  let credential;
  try {
    credential = await createCredentialJson(options.data);
  } catch (error) {
    return browserRefusal(error);
  }
  return api('POST', '/api/passkeys/register', { credential, ...(name ? { name } : {}) });
}

/**
 * One assertion: POST `optionsPath`, navigator.credentials.get(), POST `{ credential }` to
 * `answerPath`. `mediation: 'conditional'` waits in the username field's autofill; `signal`
 * aborts it. Resolves to an api() result.
 */
export async function usePasskey(optionsPath, answerPath, { mediation, signal } = {}) {
  if (signal?.aborted) return browserRefusal({ name: 'AbortError' });
  const options = await api('POST', optionsPath);
  if (!options.ok) return options;
  let credential;
  try {
    credential = await getCredentialJson(options.data, { mediation, signal });
  } catch (error) {
    return browserRefusal(error);
  }
  return api('POST', answerPath, { credential });
}
