import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { Logger } from '@nestjs/common';
import { Reader, type CityResponse } from 'maxmind';
import { describeError } from '../errors/describe-error.js';
import { BoundedMemo } from '../util/bounded-memo.js';
import type { GeoLocation, GeoResolver } from './geo-location.js';
import { publicAddress } from './public-address.js';

export interface MaxMindGeoResolverOptions {
  /** Path of a MaxMind (or compatible) City or Country `.mmdb` file. */
  path: string;
  /**
   * How often the file is checked for a new version (ms); a changed file is read again and
   * replaces the database without a restart (geoipupdate writes a new file in place). 0 = never.
   * @default 60_000
   */
  watchInterval?: number;
}

/** Country-level records without a radius: the centre of a country is this far off, at best. */
const DEFAULT_COUNTRY_RADIUS_KM = 500;

/**
 * Locations from a MaxMind GeoLite2/GeoIP2 City or Country database, through the `maxmind`
 * package. The file is read once, at construction (a bad path fails bootstrap, not a request),
 * and lookups are synchronous in-memory tree walks (microseconds). The file is polled for
 * changes; a new version that cannot be read is logged and the old one stays.
 */
export class MaxMindGeoResolver implements GeoResolver {
  private readonly logger = new Logger('SessionMonitoring');
  private reader: Reader<CityResponse>;
  private readonly onChange = (current: Stats, previous: Stats) => this.reloadIfChanged(current, previous);

  constructor(private readonly options: MaxMindGeoResolverOptions) {
    if (!options || typeof options.path !== 'string' || options.path.length === 0) {
      throw new TypeError('MaxMindGeoResolver: path must be the path of an .mmdb file');
    }
    this.reader = open(options.path);
    const interval = options.watchInterval ?? 60_000;
    if (interval > 0) watchFile(options.path, { interval, persistent: false }, this.onChange);
  }

  lookup(ip: string): GeoLocation | undefined {
    const address = publicAddress(ip);
    if (!address) return undefined;
    let record: CityResponse | null;
    try {
      record = this.reader.get(address);
    } catch {
      return undefined;
    }
    const country = record?.country?.iso_code ?? record?.registered_country?.iso_code;
    if (!record || !country) return undefined;
    const location: GeoLocation = { country };
    const city = record.city?.names?.en;
    if (city) location.city = city;
    const point = record.location;
    if (point && Number.isFinite(point.latitude) && Number.isFinite(point.longitude)) {
      location.lat = point.latitude;
      location.lon = point.longitude;
      location.accuracyRadiusKm = point.accuracy_radius ?? DEFAULT_COUNTRY_RADIUS_KM;
    }
    return location;
  }

  close(): void {
    unwatchFile(this.options.path, this.onChange);
  }

  private reloadIfChanged(current: Stats, previous: Stats): void {
    if (current.mtimeMs === previous.mtimeMs && current.size === previous.size) return;
    if (current.size === 0) return; // being replaced, or deleted: keep the database we have
    try {
      this.reader = open(this.options.path);
      this.logger.log(`GeoIP database reloaded (${current.size} bytes)`);
    } catch (err) {
      this.logger.warn(`GeoIP database changed but could not be read; keeping the previous one: ${describeError(err)}`);
    }
  }
}

/** Decoded records kept per database (as `maxmind.open` does): decoding a City record's many names costs tens of µs. */
const DECODED_RECORDS = 5_000;

function open(path: string): Reader<CityResponse> {
  return new Reader<CityResponse>(readFileSync(path), { cache: new BoundedMemo<number, unknown>(DECODED_RECORDS) as never });
}
