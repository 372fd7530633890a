import { generate } from 'otplib';

const PERIOD_S = 30;

/** The Base32 secret of an `otpauth://totp/...` URI (kept in memory, never printed). */
export function secretOf(otpauthUrl: string): string {
  const secret = new URL(otpauthUrl).searchParams.get('secret');
  if (!secret) throw new Error('soak: otpauth URI without a secret');
  return secret;
}

export function stepAt(epochMs: number): number {
  return Math.floor(epochMs / 1000 / PERIOD_S);
}

/** The sample's TOTP: SHA-1, 6 digits, 30-second steps. */
export function codeFor(secret: string, step: number): Promise<string> {
  return generate({ secret, epoch: step * PERIOD_S + 1, algorithm: 'sha1', digits: 6, period: PERIOD_S });
}
