/** Tokens of the OIDC part; internal, never exported from the package. */
export const OIDC_LINK_STORE = 'SESSION:OIDC_LINK_STORE';
export const OIDC_PROVIDER_CLIENT = 'SESSION:OIDC_PROVIDER_CLIENT';
export const RESOLVED_OIDC_OPTIONS = 'SESSION:RESOLVED_OIDC_OPTIONS';

/** The app-data key of the pre-login session that holds a started login (state, nonce, PKCE verifier). */
export const PENDING_LOGIN_KEY = 'oidc:login';
