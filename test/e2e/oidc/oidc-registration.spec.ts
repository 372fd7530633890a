import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { OidcService, SessionModule, SessionOptionsError } from '../../../lib/index.js';

const SECRET = 'oidc-registration-secret-0123456789abcdefghij';
const OIDC = { issuer: 'https://idp.example.com', clientId: 'app', redirectUri: 'https://app.example.com/cb' };

/** OidcService exists only when `oidc` is configured (forRoot) or announced (forRootAsync `oidc: true`). */
describe('OIDC registration', () => {
  it('forRoot with oidc provides OidcService (the provider is not contacted at bootstrap)', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [SessionModule.forRoot({ secret: SECRET, oidc: OIDC })] }).compile();
    expect(moduleRef.get(OidcService)).toBeInstanceOf(OidcService);
    await moduleRef.close();
  });

  it('without oidc there is no OidcService', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [SessionModule.forRoot({ secret: SECRET })] }).compile();
    expect(() => moduleRef.get(OidcService)).toThrow();
    await moduleRef.close();
  });

  it('forRootAsync with oidc: true provides it; options without oidc then fail bootstrap', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [SessionModule.forRootAsync({ oidc: true, useFactory: () => ({ secret: SECRET, oidc: OIDC }) })],
    }).compile();
    expect(moduleRef.get(OidcService)).toBeInstanceOf(OidcService);
    await moduleRef.close();
    await expect(
      Test.createTestingModule({ imports: [SessionModule.forRootAsync({ oidc: true, useFactory: () => ({ secret: SECRET }) })] }).compile(),
    ).rejects.toThrow(SessionOptionsError);
  });
});
