import type { PolygonGeometry } from '../../../api/types';
import type { LngLat } from './OrgMapView';

/** A closed GeoJSON Polygon from the vertices the user clicked. */
export function polygonFromPoints(points: LngLat[]): PolygonGeometry {
  const first = points[0];
  const ring = first === undefined ? [] : [...points, first];
  return { type: 'Polygon', coordinates: [ring.map(([lng, lat]) => [round(lng), round(lat)])] };
}

const round = (n: number): number => Math.round(n * 1e7) / 1e7;

function isPosition(value: unknown): value is LngLat {
  return Array.isArray(value) && value.length >= 2 && value.every((n) => typeof n === 'number' && Number.isFinite(n));
}

/**
 * Reads pasted GeoJSON: a Polygon, or a Feature / FeatureCollection holding one. Returns the
 * polygon and its outer ring's vertices (without the closing repeat), or null when it is not one.
 */
export function parsePastedPolygon(text: string): { polygon: PolygonGeometry; points: LngLat[] } | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const record = (v: unknown): Record<string, unknown> | null =>
    typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
  let geometry = record(value);
  if (geometry?.type === 'FeatureCollection' && Array.isArray(geometry.features)) {
    geometry = record(geometry.features[0]);
  }
  if (geometry?.type === 'Feature') geometry = record(geometry.geometry);
  if (geometry?.type !== 'Polygon' || !Array.isArray(geometry.coordinates)) return null;
  const rings: unknown[] = geometry.coordinates;
  const isRing = (ring: unknown): ring is LngLat[] => Array.isArray(ring) && ring.every(isPosition);
  if (!rings.every(isRing)) return null;
  const closed = rings.map((ring) => {
    const first = ring[0];
    const last = ring[ring.length - 1];
    const isClosed = first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1];
    return isClosed || first === undefined ? ring : [...ring, first];
  });
  const points = (closed[0] ?? []).slice(0, -1).map(([lng, lat]): LngLat => [lng, lat]);
  if (points.length < 3) return null;
  const polygon: PolygonGeometry = {
    type: 'Polygon',
    coordinates: closed.map((ring) => ring.map(([lng, lat]): LngLat => [lng, lat])),
  };
  return { polygon, points };
}
