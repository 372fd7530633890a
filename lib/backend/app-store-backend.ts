import { MemoryOidcLinkStore } from '../oidc/memory-oidc-link.store.js';
import type { SessionStore } from '../store/session-store.interface.js';
import type { SessionBackend } from './session-backend.js';

/**
 * An app's own SessionStore. Only the app knows where shared state can live beside it, so the
 * option resolver requires `sessionIndex` (or `false`) and `mfa.stateStore` with it; the
 * backend builds no companions, bounds every call by `storeTimeout` and closes nothing.
 */
export class AppStoreBackend implements SessionBackend {
  readonly boundsOwnOperations = false;
  readonly redis = undefined;

  constructor(readonly sessions: SessionStore) {}

  sessionIndex(): undefined {
    return undefined;
  }

  mfaState(): undefined {
    return undefined;
  }

  securityActivity(): undefined {
    return undefined;
  }

  private links: MemoryOidcLinkStore | undefined;

  /** In this process: one instance only beside an app's own store (documented). */
  oidcLinks(): MemoryOidcLinkStore {
    return (this.links ??= new MemoryOidcLinkStore());
  }

  async close(): Promise<void> {}
}
