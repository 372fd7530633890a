import type { GeoLocation, GeoLookupContext, GeoResolver } from './geo-location.js';
import { publicAddress } from './public-address.js';

export interface TrustedHeaderGeoResolverOptions {
  /** Header names (lower case). Defaults: Cloudflare's visitor location headers. */
  headers?: { country?: string; city?: string; latitude?: string; longitude?: string };
  /**
   * How far off a CDN's city-level point may be (km), subtracted like MaxMind's radius.
   * @default 50
   */
  accuracyRadiusKm?: number;
}

const CLOUDFLARE = { country: 'cf-ipcountry', city: 'cf-ipcity', latitude: 'cf-iplatitude', longitude: 'cf-iplongitude' };
/** Cloudflare's codes for "unknown" and "Tor": no place. */
const NO_COUNTRY = new Set(['XX', 'T1']);
const COUNTRY = /^[A-Z]{2}$/;
const CITY = /^[\p{L}\p{M}][\p{L}\p{M} .'’()-]{0,99}$/u;
const DEGREES = /^-?\d{1,3}(?:\.\d{1,10})?$/;

/**
 * Locations from a CDN's geo headers (Cloudflare `CF-IPCountry`, `CF-IPCity`, `CF-IPLatitude`,
 * `CF-IPLongitude`, or other names), the way Ory Kratos reads them. Anyone can send these
 * headers, so they count only on a request whose TCP peer is a trusted proxy (Express
 * `trust proxy`): a client that reaches the app directly gets no location from them. Values
 * that do not have the expected shape are ignored, never stored.
 */
export class TrustedHeaderGeoResolver implements GeoResolver {
  private readonly names: typeof CLOUDFLARE;
  private readonly radius: number;

  constructor(options: TrustedHeaderGeoResolverOptions = {}) {
    this.names = { ...CLOUDFLARE, ...options.headers };
    this.radius = options.accuracyRadiusKm ?? 50;
    if (!(this.radius >= 0 && this.radius <= 20_000)) {
      throw new TypeError('TrustedHeaderGeoResolver: accuracyRadiusKm must be a number of km from 0 to 20000');
    }
  }

  lookup(ip: string, context?: GeoLookupContext): GeoLocation | undefined {
    if (!context?.peerTrusted || !context.headers || !publicAddress(ip)) return undefined;
    const country = single(context.headers[this.names.country])?.toUpperCase();
    if (!country || !COUNTRY.test(country) || NO_COUNTRY.has(country)) return undefined;
    const location: GeoLocation = { country };
    const city = single(context.headers[this.names.city]);
    if (city && CITY.test(city)) location.city = city;
    const lat = degrees(context.headers[this.names.latitude], 90);
    const lon = degrees(context.headers[this.names.longitude], 180);
    if (lat !== undefined && lon !== undefined) Object.assign(location, { lat, lon, accuracyRadiusKm: this.radius });
    return location;
  }
}

/** A header sent once; a repeated one is ambiguous and ignored. */
function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value.length <= 200 ? value.trim() : undefined;
}

function degrees(value: string | string[] | undefined, limit: number): number | undefined {
  const text = single(value);
  if (!text || !DEGREES.test(text)) return undefined;
  const number = Number(text);
  return Math.abs(number) <= limit ? number : undefined;
}
