import { SetMetadata } from '@nestjs/common';
import { PUBLIC_ROUTE } from '../session.constants.js';

/** The route needs no session: session guards let every request through. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
