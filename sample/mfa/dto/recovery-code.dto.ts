import { IsString } from 'class-validator';

/**
 * `{ code }`: a recovery code. Only its type is checked here: MfaService owns the shape (16
 * characters in groups, forgiving case, spaces and look-alikes) and answers 400 with this same
 * message when it does not fit.
 */
export class RecoveryCodeDto {
  @IsString({
    message:
      'code must be a recovery code: 16 characters, as shown (xxxx-xxxx-xxxx-xxxx) or with spaces or nothing between the groups; case does not matter.',
  })
  readonly code!: string;
}
