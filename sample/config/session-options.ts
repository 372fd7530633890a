import {
  MaxMindGeoResolver,
  type MfaSecretStore,
  type MonitoringOptions,
  type PasskeyStore,
  type SessionEventListener,
  type SessionModuleOptions,
} from '../../lib/index.js';
import { passkeyRelyingParty } from '../passkeys/passkey-relying-party.js';
import type { SampleConfig } from './sample.config.js';

export const MFA_ISSUER = 'nest-secure-session sample';

/** SESSION_STORE and its variables, as the module's `store` option. */
function moduleStore(store: SampleConfig['store']): SessionModuleOptions['store'] {
  switch (store.kind) {
    case 'memory':
      return { memory: {} };
    case 'redis':
      return { redis: { url: store.url, ...(store.prefix === undefined ? {} : { prefix: store.prefix }) } };
    case 'redis-cluster':
      return { redis: { cluster: { rootNodes: store.rootNodes } } };
    case 'redis-sentinel':
      return { redis: { sentinel: { sentinels: store.sentinels, name: store.name } } };
    case 'cookie': {
      // Sealed cookies (docs/sealed-cookies.md): ended sessions on a deny list, in Redis with REDIS_URL.
      const prefix = store.prefix === undefined ? {} : { prefix: store.prefix };
      const denyList = store.redisUrl === undefined ? { memory: {} } : { redis: { url: store.redisUrl, ...prefix } };
      return { cookie: { keys: store.keys, denyList } };
    }
  }
}

/**
 * Monitoring is always on in the sample (the security activity log); locations and the
 * location rules only with GEOIP_DB. ANOMALY_LOCATION_ACTION applies to both location rules.
 */
function monitoringFor(config: SampleConfig): MonitoringOptions {
  const action = config.anomalyLocationAction;
  return {
    ...(config.geoipDb === undefined ? {} : { geo: new MaxMindGeoResolver({ path: config.geoipDb }) }),
    locationJump: { action },
    impossibleTravel: { action },
  };
}

/** Access tokens, except with SESSION_STORE=cookie (no session index to check them against). */
export function tokensEnabled(config: SampleConfig): boolean {
  return config.store.kind !== 'cookie';
}

/** The SessionModule options the sample's configuration stands for. */
export function sessionOptionsFor(
  config: SampleConfig,
  secretStore: MfaSecretStore,
  onEvent?: SessionEventListener,
  passkeyStore?: PasskeyStore,
): SessionModuleOptions {
  const { store } = config;
  const relyingParty = passkeyRelyingParty(config.appOrigin);
  return {
    secret: config.secrets,
    store: moduleStore(store),
    idleTimeout: config.idleTimeout,
    absoluteTimeout: config.absoluteTimeout,
    rotateInterval: config.rotateInterval,
    mfa: {
      secretStore,
      issuer: MFA_ISSUER,
      ...(config.mfaMaxAttempts === undefined ? {} : { maxAttempts: config.mfaMaxAttempts }),
      ...(config.mfaEncryptionKeys === undefined ? {} : { encryptionKeys: config.mfaEncryptionKeys }),
      // The contract keeps other sessions on an MFA change; the module warns that this loosens its default.
      endOtherSessionsOnChange: config.mfaEndOtherSessions,
    },
    // Passkeys on APP_ORIGIN's host (WebAuthn refuses IP addresses and plain http except on localhost).
    ...(relyingParty && passkeyStore ? { passkeys: { ...relyingParty, rpName: MFA_ISSUER, store: passkeyStore } } : {}),
    onEvent,
    // State changes must come from the public origin, whatever Host a proxy passes on.
    csrf: { allowedOrigins: [config.appOrigin] },
    production: config.production,
    // Access tokens for APIs (docs/tokens.md): signed for this origin, dead with their session.
    // Not with sealed cookies: a token is checked against the session index, which they lack.
    ...(tokensEnabled(config)
      ? { tokens: { keys: config.tokenKeys, issuer: config.appOrigin, ...(config.tokenTtl === undefined ? {} : { ttl: config.tokenTtl }) } }
      : {}),
    // So `npm run sample` works over http://localhost: the cookie is then `sid` without Secure
    // (the module logs a warning). Production keeps the strict Secure `__Host-sid` cookie.
    allowInsecureHttp: !config.production,
    monitoring: monitoringFor(config),
    ...(config.oidc ? { oidc: oidcOptionsFor(config) } : {}),
  };
}

/** Where the sample takes the provider's answers: see docs/SAMPLE-HTTP.md. */
export const OIDC_CALLBACK_PATH = '/api/auth/oidc/callback';
export const OIDC_BACKCHANNEL_LOGOUT_PATH = '/api/auth/oidc/backchannel-logout';

function oidcOptionsFor(config: SampleConfig): NonNullable<SessionModuleOptions['oidc']> {
  const oidc = config.oidc!;
  return {
    issuer: oidc.issuer,
    clientId: oidc.clientId,
    ...(oidc.clientSecret === undefined ? {} : { clientSecret: oidc.clientSecret }),
    redirectUri: `${config.appOrigin}${OIDC_CALLBACK_PATH}`,
    postLogoutRedirectUri: `${config.appOrigin}/login`,
    scope: 'openid profile email',
    backchannelLogoutPath: OIDC_BACKCHANNEL_LOGOUT_PATH,
    // A local http:// provider (development, tests) outside production; the module warns.
    allowInsecureRequests: !config.production && oidc.issuer.startsWith('http://'),
  };
}
