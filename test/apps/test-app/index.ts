/**
 * The one test app: `createTestApp({ session, routes, ... })` composes route sets around a
 * SessionModule import; `startApp` runs it on the store under test; the harnesses add login and
 * MFA helpers. See test/README.md.
 */
export { createTestApp, testSessionModule, TestRoutesModule, type RouteSet, type SessionForRootOptions, type TestAppOptions } from './create-test-app.js';
export { startApp, type RunningApp } from './running-app.js';
export { COOKIE, DatabaseLikeMfaSecrets, InMemoryMfaSecrets, TEST_SECRET, testMfa, testOptions } from './secrets.js';
export { AuthRoutes, DisabledAccounts, type LoginBody } from './routes/auth.routes.js';
export { CartRoutes } from './routes/cart.routes.js';
export { MfaRoutes, SENSITIVE_MAX_AGE } from './routes/mfa.routes.js';
export { AccountRoutes, DeviceRoutes } from './routes/device.routes.js';
export { DataRoutes } from './routes/data.routes.js';
export { gates, handlerRuns, LifetimeRoutes } from './routes/lifetime.routes.js';
export { CookieOrBearerGuard, TokenRoutes } from './routes/token.routes.js';
export { ActivityRoutes } from './routes/activity.routes.js';
export { CountRoutes } from './routes/count.routes.js';
export { startBasicApp, type RunningBasicApp } from './harness/basic.harness.js';
export { secretOf, startMfaApp, type Enrolled, type RunningMfaApp, type TestClock } from './harness/mfa.harness.js';
export {
  CHROME_ANDROID,
  DevicesBrowser,
  DevicesHarness,
  FIREFOX_WINDOWS,
  SAFARI_IPHONE,
  type SessionRow,
} from './harness/devices.harness.js';
export {
  BASIC_ROUTES,
  CSRF_APP_ROUTES,
  DATA_APP_ROUTES,
  DEVICE_APP_ROUTES,
  LIFETIME_APP_ROUTES,
  MFA_ROUTES,
  MONITORING_APP_ROUTES,
  TOKEN_APP_ROUTES,
} from './route-sets.js';
export { EnrolledUsers } from './harness/enrolled-users.js';
export { createCustomStoreApp, StoreProbe } from './variants/custom-store.js';
export { MapSessionStore } from './variants/map-session.store.js';
export { AppConfig, AppConfigModule, SessionConfigService, type AppConfigValues } from './variants/app-config.module.js';
export { createGlobalGuardsApp } from './variants/global-guards.js';
