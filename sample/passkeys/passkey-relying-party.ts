/**
 * The WebAuthn relying party APP_ORIGIN stands for: its host as the RP ID and the origin
 * itself. Undefined (no passkeys) where browsers refuse WebAuthn: an IP address, or plain http
 * anywhere but localhost. So the sample's pages must be opened as http://localhost:PORT.
 */
export function passkeyRelyingParty(appOrigin: string): { rpID: string; origins: string[] } | undefined {
  const url = new URL(appOrigin);
  const host = url.hostname;
  if (/^[0-9.]+$/.test(host) || host.startsWith('[')) return undefined;
  const localhost = host === 'localhost' || host.endsWith('.localhost');
  if (url.protocol !== 'https:' && !localhost) return undefined;
  return { rpID: host, origins: [url.origin] };
}
