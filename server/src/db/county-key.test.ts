import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../platform/clock.ts';
import { importDivisions } from '../modules/orgs/divisions.ts';
import { CODES, DIALECTS, openFreshDatabase } from '../test/harness.ts';
import { countyKeyOf } from './county-key.ts';
import type { Database } from './database.ts';
import { migrateToLatest } from './migrate.ts';

const isPartitioned = process.env.TIANZIGE_PG_PARTITIONED === '1';

describe('countyKeyOf', () => {
  it('reads the county from the fourth segment of a path, in base 36', () => {
    expect(countyKeyOf('/1/2/3/4/')).toBe(4);
    expect(countyKeyOf('/1/2/3/zz/5/6/')).toBe(36 * 36 - 1);
  });
  it('gives a row above county level the negated key of its city (or province): a pseudo-county', () => {
    expect(countyKeyOf('/1/2/a/')).toBe(-10);
    expect(countyKeyOf('/1/2/')).toBe(-2);
  });
});

describe.each(DIALECTS)('migration 0040 on a database with rows (%s)', (dialect) => {
  let fresh: { database: Database; drop: () => Promise<void> } | undefined;
  let dataDir = '';
  afterEach(async () => {
    await fresh?.database.close();
    await fresh?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keys every household, resident, case, visit and case event by its county, and keeps every row', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tianzige-county-'));
    fresh = await openFreshDatabase(dialect, dataDir);
    const { database } = fresh;
    await migrateToLatest(database.db, { except: ['0040_county_key'] });
    await importDivisions(database, new ManualClock(), { under: '6201' });
    const unit = (code: string) =>
      database.db.selectFrom('org_units').select(['id', 'path']).where('code', '=', code).executeTakeFirstOrThrow();
    const community = await unit(CODES.yingMenTan);
    const city = await unit(CODES.lanzhou);
    const county = await unit(CODES.anning);
    const db = database.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
    const at = '2026-12-01T00:00:00.000Z';
    const stamps = { version: 1, created_at: at, updated_at: at };
    await db
      .insertInto('households')
      .values([
        { id: 'h1', org_id: community.id, org_path: community.path, address: '营门滩 1 号', ...stamps },
        { id: 'h2', org_id: city.id, org_path: city.path, address: '市本级', ...stamps },
      ])
      .execute();
    await db
      .insertInto('residents')
      .values(
        ['h1', 'h2'].map((h, i) => ({
          id: `r${i + 1}`,
          household_id: h,
          org_path: h === 'h1' ? community.path : city.path,
          name: '王秀英',
          name_initials: 'wxy',
          gender: 'female',
          birth_date: '1950-01-01',
          ethnicity: '汉族',
          relation: '户主',
          residence_type: 'registered',
          status: 'living',
          ...stamps,
        })),
      )
      .execute();
    await db
      .insertInto('cases')
      .values({
        id: 'c1',
        number: 'SQ1',
        channel: 'phone',
        is_fallback: 0,
        priority: 'normal',
        status: 'submitted',
        description: '楼道堆物',
        org_id: community.id,
        org_path: community.path,
        handler_org_id: community.id,
        handler_path: community.path,
        escalation_count: 0,
        is_supervised: 0,
        is_anonymous: 0,
        accept_due_at: at,
        resolve_due_at: at,
        due_state: 'ok',
        was_overdue: 0,
        reopen_count: 0,
        ...stamps,
      })
      .execute();
    await db
      .insertInto('case_events')
      .values({ id: 'e1', case_id: 'c1', at, kind: 'submitted', is_public: 1 })
      .execute();
    await db
      .insertInto('visits')
      .values({
        id: 'v1',
        household_id: 'h1',
        org_path: community.path,
        visited_at: at,
        kind: 'routine',
        findings: '[]',
        recorded_by: 'u1',
        created_at: at,
      })
      .execute();

    expect(await migrateToLatest(database.db)).toEqual(['0040_county_key']);

    const anning = countyKeyOf(county.path);
    expect(countyKeyOf(community.path)).toBe(anning);
    const keys = async (table: string) =>
      (await db.selectFrom(table).select(['id', 'county_key']).orderBy('id').execute()).map((r) => [
        r.id,
        Number(r.county_key),
      ]);
    expect(await keys('households')).toEqual([
      ['h1', anning],
      ['h2', countyKeyOf(city.path)],
    ]);
    expect(countyKeyOf(city.path)).toBeLessThan(0);
    expect(await keys('residents')).toEqual([
      ['r1', anning],
      ['r2', countyKeyOf(city.path)],
    ]);
    expect(await keys('cases')).toEqual([['c1', anning]]);
    expect(await keys('case_events')).toEqual([['e1', anning]]);
    expect(await keys('visits')).toEqual([['v1', anning]]);
    // the rows kept what they held
    const r1 = await db.selectFrom('residents').selectAll().where('id', '=', 'r1').executeTakeFirstOrThrow();
    expect(r1).toMatchObject({ household_id: 'h1', name: '王秀英', birth_date: '1950-01-01', status: 'living' });

    // (county_key, id) is the primary key: the same pair twice is refused
    await expect(
      db
        .insertInto('case_events')
        .values({ id: 'e1', case_id: 'c1', at, kind: 'accepted', is_public: 1, county_key: anning })
        .execute(),
    ).rejects.toThrow();
    // visits stay append-only
    await expect(db.updateTable('visits').set({ note: 'x' }).where('id', '=', 'v1').execute()).rejects.toThrow(
      /append-only/,
    );

    if (!isPartitioned) {
      // one id stays one row across counties, and the foreign keys into the tables still hold
      await expect(
        db
          .insertInto('households')
          .values({ id: 'h1', org_id: city.id, org_path: city.path, address: '重号', county_key: -1, ...stamps })
          .execute(),
      ).rejects.toThrow();
      await expect(
        db
          .insertInto('visits')
          .values({
            id: 'v2',
            household_id: 'nowhere',
            org_path: community.path,
            county_key: anning,
            visited_at: at,
            kind: 'routine',
            findings: '[]',
            recorded_by: 'u1',
            created_at: at,
          })
          .execute(),
      ).rejects.toThrow();
    }

    if (dialect === 'postgres' && isPartitioned) {
      // each row sits in its county's partition, and a county created later gets its own
      const partitionOf = async (table: string, id: string) =>
        (
          await sql<{
            part: string;
          }>`select tableoid::regclass::text as part from ${sql.table(table)} where id = ${id}`.execute(database.db)
        ).rows[0]?.part;
      expect(await partitionOf('residents', 'r1')).toBe(`residents_c${anning}`);
      expect(await partitionOf('case_events', 'e1')).toBe(`case_events_c${anning}`);
      expect(await partitionOf('households', 'h2')).toBe(`households_cm${-countyKeyOf(city.path)}`);
      const lanzhouNewArea = 99_999;
      await db
        .insertInto('org_units')
        .values({
          id: 'new-county',
          key: lanzhouNewArea,
          parent_id: city.id,
          path: `${city.path}${lanzhouNewArea.toString(36)}/`,
          depth: 3,
          level: 'county',
          name: '兰州新区',
          full_name: '甘肃省兰州市兰州新区',
          created_at: at,
          updated_at: at,
        })
        .execute();
      const made = await sql<{ n: number }>`select count(*)::int as n from pg_class
        where relname in (${sql.join(['households', 'residents', 'cases', 'visits', 'case_events'].map((t) => `${t}_c${lanzhouNewArea}`))})`.execute(
        database.db,
      );
      expect(made.rows[0]!.n).toBe(5);
    }
  });
});
