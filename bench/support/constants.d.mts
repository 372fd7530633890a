// Types of constants.mjs, for the TypeScript side of the bench.
export declare const MFA_USER_PREFIX: string;
export declare const BENCH_TOTP_SECRET: string;
export declare const BROWSER_USER_AGENT: string;
