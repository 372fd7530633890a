import type { GeoLocation } from './geo-location.js';

/**
 * What a session record keeps for monitoring (in `meta.geo`, carried across ID changes): the
 * last address seen and its location, so a request from the same address costs nothing, and
 * since when a step-up is demanded.
 */
export interface SessionGeoState {
  /** The last client IP a location was looked up for. */
  ip: string;
  /** When (epoch ms). */
  at: number;
  /** The last known location: an unknown address (private, unlisted) does not erase it. */
  location?: GeoLocation;
  /** An anomaly demanded MFA again at this time (MFA clock): MfaGuard refuses until a later verification. */
  stepUpSince?: number;
}

/** Only what the rules and the pages need, so a resolver's extra fields never reach the store. */
export function compactLocation(location: GeoLocation): GeoLocation {
  const { country, city, lat, lon, accuracyRadiusKm } = location;
  return {
    country,
    ...(city === undefined ? {} : { city }),
    ...(lat === undefined || lon === undefined || accuracyRadiusKm === undefined ? {} : { lat, lon, accuracyRadiusKm }),
  };
}
