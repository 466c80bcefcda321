import { describe, expect, it } from 'vitest';
import {
  distanceMetres,
  gcj02ToWgs84,
  isOutsideChina,
  mapGeometryPositions,
  wgs84ToGcj02,
  type LngLat,
} from './china-datum.ts';

/**
 * Published WGS-84 → GCJ-02 pairs: wandergis/coordtransform's README example (天安门, also in Hutool's
 * tests), and two more widely copied test vectors (Beijing 116°E 40°N; Jiaxing near Shanghai).
 */
const PUBLISHED: { place: string; wgs84: LngLat; gcj02: LngLat }[] = [
  { place: '北京 天安门', wgs84: [116.404, 39.915], gcj02: [116.41024449916938, 39.91640428150164] },
  { place: '北京 116E 40N', wgs84: [116.0, 40.0], gcj02: [116.006141221789, 40.001213650174] },
  { place: '嘉兴', wgs84: [121.0917077, 30.6107779], gcj02: [121.09626935575027, 30.608604331756705] },
];

/** 兰州 城关区 and 安宁区 银滩路: the demo's own place. */
const LANZHOU: LngLat[] = [
  [103.834, 36.061],
  [103.724, 36.098],
];

describe('GCJ-02 ⇄ WGS-84', () => {
  it.each(PUBLISHED)('puts $place where the published GCJ-02 point is, within 1 cm', ({ wgs84, gcj02 }) => {
    expect(distanceMetres(wgs84ToGcj02(wgs84), gcj02)).toBeLessThan(0.01);
  });

  it.each(PUBLISHED)('turns the published GCJ-02 point of $place back into its WGS-84 point, within 1 cm', (pair) => {
    expect(distanceMetres(gcj02ToWgs84(pair.gcj02), pair.wgs84)).toBeLessThan(0.01);
  });

  it('shifts a point by the hundreds of metres a wrong datum would show: ~220 m in Lanzhou, ~550 m in Beijing', () => {
    for (const p of LANZHOU) {
      const shift = distanceMetres(p, wgs84ToGcj02(p));
      expect(shift).toBeGreaterThan(150);
      expect(shift).toBeLessThan(300);
    }
    const beijing = distanceMetres(PUBLISHED[0]!.wgs84, PUBLISHED[0]!.gcj02);
    expect(beijing).toBeGreaterThan(450);
    expect(beijing).toBeLessThan(700);
  });

  it('refines the inverse past the one-step guess, which is metres off in places', () => {
    // the one-step inverse many copies ship: subtract the offset taken at the GCJ-02 point itself
    const oneStep = (g: LngLat): LngLat => {
      const f = wgs84ToGcj02(g);
      return [2 * g[0] - f[0], 2 * g[1] - f[1]];
    };
    const heihe: LngLat = [128.98, 52.97]; // 黑龙江 大兴安岭, where the offset's slope is steep
    const gcj = wgs84ToGcj02(heihe);
    expect(distanceMetres(oneStep(gcj), heihe)).toBeGreaterThan(3);
    expect(distanceMetres(gcj02ToWgs84(gcj), heihe)).toBeLessThan(0.01);
  });

  it('round-trips forward then back within 0.5 m (and 1e-6°) across a grid of points over China', () => {
    let worst = 0;
    for (let lng = 73.5; lng <= 135; lng += 0.73) {
      for (let lat = 18.2; lat <= 53.5; lat += 0.61) {
        const p: LngLat = [lng, lat];
        const back = gcj02ToWgs84(wgs84ToGcj02(p));
        expect(Math.abs(back[0] - lng)).toBeLessThan(1e-6);
        expect(Math.abs(back[1] - lat)).toBeLessThan(1e-6);
        worst = Math.max(worst, distanceMetres(p, back));
      }
    }
    expect(worst).toBeLessThan(0.5);
  });

  it('leaves points outside China unchanged both ways', () => {
    for (const p of [
      [2.3522, 48.8566],
      [-74.006, 40.7128],
      [139.6917, 35.6895],
      [151.2093, -33.8688],
    ] as LngLat[]) {
      expect(isOutsideChina(p)).toBe(true);
      expect(wgs84ToGcj02(p)).toEqual(p);
      expect(gcj02ToWgs84(p)).toEqual(p);
    }
  });

  it('shifts every vertex of a polygon and leaves its other members alone', () => {
    const polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [103.72, 36.09],
          [103.73, 36.09],
          [103.73, 36.1],
          [103.72, 36.09],
        ],
      ],
    };
    const shifted = mapGeometryPositions(polygon, wgs84ToGcj02);
    expect(shifted.type).toBe('Polygon');
    expect(shifted.coordinates[0]![1]).toEqual(wgs84ToGcj02([103.73, 36.09]));
    expect(polygon.coordinates[0]![1]).toEqual([103.73, 36.09]);
    expect(mapGeometryPositions(null, wgs84ToGcj02)).toBeNull();
  });
});
