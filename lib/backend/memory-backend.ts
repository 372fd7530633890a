import { MemorySessionIndex } from '../devices/memory-session-index.js';
import { MemoryMfaStateStore } from '../mfa/memory-mfa-state.store.js';
import { MemorySessionStore, type MemoryStoreOptions } from '../store/memory-session.store.js';
import { MemorySecurityActivityStore } from '../monitoring/memory-security-activity.store.js';
import { MemoryOidcLinkStore } from '../oidc/memory-oidc-link.store.js';
import { Lazy, type SessionBackend } from './session-backend.js';

/** Everything in this process's memory: one instance, nothing shared, nothing to connect. */
export class MemoryBackend implements SessionBackend {
  readonly sessions: MemorySessionStore;
  /** In memory nothing hangs: no timer is needed around a read. */
  readonly boundsOwnOperations = true;
  readonly redis = undefined;
  private readonly index = new Lazy(() => new MemorySessionIndex());
  private readonly mfa = new Lazy(() => new MemoryMfaStateStore());
  private readonly activity = new Lazy(() => new MemorySecurityActivityStore());
  private readonly links = new Lazy(() => new MemoryOidcLinkStore());

  constructor(options: MemoryStoreOptions = {}) {
    this.sessions = new MemorySessionStore(options);
  }

  sessionIndex(): MemorySessionIndex {
    return this.index.get();
  }

  mfaState(): MemoryMfaStateStore {
    return this.mfa.get();
  }

  securityActivity(): MemorySecurityActivityStore {
    return this.activity.get();
  }

  oidcLinks(): MemoryOidcLinkStore {
    return this.links.get();
  }

  async close(): Promise<void> {
    await this.index.built?.close();
    await this.sessions.close();
  }
}
