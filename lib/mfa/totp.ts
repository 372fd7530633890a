import { generateSecret, generateURI, verify, generate } from 'otplib';
import type { HashAlgorithm } from 'otplib';

export interface TotpPolicy {
  /** Steps before the current one still accepted (clock drift). Future steps never are. */
  pastSteps: number;
  /** @default 'sha1', what authenticator apps use */
  algorithm?: HashAlgorithm;
  /** @default 6 */
  digits?: 6 | 7 | 8;
  /** Step length in seconds. @default 30 */
  period?: number;
}

export interface TotpMatch {
  /** The RFC 6238 counter T of the matching step: the unit replay protection consumes. */
  timeStep: number;
}

/** 20 random bytes (160 bits), as RFC 4226 R6 recommends. */
export const TOTP_SECRET_BYTES = 20;

/** TOTP on otplib: secrets, otpauth URIs and verification with an injectable clock. */
export class Totp {
  private readonly algorithm: HashAlgorithm;
  private readonly digits: 6 | 7 | 8;
  private readonly period: number;
  private readonly codeShape: RegExp;

  constructor(
    private readonly policy: TotpPolicy,
    /** Epoch milliseconds; injected by tests. The server clock, never one the client sends. */
    private readonly now: () => number = Date.now,
  ) {
    this.algorithm = policy.algorithm ?? 'sha1';
    this.digits = policy.digits ?? 6;
    this.period = policy.period ?? 30;
    this.codeShape = new RegExp(`^\\d{${this.digits}}$`);
  }

  /** A new Base32 secret (no padding) of {@link TOTP_SECRET_BYTES} random bytes. */
  static generateSecret(): string {
    return generateSecret({ length: TOTP_SECRET_BYTES });
  }

  /** `otpauth://totp/Issuer:label?secret=...&issuer=Issuer` (Key URI format). */
  uri(secret: string, issuer: string, label: string): string {
    return generateURI({ issuer, label, secret, algorithm: this.algorithm, digits: this.digits, period: this.period });
  }

  /** The code for the current step (for tests and tools; never sent to clients). */
  async generate(secret: string | Uint8Array): Promise<string> {
    return generate({ secret, epoch: this.epochSeconds(), algorithm: this.algorithm, digits: this.digits, period: this.period });
  }

  /**
   * Checks `code` against the current step and `pastSteps` steps back.
   * @param afterTimeStep when given, steps at or before it are refused (already consumed).
   */
  async verify(secret: string | Uint8Array, code: string, afterTimeStep?: number): Promise<TotpMatch | null> {
    if (!this.codeShape.test(code)) return null;
    const result = await verify({
      secret,
      token: code,
      epoch: this.epochSeconds(),
      algorithm: this.algorithm,
      digits: this.digits,
      period: this.period,
      epochTolerance: [this.policy.pastSteps * this.period, 0],
      ...(afterTimeStep === undefined ? {} : { afterTimeStep }),
    });
    // The TOTP strategy always reports the matched step.
    return result.valid ? { timeStep: (result as { timeStep: number }).timeStep } : null;
  }

  private epochSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
