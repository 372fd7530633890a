import { Inject } from '@nestjs/common';
import { SESSION_STORE } from '../session.constants.js';

/** Injects the SessionStore the module uses. */
export const InjectSessionStore = () => Inject(SESSION_STORE);
