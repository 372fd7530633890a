import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { decodeJwt, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import Provider from 'oidc-provider';

/** One relying party the test provider knows: where it takes codes and logout tokens. */
export interface TestClient {
  clientId: string;
  clientSecret: string;
  /** The app's public origin (its redirect and post-logout URIs hang off it). */
  origin: string;
  /** Where the provider POSTs logout tokens (may be another instance of the same app). */
  backchannelLogoutUri: string;
}

/** What the provider did about back-channel logout: `ok <client>` or `error <client> <message>`. */
export type BackchannelLog = string[];

/** A private RS256 key in JWK form, with its kid. */
export async function rsaKey(kid: string): Promise<{ privateJwk: JWK; privateKey: CryptoKey }> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' }, privateKey };
}

/**
 * panva's oidc-provider in process on 127.0.0.1: dev interactions (any login and password),
 * code + PKCE, RP-initiated and back-channel logout with `sid` required. Its SSRF-protecting
 * fetch dispatcher (>= 9.10) refuses loopback, where the test apps listen: for this test
 * provider only, its `fetch` drops the dispatcher (see next-round-research.md c.4).
 */
export class TestProvider {
  readonly backchannel: BackchannelLog = [];
  /** The `sid` each client got in its last ID token, by client ID. */
  readonly lastSid = new Map<string, string>();
  /** The `sid` each client's last authorization response was issued under (known before the code is exchanged). */
  readonly authorizedSid = new Map<string, string>();
  /** Runs once, when the next token request arrives, before the provider answers it. */
  beforeNextTokenRequest: (() => Promise<void>) | undefined;
  private server!: Server;
  issuer!: string;
  provider!: Provider;

  constructor(private readonly signingKey: JWK) {}

  async start(clients: TestClient[]): Promise<void> {
    this.server = createServer();
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    const address = this.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no port');
    this.issuer = `http://127.0.0.1:${address.port}`;
    this.provider = new Provider(this.issuer, {
      clients: clients.map((client) => ({
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: [`${client.origin}/api/auth/oidc/callback`],
        post_logout_redirect_uris: [`${client.origin}/login`],
        backchannel_logout_uri: client.backchannelLogoutUri,
        backchannel_logout_session_required: true,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      })),
      jwks: { keys: [this.signingKey] },
      cookies: { keys: ['test-provider-cookie-key-0123456789abcdef'] },
      features: {
        devInteractions: { enabled: true },
        backchannelLogout: { enabled: true },
        rpInitiatedLogout: { enabled: true },
      },
      pkce: { required: () => true },
      ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
      claims: { openid: ['sub'], profile: ['preferred_username'] },
      findAccount: (_ctx: unknown, id: string) => ({
        accountId: id,
        claims: () => ({ sub: id, preferred_username: id }),
      }),
      // Test provider only: reach the apps on loopback.
      fetch: (url: URL | string, options: RequestInit & { dispatcher?: unknown }) => {
        delete options.dispatcher;
        return fetch(url, options);
      },
    } as never);
    this.provider.on('backchannel.success', (_ctx: unknown, client: { clientId: string }) => this.backchannel.push(`ok ${client.clientId}`));
    this.provider.on('backchannel.error', (_ctx: unknown, err: Error, client: { clientId: string }) =>
      this.backchannel.push(`error ${client.clientId} ${err.message}`),
    );
    this.provider.on('grant.success', (ctx: { body?: { id_token?: string }; oidc: { client?: { clientId: string } } }) => {
      const idToken = ctx.body?.id_token;
      const clientId = ctx.oidc.client?.clientId;
      if (idToken && clientId) {
        const { sid } = decodeJwt(idToken);
        if (typeof sid === 'string') this.lastSid.set(clientId, sid);
      }
    });
    this.provider.on('authorization.success', (ctx: { oidc: { client?: { clientId: string }; session?: { sidFor(id: string): string | undefined } } }) => {
      const clientId = ctx.oidc.client?.clientId;
      const sid = clientId ? ctx.oidc.session?.sidFor(clientId) : undefined;
      if (clientId && sid) this.authorizedSid.set(clientId, sid);
    });
    this.provider.use(async (ctx: { path: string }, next: () => Promise<void>) => {
      const hook = ctx.path === '/token' ? this.beforeNextTokenRequest : undefined;
      if (hook) {
        this.beforeNextTokenRequest = undefined;
        await hook();
      }
      await next();
    });
    this.server.on('request', this.provider.callback());
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close').catch(() => undefined);
  }
}
