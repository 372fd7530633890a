/**
 * Where an IP address is, as a GeoIP database or a CDN says: a point and how far off it may be.
 * Country-level records (no city) sit at the country's centre with a large radius. A source
 * without coordinates (a MaxMind Country database, a CDN sending only the country) gives the
 * country alone: it is shown, but no distance rule can use it.
 */
export interface GeoLocation {
  /** ISO 3166-1 alpha-2 country code, e.g. `GB`. */
  country: string;
  /** City name (English), when the source knows it. */
  city?: string;
  /** Degrees, -90 to 90; with `lon` and `accuracyRadiusKm`, or none of them. */
  lat?: number;
  /** Degrees, -180 to 180. */
  lon?: number;
  /** The point is within this many km of the client, as the source claims (MaxMind `accuracy_radius`). */
  accuracyRadiusKm?: number;
}

/** A location a distance can be measured from. */
export type GeoPoint = GeoLocation & { lat: number; lon: number; accuracyRadiusKm: number };

export function hasPoint(location: GeoLocation | undefined): location is GeoPoint {
  return location !== undefined && location.lat !== undefined && location.lon !== undefined && location.accuracyRadiusKm !== undefined;
}

/** What a resolver may read besides the address: the request's headers (for CDN geo headers). */
export interface GeoLookupContext {
  /** As Node gives them: lower-case names; a repeated header as a list. */
  headers?: Readonly<Record<string, string | string[] | undefined>>;
  /** The TCP peer's address: a CDN header counts only when this peer is a trusted proxy. */
  peerTrusted?: boolean;
}

/**
 * The seam that turns a client IP into a location. `undefined` = unknown: private, loopback,
 * link-local and unlisted addresses have no location, and an unknown location never raises an
 * alarm. May answer synchronously (the MaxMind resolver does: a request pays no promise hop).
 */
export interface GeoResolver {
  lookup(ip: string, context?: GeoLookupContext): GeoLocation | undefined | Promise<GeoLocation | undefined>;
  /** Releases files or watchers; called on application shutdown. */
  close?(): void | Promise<void>;
}

/** A place as events, the activity log and the sample show it. */
export interface Place {
  country: string;
  city: string | null;
}

export function placeOf(location: GeoLocation | undefined): Place | null {
  return location ? { country: location.country, city: location.city ?? null } : null;
}
