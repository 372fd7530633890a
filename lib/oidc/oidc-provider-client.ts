import { Logger } from '@nestjs/common';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import type { Configuration } from 'openid-client';
import type { ResolvedOidcOptions } from './oidc-options.js';

/** openid-client's module, loaded on first use: an app without `oidc` never needs it installed. */
export type OpenIdClient = typeof import('openid-client');

/** The provider as discovered once: openid-client's configuration and the JWKS of its logout tokens. */
export interface DiscoveredProvider {
  client: OpenIdClient;
  config: Configuration;
  /** The issuer the discovery document names (tokens must carry exactly this `iss`). */
  issuer: string;
  /** Cached, refetched on an unknown `kid` at most every 30 s, each fetch bounded to 5 s. */
  jwks: JWTVerifyGetKey;
  /** The asymmetric algorithms the provider signs ID tokens with. */
  algorithms: string[];
}

/** Asymmetric JWS algorithms: a logout token is never MACed with the client secret nor unsigned. */
const ASYMMETRIC = /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/;

/**
 * Discovers the provider on first use and keeps the result; a failed discovery is retried on
 * the next call (at most every 5 s) rather than cached.
 */
export class OidcProviderClient {
  private readonly logger = new Logger('SessionModule');
  private discovered: Promise<DiscoveredProvider> | undefined;
  private failedAt = 0;

  constructor(private readonly options: ResolvedOidcOptions) {}

  async provider(): Promise<DiscoveredProvider> {
    if (!this.discovered && Date.now() - this.failedAt < 5_000) throw new Error('OpenID Provider discovery failed recently');
    this.discovered ??= this.discover().catch((err: unknown) => {
      this.discovered = undefined;
      this.failedAt = Date.now();
      this.logger.warn(`OpenID Provider discovery failed: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    });
    return this.discovered;
  }

  private async discover(): Promise<DiscoveredProvider> {
    const client: OpenIdClient = await import('openid-client');
    const { issuer, clientId, clientSecret, allowInsecureRequests } = this.options;
    const config = await client.discovery(
      new URL(issuer),
      clientId,
      { redirect_uris: [this.options.redirectUri], response_types: ['code'] },
      clientSecret !== undefined ? client.ClientSecretBasic(clientSecret) : client.None(),
      { execute: allowInsecureRequests ? [client.allowInsecureRequests] : [], timeout: 10 },
    );
    const metadata = config.serverMetadata();
    if (typeof metadata.jwks_uri !== 'string') throw new Error('the provider publishes no jwks_uri');
    const algorithms = (metadata.id_token_signing_alg_values_supported ?? ['RS256']).filter((alg) => ASYMMETRIC.test(alg));
    return {
      client,
      config,
      issuer: metadata.issuer,
      jwks: createRemoteJWKSet(new URL(metadata.jwks_uri), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000, timeoutDuration: 5_000 }),
      algorithms: algorithms.length > 0 ? algorithms : ['RS256'],
    };
  }
}
