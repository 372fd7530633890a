/** Shared by the bench apps and the load generator (which reads the same values from bench/support/constants.mjs). */
export const BENCH_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';

/** Users whose id starts with this are enrolled in TOTP, all with {@link BENCH_TOTP_SECRET}. */
export const MFA_USER_PREFIX = 'mfa-';

/** Base32, 20 bytes: the RFC 6238 SHA-1 test seed "12345678901234567890". */
export const BENCH_TOTP_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

/** The MFA encryption key of the module app (32 bytes, base64url); a bench value, never a real one. */
export const BENCH_MFA_KEY = 'YmVuY2gtbWZhLWtleS1iZW5jaC1tZmEta2V5LTAxMjM';
