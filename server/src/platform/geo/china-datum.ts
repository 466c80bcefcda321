/**
 * WGS-84 ⇄ GCJ-02 (国测局坐标, the datum of AMap/高德 tiles). Phones report WGS-84 and the platform
 * stores WGS-84; a map drawn on GCJ-02 tiles shows everything shifted by GCJ-02 and turns clicks back.
 * Imports nothing, so the web imports this very file (web/src/shared/geo.ts): one formula for both.
 */

/** A point as GeoJSON orders it: [longitude, latitude], in degrees. */
export type LngLat = [number, number];

/** The datum a tile set is drawn in. 天地图 is CGCS2000, which is within centimetres of WGS-84. */
export type Datum = 'wgs84' | 'gcj02';

// Krasovsky 1940, the ellipsoid the GCJ-02 offset formula is written against.
const KRASOVSKY_A = 6378245.0;
const KRASOVSKY_EE = 0.006693421622965943; // 0.00669342162296594323 as published, to double precision
const INVERSE_TOLERANCE_DEG = 1e-9;
const INVERSE_MAX_STEPS = 30;

/**
 * GCJ-02 offsets only points inside China. The usual rectangle (72.004–137.8347°E, 0.8293–55.8271°N)
 * is what map vendors and phones apply, so it is what matches their tiles.
 */
export function isOutsideChina([lng, lat]: LngLat): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function offsetLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function offsetLng(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

/** The GCJ-02 position of a WGS-84 point (the published forward formula); outside China unchanged. */
export function wgs84ToGcj02(point: LngLat): LngLat {
  const [lng, lat] = point;
  if (isOutsideChina(point)) return [lng, lat];
  const radLat = (lat / 180) * Math.PI;
  const magic = 1 - KRASOVSKY_EE * Math.sin(radLat) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  const dLat =
    (offsetLat(lng - 105, lat - 35) * 180) / (((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLng = (offsetLng(lng - 105, lat - 35) * 180) / ((KRASOVSKY_A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lng + dLng, lat + dLat];
}

/**
 * The WGS-84 point whose GCJ-02 position is `point`. The formula has no closed inverse; the one-step
 * guess (subtract the offset taken at the GCJ-02 point) is metres off, so refine until the forward
 * image lands within 1e-9° (≈ 0.1 mm) of the given point.
 */
export function gcj02ToWgs84(point: LngLat): LngLat {
  if (isOutsideChina(point)) return [point[0], point[1]];
  let lng = point[0];
  let lat = point[1];
  for (let step = 0; step < INVERSE_MAX_STEPS; step++) {
    const [gLng, gLat] = wgs84ToGcj02([lng, lat]);
    const dLng = gLng - point[0];
    const dLat = gLat - point[1];
    lng -= dLng;
    lat -= dLat;
    if (Math.abs(dLng) < INVERSE_TOLERANCE_DEG && Math.abs(dLat) < INVERSE_TOLERANCE_DEG) break;
  }
  return [lng, lat];
}

/** A stored (WGS-84) point as drawn on tiles of `datum`. */
export function toDisplayDatum(point: LngLat, datum: Datum): LngLat {
  return datum === 'gcj02' ? wgs84ToGcj02(point) : point;
}

/** A point picked on tiles of `datum`, as stored (WGS-84). */
export function fromDisplayDatum(point: LngLat, datum: Datum): LngLat {
  return datum === 'gcj02' ? gcj02ToWgs84(point) : point;
}

/** Great-circle distance in metres (haversine on the mean Earth radius): enough to judge offsets. */
export function distanceMetres(a: LngLat, b: LngLat): number {
  const toRad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * toRad;
  const dLng = (b[0] - a[0]) * toRad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * toRad) * Math.cos(b[1] * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Every position of a GeoJSON geometry (Point … MultiPolygon, GeometryCollection) mapped through `f`;
 * anything else is returned as it is. Used to shift stored outlines onto GCJ-02 tiles.
 */
export function mapGeometryPositions<T>(geometry: T, f: (point: LngLat) => LngLat): T {
  const mapCoords = (c: unknown): unknown => {
    if (!Array.isArray(c)) return c;
    if (c.length >= 2 && typeof c[0] === 'number' && typeof c[1] === 'number') {
      const [lng, lat] = f([c[0], c[1]]);
      return [lng, lat, ...(c.slice(2) as unknown[])];
    }
    return c.map(mapCoords);
  };
  if (geometry === null || typeof geometry !== 'object') return geometry;
  const g = geometry as { type?: unknown; coordinates?: unknown; geometries?: unknown };
  if (g.type === 'GeometryCollection' && Array.isArray(g.geometries)) {
    return { ...g, geometries: g.geometries.map((inner: unknown) => mapGeometryPositions(inner, f)) } as T;
  }
  if (g.coordinates === undefined) return geometry;
  return { ...g, coordinates: mapCoords(g.coordinates) } as T;
}
