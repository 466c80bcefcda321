import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import { CODES, DIALECTS, type TestContext, createTestContext } from '../../test/harness.ts';
import { importGridFile } from './grid-import.ts';

const feature = (name: string, coordinates: number[][][], level = 'grid') => ({
  type: 'Feature',
  properties: { name, level },
  geometry: { type: 'Polygon', coordinates },
});
const box = (x: number, y: number) => [
  [
    [x, y],
    [x + 0.002, y],
    [x + 0.002, y + 0.002],
    [x, y + 0.002],
    [x, y],
  ],
];

describe.each(DIALECTS)('GeoJSON grid import on %s', (dialect) => {
  let t: TestContext;
  const childCount = async () => {
    const c = await t.org(CODES.yingMenTan);
    const rows = await t.deps.db.selectFrom('org_units').select('id').where('parent_id', '=', c.id).execute();
    return rows.length;
  };

  beforeAll(async () => {
    t = await createTestContext(dialect, { divisionsUnder: CODES.yinTanLuStreet });
  });
  afterAll(() => t.close());

  it('imports grids and compounds with codes below the community code', async () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features: [feature('一网格', box(103.72, 36.1)), feature('阳光小区', box(103.722, 36.1), '小区')],
    });
    const result = await importGridFile(t.deps, null, { text, underCode: CODES.yingMenTan });
    expect(result.created.map((c) => [c.name, c.level])).toEqual([
      ['一网格', 'grid'],
      ['阳光小区', 'compound'],
    ]);
    expect(result.created.every((c) => c.code!.startsWith(CODES.yingMenTan) && c.code!.length === 15)).toBe(true);
  });

  it('reports every bad feature by index and reason and stores nothing of the file', async () => {
    const before = await childCount();
    const bowtie = [
      [
        [103.72, 36.1],
        [103.73, 36.11],
        [103.73, 36.1],
        [103.72, 36.11],
        [103.72, 36.1],
      ],
    ];
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features: [feature('好网格', box(103.724, 36.1)), feature('坏网格', bowtie), feature('', box(103.726, 36.1))],
    });
    const error = await importGridFile(t.deps, null, { text, underCode: CODES.yingMenTan }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    const fields = (error as AppError).errors.map((e) => `${e.field}:${e.code}`);
    expect(fields).toEqual(['features[1].geometry:self_intersection', 'features[2].properties.name:bad_name']);
    expect((error as AppError).errors[0]!.message_zh).toContain('第 2 个要素');
    expect(await childCount()).toBe(before);
  });

  it('refuses a file that is not GeoJSON', async () => {
    const error = await importGridFile(t.deps, null, { text: 'not json', underCode: CODES.yingMenTan }).catch(
      (e: unknown) => e,
    );
    expect((error as AppError).errors[0]!.code).toBe('invalid_json');
  });
});
