import { IsText } from '../../http/validation/is-text.decorator.js';

/** Longer inputs are refused before scrypt sees them: hashing megabytes is a cheap DoS. */
const MAX_USERNAME_LENGTH = 128;
const MAX_PASSWORD_LENGTH = 1024;

/** POST /api/auth/login. Malformed input is 400 and never reaches the throttle's counters. */
export class LoginDto {
  @IsText(MAX_USERNAME_LENGTH)
  readonly username!: string;

  @IsText(MAX_PASSWORD_LENGTH)
  readonly password!: string;
}
