/** Tokens the tokens feature keeps to itself: never exported from the package. */

/** The resolved `tokens` options; provided only when tokens are registered. */
export const RESOLVED_TOKEN_OPTIONS = 'SESSION:RESOLVED_TOKEN_OPTIONS';

/** Whether SessionModule registered SessionTokens (forRoot: `tokens` given; forRootAsync: `tokens: true`). */
export const TOKENS_REGISTERED = 'SESSION:TOKENS_REGISTERED';
