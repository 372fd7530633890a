import { describe, expect, it } from 'vitest';
import { greatCircleKm } from './great-circle.js';

const LONDON = { lat: 51.5142, lon: -0.0931 };
const CHANGCHUN = { lat: 43.88, lon: 125.3228 };
const LINKOPING = { lat: 58.4167, lon: 15.6167 };
const BOXFORD = { lat: 51.75, lon: -1.25 };

describe('greatCircleKm', () => {
  it('measures the distances of the test database places (reference values from an independent haversine)', () => {
    expect(greatCircleKm(LONDON, CHANGCHUN)).toBeCloseTo(8182, -1);
    expect(greatCircleKm(LONDON, LINKOPING)).toBeCloseTo(1258, -1);
    expect(greatCircleKm(LONDON, BOXFORD)).toBeCloseTo(84, 0);
  });

  it('is symmetric and zero for one point', () => {
    expect(greatCircleKm(CHANGCHUN, LONDON)).toBe(greatCircleKm(LONDON, CHANGCHUN));
    expect(greatCircleKm(LONDON, LONDON)).toBe(0);
  });

  it('handles antipodes and the date line', () => {
    // Half the circumference, not NaN (the asin argument is clamped).
    expect(greatCircleKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(Math.PI * 6371.0088, 3);
    // 179.5 E to 179.5 W is one degree of longitude on the equator, not 359.
    expect(greatCircleKm({ lat: 0, lon: 179.5 }, { lat: 0, lon: -179.5 })).toBeCloseTo(111.2, 0);
  });
});
