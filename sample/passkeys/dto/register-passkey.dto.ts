import { Allow } from 'class-validator';
import { PasskeyCredentialDto } from './passkey-credential.dto.js';

/** `{ credential, name? }`; PasskeyService checks the name (1 to 64 characters of plain text, trimmed; "Passkey" when absent). */
export class RegisterPasskeyDto extends PasskeyCredentialDto {
  @Allow()
  readonly name?: unknown;
}
