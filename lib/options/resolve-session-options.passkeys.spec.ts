import { Controller, Get, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { SessionOptionsError } from '../errors/session-options.error.js';
import type { MfaSecretStore } from '../mfa/mfa-secret-store.interface.js';
import { resolveSessionOptions } from './resolve-session-options.js';
import type { PasskeyOptions, SessionModuleOptions } from './session-module-options.interface.js';
import { SessionModule } from '../session.module.js';
import { MemoryPasskeyStore } from '../testing/memory-passkey.store.js';
import { PasskeyService } from '../passkeys/passkey.service.js';

const SECRET = 'a'.repeat(32);
const secretStore: MfaSecretStore = { find: async () => null, save: async () => undefined, remove: async () => undefined };
const passkeys = (changes: Partial<PasskeyOptions> = {}): PasskeyOptions => ({
  rpID: 'example.com',
  rpName: 'Example',
  origins: ['https://example.com'],
  store: new MemoryPasskeyStore(),
  ...changes,
});

function problems(options: Partial<SessionModuleOptions>): readonly string[] {
  try {
    resolveSessionOptions({ secret: SECRET, production: false, mfa: { secretStore }, ...options } as SessionModuleOptions, { warn: () => undefined });
  } catch (err) {
    expect(err).toBeInstanceOf(SessionOptionsError);
    return (err as SessionOptionsError).problems;
  }
  return [];
}

describe('passkeys options', () => {
  it('accepts a domain with its https origins and subdomains, and localhost over http', () => {
    expect(problems({ passkeys: passkeys({ origins: ['https://example.com', 'https://www.example.com:8443'] }) })).toEqual([]);
    expect(problems({ passkeys: passkeys({ rpID: 'localhost', origins: ['http://localhost:3000'] }) })).toEqual([]);
  });

  it('defaults challengeTtl to 5 minutes and refuses longer', () => {
    const resolved = resolveSessionOptions({ secret: SECRET, mfa: { secretStore }, passkeys: passkeys() }, { warn: () => undefined });
    expect(resolved.passkeys?.challengeTtl).toBe(300_000);
    expect(problems({ passkeys: passkeys({ challengeTtl: 300_001 }) })).toEqual([
      'passkeys.challengeTtl must be a number of milliseconds from 1000 to 300000, not 300001.',
    ]);
  });

  it.each([
    ['an IP address', { rpID: '127.0.0.1', origins: ['http://127.0.0.1:3000'] }, /rpID/],
    ['a scheme in the rpID', { rpID: 'https://example.com' }, /rpID/],
    ['an origin of another site', { origins: ['https://evil.example.org'] }, /not on the rpID/],
    ['plain http off localhost', { origins: ['http://example.com'] }, /https/],
    ['an origin with a path', { origins: ['https://example.com/login'] }, /exact origin/],
    ['no origins', { origins: [] }, /non-empty list/],
    ['an empty rpName', { rpName: ' ' }, /rpName/],
    ['a store without methods', { store: {} as never }, /PasskeyStore/],
  ])('refuses %s', (_label, changes, expected) => {
    const found = problems({ passkeys: passkeys(changes as Partial<PasskeyOptions>) });
    expect(found.some((problem) => expected.test(problem))).toBe(true);
  });

  it('needs mfa', () => {
    expect(problems({ mfa: undefined, passkeys: passkeys() })).toEqual([expect.stringMatching(/passkeys needs mfa/)]);
  });
});

@Controller()
class NothingController {
  @Get()
  nothing(): string {
    return '';
  }
}

describe('PasskeyService registration', () => {
  async function moduleWith(imports: unknown[]) {
    @Module({ imports: imports as never[], controllers: [NothingController] })
    class AppModule {}
    return Test.createTestingModule({ imports: [AppModule] }).compile();
  }

  it('is registered with forRoot({ passkeys }) and absent without', async () => {
    const withPasskeys = await moduleWith([SessionModule.forRoot({ secret: SECRET, mfa: { secretStore }, passkeys: passkeys() })]);
    expect(withPasskeys.get(PasskeyService, { strict: false })).toBeInstanceOf(PasskeyService);
    await withPasskeys.close();
    const without = await moduleWith([SessionModule.forRoot({ secret: SECRET, mfa: { secretStore } })]);
    expect(() => without.get(PasskeyService, { strict: false })).toThrow();
    await without.close();
  });

  it('forRootAsync must be told passkeys: true when its options have passkeys', async () => {
    const build = moduleWith([
      SessionModule.forRootAsync({ mfa: true, useFactory: () => ({ secret: SECRET, mfa: { secretStore }, passkeys: passkeys() }) }),
    ]);
    await expect(build).rejects.toThrow(/passkeys: true/);
    const told = await moduleWith([
      SessionModule.forRootAsync({ mfa: true, passkeys: true, useFactory: () => ({ secret: SECRET, mfa: { secretStore }, passkeys: passkeys() }) }),
    ]);
    expect(told.get(PasskeyService, { strict: false })).toBeInstanceOf(PasskeyService);
    await told.close();
  });
});
