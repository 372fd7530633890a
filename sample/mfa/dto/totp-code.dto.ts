import { Matches } from 'class-validator';

/** `{ code }`: a TOTP code, exactly 6 ASCII digits, as a string (a number would lose leading zeros). */
export class TotpCodeDto {
  @Matches(/^[0-9]{6}$/, { message: 'code must be a string of 6 digits (0-9).' })
  readonly code!: string;
}
