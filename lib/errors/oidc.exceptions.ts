import { HttpStatus } from '@nestjs/common';
import { SessionHttpException } from './session.exceptions.js';

/** The provider's answer at the callback did not pass: bad or missing state, nonce, code or ID token. */
export class OidcCallbackException extends SessionHttpException {
  constructor(message = 'The single sign-on answer could not be verified; start the login again.') {
    super('invalid_oidc_callback', message, HttpStatus.BAD_REQUEST);
  }
}

/** The provider logged this provider session out while the login was completing. */
export class OidcSessionEndedException extends SessionHttpException {
  constructor() {
    super('oidc_session_ended', 'The single sign-on session ended at the provider; sign in again.', HttpStatus.BAD_REQUEST);
  }
}

/** The app's `resolveUser` refused the provider's user. */
export class OidcUserRefusedException extends SessionHttpException {
  constructor() {
    super('oidc_user_refused', 'This account may not sign in here.', HttpStatus.FORBIDDEN);
  }
}

/** The OpenID Provider could not be reached (discovery, token endpoint). */
export class OidcProviderUnavailableException extends SessionHttpException {
  constructor() {
    super('oidc_provider_unavailable', 'The single sign-on provider cannot be reached; try again shortly.', HttpStatus.SERVICE_UNAVAILABLE);
  }
}
