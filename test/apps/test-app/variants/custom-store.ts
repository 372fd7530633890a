import { Injectable, type INestApplication } from '@nestjs/common';
import { InjectSessionStore, MemorySessionIndex, type SessionStore } from '../../../../lib/index.js';
import { createTestApp } from '../create-test-app.js';
import { AuthRoutes } from '../routes/auth.routes.js';
import { CartRoutes } from '../routes/cart.routes.js';
import { MfaRoutes } from '../routes/mfa.routes.js';

/** An app service that reaches the module's store through @InjectSessionStore(). */
@Injectable()
export class StoreProbe {
  constructor(@InjectSessionStore() readonly store: SessionStore) {}
}

/**
 * The auth and cart routes on a store instance the app supplies. A custom store brings its
 * session index; this one lives in process memory like the test stores do.
 */
export function createCustomStoreApp(store: SessionStore): Promise<INestApplication> {
  return createTestApp({
    session: { store, sessionIndex: new MemorySessionIndex() },
    routes: [AuthRoutes, CartRoutes, MfaRoutes],
    providers: [StoreProbe],
  });
}
