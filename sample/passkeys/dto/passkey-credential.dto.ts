import { Allow } from 'class-validator';

/**
 * `{ credential }`: the browser's answer, `PublicKeyCredential.toJSON()`. Passed on unchecked:
 * PasskeyService rebuilds it from checked fields only and answers 400 naming the field at fault
 * (`response.signature must be a base64url string.`); checking it here too would say the same
 * thing twice, and differently.
 */
export class PasskeyCredentialDto {
  @Allow()
  readonly credential?: unknown;
}
