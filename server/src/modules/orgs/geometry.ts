import kinks from '@turf/kinks';
import type { Message } from '../../platform/errors.ts';

export type Position = [number, number];
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Position[][];
}
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}
export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;

export interface GeometryProblem {
  code: string;
  message: Message;
}

const MAX_VERTICES = 20_000;

/**
 * Checks a grid or compound outline: a Polygon or MultiPolygon whose rings are closed, have at least
 * four positions, lie within China's longitude/latitude box, and do not cross themselves.
 * Returns the first problem found, or null.
 */
export function findGeometryProblem(input: unknown): GeometryProblem | null {
  if (typeof input !== 'object' || input === null)
    return problem('not_object', '几何图形必须是 GeoJSON 对象', 'Geometry must be a GeoJSON object');
  const g = input as { type?: unknown; coordinates?: unknown };
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') {
    return problem('wrong_type', '几何图形须为 Polygon 或 MultiPolygon', 'Geometry must be a Polygon or MultiPolygon');
  }
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  if (!Array.isArray(polygons) || polygons.length === 0)
    return problem('no_coordinates', '缺少坐标', 'Coordinates are missing');
  let vertexCount = 0;
  for (const rings of polygons) {
    if (!Array.isArray(rings) || rings.length === 0) return problem('no_rings', '多边形缺少环', 'Polygon has no rings');
    for (const ring of rings) {
      if (!Array.isArray(ring) || ring.length < 4) {
        return problem(
          'ring_too_short',
          '每个环至少需要 4 个坐标点（首尾相同）',
          'Each ring needs at least 4 positions (first equals last)',
        );
      }
      for (const pos of ring) {
        if (!isPosition(pos))
          return problem(
            'bad_position',
            '坐标须为 [经度, 纬度] 数字对',
            'Positions must be [longitude, latitude] number pairs',
          );
        if (pos[0] < 73 || pos[0] > 136 || pos[1] < 3 || pos[1] > 54) {
          return problem('out_of_territory', '坐标超出中国境内范围', 'Coordinates lie outside China');
        }
      }
      vertexCount += ring.length;
      const first = ring[0] as Position;
      const last = ring[ring.length - 1] as Position;
      if (first[0] !== last[0] || first[1] !== last[1]) {
        return problem(
          'ring_not_closed',
          '多边形的环未闭合（首尾坐标须相同）',
          'Ring is not closed (first and last positions must match)',
        );
      }
    }
  }
  if (vertexCount > MAX_VERTICES)
    return problem('too_many_vertices', `顶点数超过 ${MAX_VERTICES}`, `More than ${MAX_VERTICES} vertices`);
  const found = kinks(g as AreaGeometry);
  if (found.features.length > 0)
    return problem('self_intersection', '多边形边界自相交', 'Polygon boundary intersects itself');
  return null;
}

function isPosition(value: unknown): value is Position {
  return (
    Array.isArray(value) &&
    (value.length === 2 || value.length === 3) &&
    value.every((n) => typeof n === 'number' && Number.isFinite(n))
  );
}

function problem(code: string, zh: string, en: string): GeometryProblem {
  return { code, message: { zh, en } };
}
