import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Totp, TOTP_SECRET_BYTES } from './totp.js';
import { isCi } from '../../test/support/ci.js';

const ascii = (text: string) => new TextEncoder().encode(text);

/** RFC 6238 Appendix B: one seed per algorithm, of the hash's own length. */
const SEEDS = {
  sha1: ascii('12345678901234567890'),
  sha256: ascii('12345678901234567890123456789012'),
  sha512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
} as const;

/** RFC 6238 Appendix B table: time (s) -> 8-digit codes for SHA1, SHA256, SHA512. */
const VECTORS: Array<[number, string, string, string]> = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

const ALGORITHMS = ['sha1', 'sha256', 'sha512'] as const;

const BASE32 = /^[A-Z2-7]+$/;

function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of text) bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** A Totp whose clock stands still at `seconds` (epoch). */
function at(seconds: number, policy: ConstructorParameters<typeof Totp>[0] = { pastSteps: 1 }): Totp {
  return new Totp(policy, () => seconds * 1000);
}

describe('T10 TOTP RFC 6238 Appendix B vectors through Totp', () => {
  for (const [index, algorithm] of ALGORITHMS.entries()) {
    describe(algorithm, () => {
      it.each(VECTORS.map((row) => ({ time: row[0], code: row[index + 1] as string })))(
        'at $time s the code is $code, and it verifies at that step',
        async ({ time, code }) => {
          const totp = at(time, { pastSteps: 0, algorithm, digits: 8 });
          expect(await totp.generate(SEEDS[algorithm])).toBe(code);
          expect(await totp.verify(SEEDS[algorithm], code)).toEqual({ timeStep: Math.floor(time / 30) });
        },
      );
    });
  }

  it('a code of one algorithm does not verify under another', async () => {
    const sha256 = at(59, { pastSteps: 0, algorithm: 'sha256', digits: 8 });
    expect(await sha256.verify(SEEDS.sha1, '94287082')).toBeNull();
  });
});

describe('T11 TOTP window', () => {
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  // Mid-step, so no test sits on a step boundary.
  const step = 56_666_700;
  const now = step * 30 + 15;
  const codeAt = (offsetSteps: number) => at(now + offsetSteps * 30).generate(secret);

  it('the current step is accepted and reports its counter', async () => {
    expect(await at(now, { pastSteps: 0 }).verify(secret, await codeAt(0))).toEqual({ timeStep: step });
  });

  it('one step back is accepted with pastSteps 1 and refused with pastSteps 0', async () => {
    const code = await codeAt(-1);
    expect(await at(now, { pastSteps: 1 }).verify(secret, code)).toEqual({ timeStep: step - 1 });
    expect(await at(now, { pastSteps: 0 }).verify(secret, code)).toBeNull();
  });

  it('two steps back are refused with pastSteps 1', async () => {
    expect(await at(now, { pastSteps: 1 }).verify(secret, await codeAt(-2))).toBeNull();
  });

  it('future steps are refused whatever pastSteps says', async () => {
    for (const pastSteps of [0, 1, 2]) {
      expect(await at(now, { pastSteps }).verify(secret, await codeAt(1))).toBeNull();
      expect(await at(now, { pastSteps }).verify(secret, await codeAt(2))).toBeNull();
    }
  });

  it('a code at or before an already consumed step is refused (afterTimeStep)', async () => {
    const totp = at(now, { pastSteps: 1 });
    const current = await codeAt(0);
    const previous = await codeAt(-1);
    expect(await totp.verify(secret, current, step)).toBeNull();
    expect(await totp.verify(secret, previous, step - 1)).toBeNull();
    expect(await totp.verify(secret, current, step - 1)).toEqual({ timeStep: step });
  });

  it('a wrong code and codes of the wrong shape are refused without throwing', async () => {
    const totp = at(now);
    const right = await codeAt(0);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    for (const code of [wrong, '', '12345', '1234567', ` ${right}`, `${right}\n`, '12345a', '１２３４５６']) {
      expect(await totp.verify(secret, code)).toBeNull();
    }
  });
});

describe('Totp against oathtool (an independent implementation)', () => {
  const available = (() => {
    try {
      execFileSync('oathtool', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  if (!available) {
    if (isCi()) {
      it('oathtool is installed (CI requires it)', () => {
        throw new Error('oathtool is not installed: apt-get install oathtool (.ci/run does)');
      });
    } else {
      console.warn(
        `\n${'!'.repeat(78)}\n  oathtool is NOT installed: the cross-check of Totp against it is SKIPPED.\n  Install it: apt-get install oathtool\n${'!'.repeat(78)}\n`,
      );
    }
  }

  it.runIf(available)('a code made by `oathtool --totp -b` for a generated secret is accepted', async () => {
    const secret = Totp.generateSecret();
    for (const seconds of [59, 1_234_567_890, 1_700_000_015, Math.floor(Date.now() / 1000)]) {
      const code = execFileSync('oathtool', ['--totp', '-b', '-N', `@${seconds}`, secret], { encoding: 'utf8' }).trim();
      expect(code).toMatch(/^\d{6}$/);
      const totp = at(seconds, { pastSteps: 0 });
      expect(await totp.verify(secret, code)).toEqual({ timeStep: Math.floor(seconds / 30) });
      expect(await totp.generate(secret)).toBe(code);
    }
  });
});

describe('secrets and enrolment URI (T15 shape)', () => {
  it('a generated secret is 20 random bytes: 32 Base32 characters, no padding', () => {
    expect(TOTP_SECRET_BYTES).toBe(20);
    const secret = Totp.generateSecret();
    expect(secret).toMatch(BASE32);
    expect(secret).toHaveLength(32);
    expect(base32Decode(secret)).toHaveLength(20);
  });

  it('secrets are unique', () => {
    const secrets = new Set(Array.from({ length: 1_000 }, () => Totp.generateSecret()));
    expect(secrets.size).toBe(1_000);
  });

  it('the otpauth URI is otpauth://totp/Issuer:label?secret=...&issuer=Issuer', () => {
    const secret = Totp.generateSecret();
    const uri = new URL(at(0).uri(secret, 'Acme', 'alice'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Acme:alice');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Acme');
    expect(uri.toString()).toMatch(new RegExp(`^otpauth://totp/Acme:alice\\?secret=${secret}&issuer=Acme`));
  });

  it('the URI encodes issuer and label that contain spaces or @', () => {
    const uri = new URL(at(0).uri('JBSWY3DPEHPK3PXP', 'Acme Corp', 'alice@example.com'));
    expect(decodeURIComponent(uri.pathname)).toBe('/Acme Corp:alice@example.com');
    expect(uri.searchParams.get('issuer')).toBe('Acme Corp');
  });
});
