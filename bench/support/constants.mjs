// The plain-JS side of bench/apps/bench-constants.ts (the load generator runs without a TS loader).
export const MFA_USER_PREFIX = 'mfa-';
export const BENCH_TOTP_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
/** A current desktop browser's User-Agent: what the module stores with a typical session. */
export const BROWSER_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
