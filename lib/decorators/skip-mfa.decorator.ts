import { SetMetadata } from '@nestjs/common';
import { SKIP_MFA } from '../session.constants.js';

/** A password-authenticated session may reach the route before MFA (the MFA step, logout). */
export const SkipMfa = () => SetMetadata(SKIP_MFA, true);
