import type { Logger } from '@nestjs/common';
import { MfaSecretUnreadableException } from '../errors/mfa.exceptions.js';
import { SecretCipher, SecretDecryptionError } from './secret-cipher.js';

/**
 * TOTP secrets encrypted for the user they belong to: an enrolled secret (in the app's
 * secretStore) and a pending one (in the session) under different associated data.
 */
export class TotpSecretSealer {
  private readonly cipher: SecretCipher;

  constructor(
    keys: ConstructorParameters<typeof SecretCipher>[0],
    private readonly logger: Logger,
  ) {
    this.cipher = new SecretCipher(keys);
  }

  seal(secret: string, userId: string): string {
    return this.cipher.encrypt(secret, `totp-secret\0${userId}`);
  }

  sealPending(secret: string, userId: string): string {
    return this.cipher.encrypt(secret, `pending-totp-secret\0${userId}`);
  }

  open(envelope: string, userId: string): string {
    try {
      return this.cipher.decrypt(envelope, `totp-secret\0${userId}`);
    } catch (err) {
      if (!(err instanceof SecretDecryptionError)) throw err;
      this.logger.error(`the TOTP secret of a user cannot be decrypted: ${err.message}`);
      throw new MfaSecretUnreadableException();
    }
  }

  /** The pending secret, or undefined when it cannot be opened (keys changed since): enrolment starts over. */
  openPending(envelope: string, userId: string): string | undefined {
    try {
      return this.cipher.decrypt(envelope, `pending-totp-secret\0${userId}`);
    } catch {
      return undefined;
    }
  }

  /** Key rotation: whether the envelope is under an older key than the one that encrypts now. */
  isUnderOldKey(envelope: string): boolean {
    return SecretCipher.keyIdOf(envelope) !== this.cipher.primaryKeyId;
  }
}
