import { Allow } from 'class-validator';

/** `{ name }`; PasskeyService checks it (1 to 64 characters of plain text, trimmed). */
export class RenamePasskeyDto {
  @Allow()
  readonly name?: unknown;
}
