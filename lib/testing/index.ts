/**
 * The `nest-secure-session/testing` entry: what an app's own tests need. It loads `supertest`
 * (an optional peer of the package: install it as a dev dependency, with `@types/supertest`
 * for TypeScript); the main entry never loads it.
 */
export { TestBrowser, type TestBrowserOptions } from './test-browser.js';
export { parseSetCookie, setCookies, type ParsedCookie } from './set-cookie.js';
export { useSessionTestClock, type FakeDateTimers, type SessionTestClock } from './session-test-clock.js';
export {
  describeSessionStoreConformance,
  type ConformanceRunner,
  type SessionStoreConformanceOptions,
} from './session-store-conformance.js';
export { MemoryPasskeyStore } from './memory-passkey.store.js';
