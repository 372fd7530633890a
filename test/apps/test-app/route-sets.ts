import type { RouteSet } from './create-test-app.js';
import { ActivityRoutes } from './routes/activity.routes.js';
import { AuthRoutes } from './routes/auth.routes.js';
import { CartRoutes } from './routes/cart.routes.js';
import { CountRoutes } from './routes/count.routes.js';
import { DataRoutes } from './routes/data.routes.js';
import { DeviceRoutes } from './routes/device.routes.js';
import { LifetimeRoutes } from './routes/lifetime.routes.js';
import { MfaRoutes } from './routes/mfa.routes.js';
import { TokenRoutes } from './routes/token.routes.js';

/**
 * The compositions several suites share, named. A spec that needs something else lists its
 * route sets itself: `createTestApp({ session, routes: [AuthRoutes, ...] })`.
 */

/** Login, cart and the MFA routes: what most module-level specs need. */
export const BASIC_ROUTES: RouteSet[] = [AuthRoutes, CartRoutes, MfaRoutes];

/** Login and every MFA route. */
export const MFA_ROUTES: RouteSet[] = [AuthRoutes, MfaRoutes];

/** Login, MFA, the sample's device list and the account actions. */
export const DEVICE_APP_ROUTES: RouteSet[] = [AuthRoutes, MfaRoutes, DeviceRoutes];

/** Login, cart, session data, and the public and gated slow routes: session lifetime suites. */
export const LIFETIME_APP_ROUTES: RouteSet[] = [AuthRoutes, CartRoutes, DataRoutes, LifetimeRoutes];

/** Login and session data (open routes: any key, including prototype names). */
export const DATA_APP_ROUTES: RouteSet[] = [AuthRoutes, DataRoutes];

/** Login and bearer tokens. */
export const TOKEN_APP_ROUTES: RouteSet[] = [AuthRoutes, TokenRoutes];

/** Login and the security activity log. */
export const MONITORING_APP_ROUTES: RouteSet[] = [AuthRoutes, ActivityRoutes];

/** Login and a counter for every method: the CSRF check's subject. */
export const CSRF_APP_ROUTES: RouteSet[] = [AuthRoutes, CountRoutes];
