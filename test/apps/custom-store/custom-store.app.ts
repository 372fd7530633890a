import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { InjectSessionStore, MemorySessionIndex, SessionModule, type SessionStore } from '../../../lib/index.js';
import { BasicFeatureModule, TEST_SECRET } from '../basic/basic.app.js';
import { createApp } from '../kit/create-app.js';

/** An app service that reaches the module's store through @InjectSessionStore(). */
@Injectable()
export class StoreProbe {
  constructor(@InjectSessionStore() readonly store: SessionStore) {}
}

@Module({ providers: [StoreProbe], exports: [StoreProbe] })
class ProbeModule {}

/**
 * The basic routes on a store instance the app supplies. A custom store brings its session
 * index; this one lives in process memory like the test stores do.
 */
export function createCustomStoreApp(store: SessionStore): Promise<INestApplication> {
  return createApp({
    imports: [
      SessionModule.forRoot({ secret: TEST_SECRET, store, sessionIndex: new MemorySessionIndex(), isGlobal: true }),
      BasicFeatureModule,
      ProbeModule,
    ],
  });
}
