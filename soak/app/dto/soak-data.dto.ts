import { IsText } from '../../../sample/http/validation/is-text.decorator.js';

/** PUT /api/soak/data: one key and its value, written into the session. */
export class SoakDataDto {
  @IsText(32)
  readonly key!: string;

  @IsText(128)
  readonly value!: string;
}
