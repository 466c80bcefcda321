/**
 * GCJ-02 ⇄ WGS-84 for the maps: the server's own module (server/src/platform/geo/china-datum.ts, which
 * imports nothing), so the browser shifts points by exactly the formula the server's tests pin.
 */
export {
  distanceMetres,
  fromDisplayDatum,
  gcj02ToWgs84,
  mapGeometryPositions,
  toDisplayDatum,
  wgs84ToGcj02,
  type Datum,
  type LngLat,
} from '../../../server/src/platform/geo/china-datum.ts';
