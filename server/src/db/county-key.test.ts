import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../platform/clock.ts';
import { importDivisions } from '../modules/orgs/divisions.ts';
import { CODES, DIALECTS, openFreshDatabase } from '../test/harness.ts';
import { recordVisitInStatus } from '../modules/fieldwork/policies.ts';
import { linkVisitCase } from '../modules/fieldwork/visits.ts';
import { recordDualHours } from '../modules/party/double-registration.ts';
import { insertBookings } from '../modules/venues/bookings.ts';
import { applyDeltas } from '../modules/insights/rollups.ts';
import { communityAccount, postJournal } from '../modules/points/ledger.ts';
import { insertReceipt } from '../modules/fieldwork/receipts.ts';
import { recordAudit } from '../platform/audit/service.ts';
import { countyKeyOf, countyKeyOfCase, countyKeyOfSubtree, isPartitionedByCounty } from './county-key.ts';
import type { Database } from './database.ts';
import { migrateToLatest } from './migrate.ts';
import type { DB } from './types.ts';

const isPartitioned = process.env.TIANZIGE_PG_PARTITIONED === '1';
const MIGRATIONS = [
  '0040_county_key',
  '0043_county_key_children',
  '0045_county_key_services',
  '0046_county_key_services',
  '0047_county_key_photos_accounts',
];
const at = '2026-12-01T00:00:00.000Z';
const stamps = { version: 1, created_at: at, updated_at: at };
type AnyDb = Kysely<Record<string, Record<string, unknown>>>;
type Unit = { id: string; path: string };

/** A row of every table 0043 keys, beside the households, residents and cases of the test below. */
async function seedAround(db: AnyDb, { community, city }: { community: Unit; city: Unit }): Promise<void> {
  const tag = await db.selectFrom('care_tags').select('id').limit(1).executeTakeFirstOrThrow();
  await db
    .insertInto('resident_tags')
    .values([
      { resident_id: 'r1', tag_id: tag.id, org_path: community.path },
      { resident_id: 'r2', tag_id: tag.id, org_path: city.path },
    ])
    .execute();
  await db
    .insertInto('resident_changes')
    .values({ id: 'rc1', resident_id: 'r1', org_path: community.path, at, kind: 'create', actor_name: 'test' })
    .execute();
  await db
    .insertInto('household_visit_status')
    .values({ household_id: 'h1', org_path: community.path, last_visit_at: at, next_due_at: at, interval_days: 90 })
    .execute();
  await db
    .insertInto('case_photos')
    .values({
      id: 'p1',
      case_id: 'c1',
      mime: 'image/png',
      size: 1,
      sha256: '-',
      data: Buffer.from([0x89]),
      created_at: at,
    })
    .execute();
  await db.insertInto('case_reporters').values({ case_id: 'c1', user_id: 'u1', source_case_id: 'c1' }).execute();
  await db
    .insertInto('visit_visitors')
    .values({ visit_id: 'v1', user_id: 'u1', position: 0, visited_at: at })
    .execute();
  await db.insertInto('visit_cases').values({ visit_id: 'v1', case_id: 'c1', created_at: at }).execute();
  await db
    .insertInto('audit_log')
    .values([
      { id: 'a1', at, action: 'resident.create', org_path: community.path },
      { id: 'a2', at, action: 'auth.login', org_path: null },
    ])
    .execute();
  const message = { kind: 'case.progress', channel: 'in_app', payload: '{}', status: 'sent', next_attempt_at: at };
  await db
    .insertInto('outbox_messages')
    .values([
      { id: 'm1', recipient_org_path: community.path, ...message, created_at: at, updated_at: at },
      { id: 'm2', recipient_org_path: null, ...message, created_at: at, updated_at: at },
    ])
    .execute();
  await db
    .insertInto('insight_counters')
    .values([
      { org_path: community.path, fact: 'res', dims: '', n: 3 },
      { org_path: city.path, fact: 'res', dims: '', n: 5 },
    ])
    .execute();
}

/** A row of every services' table 0046 keys: in the community's county, in the city's pseudo-county, one orphan. */
async function seedServices(db: AnyDb, { community, city }: { community: Unit; city: Unit }): Promise<void> {
  await db
    .insertInto('venue_activities')
    .values({
      id: 'va1',
      centre_id: 'vc1',
      org_path: community.path,
      space_id: 'vs1',
      title: '书法课',
      audience: 'public',
      host: '社区',
      starts_at: at,
      ends_at: at,
      capacity: 10,
      status: 'published',
      created_by: 'u1',
      created_at: at,
    })
    .execute();
  await db
    .insertInto('funds')
    .values({
      id: 'f1',
      compound_id: 'cp1',
      org_path: city.path,
      name: '维修资金',
      movement_count: 1,
      created_at: at,
      created_by_name: 'test',
    })
    .execute();
  const order = { canteen_id: 'ct1', diner_id: 'd1', day: '2026-12-01', meal: 'lunch', status: 'ordered' };
  await db
    .insertInto('canteen_orders')
    .values({
      id: 'o1',
      org_path: community.path,
      menu_id: 'mn1',
      ...order,
      source: 'staff',
      tier: 'senior',
      cost_fen: 1000,
      price_fen: 600,
      subsidy_fen: 400,
      ordered_by_name: 'test',
      created_at: at,
    })
    .execute();
  await db
    .insertInto('canteen_ledger')
    .values({
      id: 'l1',
      canteen_id: 'ct1',
      org_path: community.path,
      diner_id: 'd1',
      account: 'diner',
      kind: 'meal',
      amount_fen: -600,
      order_id: 'o1',
      day: '2026-12-01',
      month: '2026-12',
      actor_name: 'test',
      at,
    })
    .execute();
  await db
    .insertInto('canteen_absences')
    .values({
      id: 'ab1',
      canteen_id: 'ct2',
      org_path: city.path,
      diner_id: 'd2',
      last_seen_day: '2026-11-01',
      raised_at: at,
    })
    .execute();
  const booking = {
    space_id: 'vs1',
    centre_id: 'vc1',
    booker_user_id: 'u1',
    booker_name: '王秀英',
    booker_kind: 'resident',
    purpose: '排练',
    attendees: 5,
    starts_at: '2026-12-01T02:00:00.000Z',
    ends_at: '2026-12-01T03:00:00.000Z',
    status: 'approved',
    created_at: at,
  };
  await db
    .insertInto('venue_bookings')
    .values({ id: 'b1', org_path: community.path, ...booking })
    .execute();
  await db
    .insertInto('venue_slots')
    .values([
      { space_id: 'vs1', slot_start: '2026-12-01T02:00:00.000Z', booking_id: 'b1' },
      { space_id: 'vs1', slot_start: '2026-12-01T02:30:00.000Z', booking_id: 'b1' },
    ])
    .execute();
  await db
    .insertInto('venue_signups')
    .values([
      { id: 'sg1', activity_id: 'va1', user_id: 'u1', name: '王秀英', seat: 1, status: 'confirmed', queued_at: at },
      // an activity that is gone: the sign-up is stored with county 0
      { id: 'sg2', activity_id: 'gone', user_id: 'u1', name: '王秀英', seat: 1, status: 'confirmed', queued_at: at },
    ])
    .execute();
  await db
    .insertInto('fund_dues')
    .values({ levy_id: 'lv1', fund_id: 'f1', household_id: 'h1', due_fen: 5000 })
    .execute();
  await db
    .insertInto('fund_movements')
    .values({
      id: 'fm1',
      fund_id: 'f1',
      seq: 1,
      org_path: city.path,
      source: 'subsidy',
      amount_fen: 10_000,
      occurred_on: '2026-12-01',
      month: '2026-12',
      channel: 'staff',
      receipt_mime: 'image/png',
      receipt_sha256: '-',
      recorded_by: 'u1',
      recorded_by_name: 'test',
      created_at: at,
    })
    .execute();
  await db
    .insertInto('volunteer_signups')
    .values({
      id: 'vo1',
      activity_id: 'vact1',
      org_path: community.path,
      user_id: 'u1',
      resident_id: 'r1',
      volunteer_name: '王秀英',
      status: 'signed',
      created_at: at,
    })
    .execute();
  await db
    .insertInto('service_hours')
    .values({
      id: 'sh1',
      registration_id: 'dr1',
      user_id: 'u1',
      org_path: community.path,
      source_kind: 'post',
      source_id: 'p1',
      served_on: '2026-12-01',
      minutes: 60,
      status: 'logged',
      created_at: at,
    })
    .execute();
}

/** A row of every table 0045 keys: notices, points, webhooks and field sync. */
async function seedNoticesPoints(
  db: AnyDb,
  { community, city, county }: { community: Unit; city: Unit; county: Unit },
): Promise<void> {
  await db
    .insertInto('notices')
    .values({
      id: 'n1',
      org_id: community.id,
      org_path: community.path,
      title: '通知',
      body: '正文',
      audience: '{}',
      households: 2,
      accounts: 2,
      sent_by: 'u1',
      sent_by_name: 'test',
      sent_at: at,
    })
    .execute();
  await db
    .insertInto('notice_households')
    .values([
      { notice_id: 'n1', household_id: 'h1', org_path: community.path, accounts: 1, read_at: at },
      { notice_id: 'n1', household_id: 'h2', org_path: city.path, accounts: 1, read_at: null },
    ])
    .execute();
  await db
    .insertInto('notice_reads')
    .values([
      { notice_id: 'n1', user_id: 'u1', household_id: 'h1', read_at: at },
      { notice_id: 'n1', user_id: 'u2', household_id: 'h2', read_at: at },
    ])
    .execute();
  await db
    .insertInto('notice_accounts')
    .values({ notice_id: 'n1', user_id: 'u3', name: '网格员', role: 'grid_worker', org_id: 'x', org_path: county.path })
    .execute();
  await db
    .insertInto('points_journals')
    .values({
      id: 'j1',
      community_path: community.path,
      kind: 'award',
      reason: '志愿服务',
      source_kind: 'test',
      source_id: 'j1',
      actor_name: 'test',
      created_at: at,
    })
    .execute();
  const side = { journal_id: 'j1', community_path: community.path, kind: 'award', month: '2026-12', created_at: at };
  await db
    .insertInto('points_movements')
    .values([
      { ...side, id: 'pm1', account_id: 'acc1', account_role: 'member', amount: 5, seq: 1, balance_after: 5 },
      { ...side, id: 'pm2', account_id: 'acc2', account_role: 'issuance', amount: -5 },
    ])
    .execute();
  await db
    .insertInto('store_redemptions')
    .values({
      id: 'sr1',
      item_id: 'i1',
      org_path: community.path,
      account_id: 'acc1',
      user_id: 'u1',
      resident_id: 'r1',
      resident_name: '王秀英',
      client_key: 'k1',
      quantity: 1,
      points: 5,
      journal_id: 'j1',
      status: 'reserved',
      created_at: at,
    })
    .execute();
  await db
    .insertInto('webhook_subscribers')
    .values({
      id: 's1',
      name: '市平台',
      url: 'http://127.0.0.1:9/',
      secret_enc: '-',
      events: 'case.submitted',
      org_id: community.id,
      org_path: city.path,
      created_at: at,
      updated_at: at,
    })
    .execute();
  const delivery = {
    subscriber_id: 's1',
    event_id: 'ev',
    event_type: 'case.submitted',
    payload: '{}',
    status: 'queued',
  };
  await db
    .insertInto('webhook_deliveries')
    .values([
      { ...delivery, id: 'd1', case_id: 'c1', next_attempt_at: at, created_at: at, updated_at: at },
      { ...delivery, id: 'd2', case_id: null, next_attempt_at: at, created_at: at, updated_at: at },
    ])
    .execute();
  await db
    .insertInto('household_changes')
    .values({
      id: 'hc1',
      household_id: 'h1',
      resident_id: 'r1',
      org_path: community.path,
      field: 'notes',
      value: '"独居"',
      base_version: 1,
      state: 'proposed',
      proposed_by: 'u1',
      created_at: at,
    })
    .execute();
  const receipt = { user_id: 'u1', created_at: at };
  await db
    .insertInto('sync_receipts')
    .values([
      { ...receipt, client_id: 'k-visit', kind: 'visit', object_id: 'v1' },
      { ...receipt, client_id: 'k-case', kind: 'case', object_id: 'c1' },
      { ...receipt, client_id: 'k-change', kind: 'household_change', object_id: 'hc1' },
      { ...receipt, client_id: 'k-photo', kind: 'photo', object_id: 'ph1' },
    ])
    .execute();
}

/** A row of each table 0047 keys: a photo named by a visit and one not yet, a community's and a city's account. */
async function seedPhotosAccounts(db: AnyDb, { community, city }: { community: Unit; city: Unit }): Promise<void> {
  const photo = {
    uploaded_by: 'u1',
    mime: 'image/png',
    size: 1,
    sha256: '-',
    data: Buffer.from([0x89]),
    created_at: at,
  };
  await db
    .insertInto('visit_photos')
    .values([
      { ...photo, id: 'ph1', visit_id: 'v1' },
      { ...photo, id: 'ph2', visit_id: null },
    ])
    .execute();
  const account = { owner_kind: 'community', ranked: 0, created_at: at };
  await db
    .insertInto('points_accounts')
    .values([
      {
        ...account,
        id: 'pa1',
        org_path: community.path,
        community_path: community.path,
        owner_id: community.path,
        role: 'expired',
      },
      { ...account, id: 'pa2', org_path: city.path, community_path: city.path, owner_id: city.path, role: 'issuance' },
    ])
    .execute();
}

/** Each row of `table` as [its old key's values joined by a space, its county key], in the order of that key. */
async function keysOf(db: AnyDb, table: string, key: readonly string[] = ['id']): Promise<[string, number][]> {
  const rows = await db
    .selectFrom(table)
    .select([...key, 'county_key'])
    .execute();
  return rows
    .map((r): [string, number] => [key.map((k) => String(r[k])).join(' '), Number(r.county_key)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The partition of each row of `table` whose `column` is `value` (the partitioned layout). */
async function partitionsOf(db: Kysely<DB>, table: string, column: string, value: string): Promise<string[]> {
  const { rows } = await sql<{ part: string }>`select tableoid::regclass::text as part from ${sql.table(table)}
    where ${sql.ref(column)} = ${value}`.execute(db);
  return rows.map((r) => r.part);
}

/**
 * Adds 兰州新区, a county made after the migrations, under `city`; answers which of `tables` the partition
 * trigger gave a partition for it (the partitioned layout).
 */
async function partitionsForNewCounty(db: AnyDb, city: Unit, tables: readonly string[]): Promise<string[]> {
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
  const { rows } = await sql<{ name: string }>`select relname as name from pg_class
    where relname in (${sql.join(tables.map((t) => `${t}_c${lanzhouNewArea}`))})`.execute(db);
  return tables.filter((t) => rows.some((r) => r.name === `${t}_c${lanzhouNewArea}`));
}

/** The columns of `table`'s primary key, in order. */
async function primaryKeyOf(db: Kysely<DB>, dialect: string, table: string): Promise<string[]> {
  const { rows } =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from pragma_table_info(${table}) where pk > 0 order by pk`.execute(db)
      : await sql<{ name: string }>`select a.attname as name from pg_index i
          join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
          where i.indrelid = ${table}::regclass and i.indisprimary
          order by array_position(i.indkey::int2[], a.attnum)`.execute(db);
  return rows.map((r) => r.name);
}

describe('countyKeyOf', () => {
  it('reads the county from the fourth segment of a path, in base 36', () => {
    expect(countyKeyOf('/1/2/3/4/')).toBe(4);
    expect(countyKeyOf('/1/2/3/zz/5/6/')).toBe(36 * 36 - 1);
  });
  it('gives a row above county level the negated key of its city (or province): a pseudo-county', () => {
    expect(countyKeyOf('/1/2/a/')).toBe(-10);
    expect(countyKeyOf('/1/2/')).toBe(-2);
  });
  it("gives a subtree's one key only from county depth down: a city's subtree spans its counties", () => {
    expect(countyKeyOfSubtree('/1/2/3/4/')).toBe(4);
    expect(countyKeyOfSubtree('/1/2/3/4/5/6/')).toBe(4);
    expect(countyKeyOfSubtree('/1/2/3/')).toBeUndefined();
    expect(countyKeyOfSubtree('/')).toBeUndefined();
  });
});

describe.each(DIALECTS)('migrations 0040, 0043, 0045 and 0046 on a database with rows (%s)', (dialect) => {
  let fresh: { database: Database; drop: () => Promise<void> } | undefined;
  let dataDir = '';
  afterEach(async () => {
    await fresh?.database.close();
    await fresh?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A database migrated up to before 0040, 0043, 0045 and 0046, with a row of every table they key. */
  const seed = async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tianzige-county-'));
    fresh = await openFreshDatabase(dialect, dataDir);
    const { database } = fresh;
    // asked before there is a schema: no, and asked again once there is one (the test below)
    expect(await isPartitionedByCounty(database.db)).toBe(false);
    await migrateToLatest(database.db, { except: MIGRATIONS });
    await importDivisions(database, new ManualClock(), { under: '6201' });
    const unit = (code: string) =>
      database.db.selectFrom('org_units').select(['id', 'path']).where('code', '=', code).executeTakeFirstOrThrow();
    const community = await unit(CODES.yingMenTan);
    const city = await unit(CODES.lanzhou);
    const county = await unit(CODES.anning);
    const db = database.db as unknown as AnyDb;
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

    await seedAround(db, { community, city });
    await seedServices(db, { community, city });
    await seedNoticesPoints(db, { community, city, county });
    await seedPhotosAccounts(db, { community, city });
    return { database, db, community, city, county };
  };

  it('keys every household, resident, case, visit and case event by its county, and keeps every row', async () => {
    const { database, db, community, city, county } = await seed();

    expect(await migrateToLatest(database.db)).toEqual(MIGRATIONS);
    // the layout the reads name the county key on (and only that one)
    expect(await isPartitionedByCounty(database.db)).toBe(dialect === 'postgres' && isPartitioned);

    const anning = countyKeyOf(county.path);
    expect(countyKeyOf(community.path)).toBe(anning);
    const keys = (table: string, key?: readonly string[]) => keysOf(db, table, key);
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
      expect(await partitionsOf(database.db, 'residents', 'id', 'r1')).toEqual([`residents_c${anning}`]);
      expect(await partitionsOf(database.db, 'case_events', 'id', 'e1')).toEqual([`case_events_c${anning}`]);
      expect(await partitionsOf(database.db, 'households', 'id', 'h2')).toEqual([
        `households_cm${-countyKeyOf(city.path)}`,
      ]);
      const tables = ['households', 'residents', 'cases', 'visits', 'case_events'];
      expect(await partitionsForNewCounty(db, city, tables)).toEqual(tables);
    }
  });

  it('keys the rows around them (0043) by their own unit or their case, keeps every row, and writes new ones keyed', async () => {
    const { database, db, community, city } = await seed();
    expect(await migrateToLatest(database.db)).toEqual(MIGRATIONS);

    const anning = countyKeyOf(community.path);
    const cityKey = countyKeyOf(city.path);
    const keys = (table: string, key?: readonly string[]) => keysOf(db, table, key);
    expect(await keys('resident_tags', ['resident_id'])).toEqual([
      ['r1', anning],
      ['r2', cityKey],
    ]);
    expect(await keys('resident_changes', ['id'])).toEqual([['rc1', anning]]);
    expect(await keys('household_visit_status', ['household_id'])).toEqual([['h1', anning]]);
    expect(await keys('case_photos', ['id'])).toEqual([['p1', anning]]);
    expect(await keys('case_reporters', ['case_id', 'user_id'])).toEqual([['c1 u1', anning]]);
    expect(await keys('visit_visitors', ['visit_id', 'user_id'])).toEqual([['v1 u1', anning]]);
    expect(await keys('visit_cases', ['visit_id', 'case_id'])).toEqual([['v1 c1', anning]]);
    // an audit record or a message with no unit is stored with county 0
    expect(await keys('audit_log', ['id'])).toEqual([
      ['a1', anning],
      ['a2', 0],
    ]);
    expect(await keys('outbox_messages', ['id'])).toEqual([
      ['m1', anning],
      ['m2', 0],
    ]);
    expect(await keys('insight_counters', ['org_path', 'fact'])).toEqual(
      [
        [`${community.path} res`, anning],
        [`${city.path} res`, cityKey],
      ].sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)),
    );
    // the county key leads each primary key, before the old one
    const primaryKey = (table: string) => primaryKeyOf(database.db, dialect, table);
    expect(await primaryKey('resident_tags')).toEqual(['county_key', 'resident_id', 'tag_id']);
    expect(await primaryKey('insight_counters')).toEqual(['county_key', 'org_path', 'fact', 'dims']);
    expect(await primaryKey('audit_log')).toEqual(['county_key', 'id']);
    if (dialect === 'sqlite') {
      // the counters stay a table without rowid (its rows live in the primary key's b-tree)
      const counters = await sql<{
        sql: string;
      }>`select sql from sqlite_master where type = 'table' and name = 'insight_counters'`.execute(database.db);
      expect(counters.rows[0]!.sql).toMatch(/without rowid$/i);
    }
    const photo = await db.selectFrom('case_photos').selectAll().where('id', '=', 'p1').executeTakeFirstOrThrow();
    expect(Buffer.from(photo.data as Uint8Array)).toEqual(Buffer.from([0x89]));

    // the old key stays unique, in another county too; the audit log stays append-only
    await expect(
      db
        .insertInto('case_reporters')
        .values({ case_id: 'c1', user_id: 'u1', source_case_id: 'c1', county_key: 7 })
        .execute(),
    ).rejects.toThrow();
    await expect(db.updateTable('audit_log').set({ action: 'x' }).where('id', '=', 'a1').execute()).rejects.toThrow(
      /append-only/,
    );

    // the writers key what they write, and the upserts on the old keys still meet their row
    const clock = new ManualClock();
    const who = { actorId: null, actorName: 'test', ip: null, userAgent: null };
    await recordAudit(database.db, clock, who, { action: 'resident.update', orgPath: community.path });
    await recordAudit(database.db, clock, who, { action: 'settings.update' });
    const written = await db
      .selectFrom('audit_log')
      .select(['action', 'county_key'])
      .where('id', 'not in', ['a1', 'a2'])
      .execute();
    expect(written.map((r) => [r.action, Number(r.county_key)]).sort()).toEqual([
      ['resident.update', anning],
      ['settings.update', 0],
    ]);
    await database.db.transaction().execute((trx) =>
      applyDeltas(trx, [
        { orgPath: community.path, fact: 'res', dims: '', n: 2 },
        { orgPath: city.path, fact: 'res', dims: 'x', n: 1 },
      ]),
    );
    const counters = await db.selectFrom('insight_counters').select(['org_path', 'dims', 'n', 'county_key']).execute();
    expect(counters.map((c) => [c.org_path, c.dims, Number(c.n), Number(c.county_key)]).sort()).toEqual(
      [
        [community.path, '', 5, anning],
        [city.path, '', 5, cityKey],
        [city.path, 'x', 1, cityKey],
      ].sort(),
    );
    await database.db
      .transaction()
      .execute((trx) =>
        recordVisitInStatus(trx, { id: 'h1', org_path: community.path }, '2026-12-02T00:00:00.000Z', 30),
      );
    const status = await db.selectFrom('household_visit_status').selectAll().execute();
    expect(status.map((r) => [r.household_id, r.last_visit_at, Number(r.county_key)])).toEqual([
      ['h1', '2026-12-02T00:00:00.000Z', anning],
    ]);
    await linkVisitCase(database.db, 'v1', 'c1', at);
    expect(await keys('visit_cases', ['visit_id', 'case_id'])).toEqual([['v1 c1', anning]]);
  });

  it("keys the services' tables (0046) by their unit, their booking, activity or fund, keeps the slots' race guard, and writes new rows keyed", async () => {
    const { database, db, community, city } = await seed();
    expect(await migrateToLatest(database.db)).toEqual(MIGRATIONS);

    const anning = countyKeyOf(community.path);
    const cityKey = countyKeyOf(city.path);
    const keys = (table: string, key?: readonly string[]) => keysOf(db, table, key);
    expect(await keys('canteen_orders', ['id'])).toEqual([['o1', anning]]);
    expect(await keys('canteen_ledger', ['id'])).toEqual([['l1', anning]]);
    expect(await keys('canteen_absences', ['id'])).toEqual([['ab1', cityKey]]);
    expect(await keys('venue_bookings', ['id'])).toEqual([['b1', anning]]);
    expect(await keys('venue_slots', ['space_id', 'slot_start'])).toEqual([
      ['vs1 2026-12-01T02:00:00.000Z', anning],
      ['vs1 2026-12-01T02:30:00.000Z', anning],
    ]);
    // a sign-up takes its activity's county; one whose activity is gone, 0
    expect(await keys('venue_signups', ['id'])).toEqual([
      ['sg1', anning],
      ['sg2', 0],
    ]);
    expect(await keys('fund_dues', ['levy_id', 'household_id'])).toEqual([['lv1 h1', cityKey]]);
    expect(await keys('fund_movements', ['id'])).toEqual([['fm1', cityKey]]);
    expect(await keys('volunteer_signups', ['id'])).toEqual([['vo1', anning]]);
    expect(await keys('service_hours', ['id'])).toEqual([['sh1', anning]]);
    const order = await db.selectFrom('canteen_orders').selectAll().where('id', '=', 'o1').executeTakeFirstOrThrow();
    expect(order).toMatchObject({
      diner_id: 'd1',
      menu_id: 'mn1',
      price_fen: 600,
      subsidy_fen: 400,
      status: 'ordered',
    });

    // the county key leads each primary key, before the old one
    const primaryKey = (table: string) => primaryKeyOf(database.db, dialect, table);
    expect(await primaryKey('venue_slots')).toEqual(['county_key', 'space_id', 'slot_start']);
    expect(await primaryKey('fund_dues')).toEqual(['county_key', 'levy_id', 'household_id']);
    for (const table of ['canteen_orders', 'canteen_ledger', 'venue_signups', 'service_hours'])
      expect(await primaryKey(table)).toEqual(['county_key', 'id']);

    // the race guard: a slot of the space already held is refused, whatever booking asks for it
    const slot = { space_id: 'vs1', slot_start: '2026-12-01T02:30:00.000Z', booking_id: 'b2' };
    await expect(
      db
        .insertInto('venue_slots')
        .values({ ...slot, county_key: anning })
        .execute(),
    ).rejects.toThrow();
    if (!isPartitioned) {
      // the old key stays unique on its own: in another county too (partitioned, every booking of a space
      // has the space's county, so the guard holds per county)
      await expect(
        db
          .insertInto('venue_slots')
          .values({ ...slot, county_key: 7 })
          .execute(),
      ).rejects.toThrow();
      await expect(
        db
          .insertInto('fund_dues')
          .values({ levy_id: 'lv1', fund_id: 'f1', household_id: 'h1', due_fen: 1, county_key: 7 })
          .execute(),
      ).rejects.toThrow();
    }
    // one order per diner and meal still (its unique index, with the county key when partitioned)
    await expect(
      db
        .insertInto('canteen_orders')
        .values({ ...order, id: 'o2', client_key: null })
        .execute(),
    ).rejects.toThrow();
    // the ledgers stay append-only
    await expect(db.updateTable('canteen_ledger').set({ note: 'x' }).where('id', '=', 'l1').execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(db.deleteFrom('fund_movements').where('id', '=', 'fm1').execute()).rejects.toThrow(/append-only/);
    // and the check on service hours holds
    await expect(
      db
        .insertInto('service_hours')
        .values({
          id: 'sh2',
          county_key: anning,
          registration_id: 'dr1',
          user_id: 'u1',
          org_path: community.path,
          source_kind: 'post',
          source_id: 'p2',
          served_on: '2026-12-01',
          minutes: 2000,
          status: 'logged',
          created_at: at,
        })
        .execute(),
    ).rejects.toThrow();

    // the writers key what they write: a booking's slots take its key, service hours their registration's
    const base = await database.db
      .selectFrom('venue_bookings')
      .selectAll()
      .where('id', '=', 'b1')
      .executeTakeFirstOrThrow();
    await database.db.transaction().execute((trx) =>
      insertBookings(trx, [
        {
          ...base,
          id: 'b3',
          county_key: countyKeyOf(community.path),
          starts_at: '2026-12-02T02:00:00.000Z',
          ends_at: '2026-12-02T02:30:00.000Z',
        },
      ]),
    );
    expect(
      (await keys('venue_slots', ['booking_id', 'slot_start'])).filter(([k]) => String(k).startsWith('b3')),
    ).toEqual([['b3 2026-12-02T02:00:00.000Z', anning]]);
    // an overlapping booking of the same space fails in the writer, as before
    await expect(
      database.db.transaction().execute((trx) =>
        insertBookings(trx, [
          {
            ...base,
            id: 'b4',
            county_key: countyKeyOf(community.path),
            starts_at: '2026-12-02T01:30:00.000Z',
            ends_at: '2026-12-02T02:30:00.000Z',
          },
        ]),
      ),
    ).rejects.toThrow();
    expect(await keys('venue_bookings', ['id'])).toEqual([
      ['b1', anning],
      ['b3', anning],
    ]);
    await database.db.transaction().execute((trx) =>
      recordDualHours(trx, {
        registrationId: 'dr2',
        userId: 'u2',
        orgPath: city.path,
        sourceKind: 'need',
        sourceId: 'n1',
        servedOn: '2026-12-02',
        minutes: 30,
        confirmedBy: 'u1',
        at,
      }),
    );
    expect((await keys('service_hours', ['registration_id'])).find(([k]) => k === 'dr2')).toEqual(['dr2', cityKey]);

    if (dialect === 'postgres' && isPartitioned) {
      // each row sits in its county's partition, and a county created later gets its own
      expect(await partitionsOf(database.db, 'venue_slots', 'booking_id', 'b1')).toEqual([
        `venue_slots_c${anning}`,
        `venue_slots_c${anning}`,
      ]);
      expect(await partitionsOf(database.db, 'fund_movements', 'id', 'fm1')).toEqual([`fund_movements_cm${-cityKey}`]);
      expect(await partitionsOf(database.db, 'venue_signups', 'id', 'sg2')).toEqual(['venue_signups_default']);
      const tables = [
        'canteen_orders',
        'canteen_ledger',
        'canteen_absences',
        'venue_bookings',
        'venue_slots',
        'venue_signups',
        'fund_dues',
        'fund_movements',
        'volunteer_signups',
        'service_hours',
      ];
      expect(await partitionsForNewCounty(db, city, tables)).toEqual(tables);
    }
  });
  it('keys the services rows (0045) by their household, community, case or change, and writes new ones keyed', async () => {
    const { database, db, community, city } = await seed();
    expect(await migrateToLatest(database.db)).toEqual(MIGRATIONS);

    const anning = countyKeyOf(community.path);
    const cityKey = countyKeyOf(city.path);
    const keys = (table: string, key?: readonly string[]) => keysOf(db, table, key);
    // a household's receipt by the household's place (a city's own household: the city's pseudo-county),
    // a read with its household's receipt, a staff receipt by her role's unit
    expect(await keys('notice_households', ['notice_id', 'household_id'])).toEqual([
      ['n1 h1', anning],
      ['n1 h2', cityKey],
    ]);
    expect(await keys('notice_reads', ['notice_id', 'user_id'])).toEqual([
      ['n1 u1', anning],
      ['n1 u2', cityKey],
    ]);
    expect(await keys('notice_accounts', ['notice_id', 'user_id'])).toEqual([['n1 u3', anning]]);
    // a journal, its movements and the redemption that posted it, by their community
    expect(await keys('points_journals', ['id'])).toEqual([['j1', anning]]);
    expect(await keys('points_movements', ['id'])).toEqual([
      ['pm1', anning],
      ['pm2', anning],
    ]);
    expect(await keys('store_redemptions', ['id'])).toEqual([['sr1', anning]]);
    // a delivery with its case; one without a case by its subscriber's unit (a city's)
    expect(await keys('webhook_deliveries', ['id'])).toEqual([
      ['d1', anning],
      ['d2', cityKey],
    ]);
    expect(await keys('household_changes', ['id'])).toEqual([['hc1', anning]]);
    // a receipt with what it answers for; a photo's (no place yet) with county 0
    expect(await keys('sync_receipts', ['client_id'])).toEqual([
      ['k-case', anning],
      ['k-change', anning],
      ['k-photo', 0],
      ['k-visit', anning],
    ]);
    // the rows kept what they held
    expect(
      await db.selectFrom('store_redemptions').selectAll().where('id', '=', 'sr1').executeTakeFirstOrThrow(),
    ).toMatchObject({ item_id: 'i1', client_key: 'k1', quantity: 1, points: 5, journal_id: 'j1', status: 'reserved' });
    expect(
      await db.selectFrom('notice_households').selectAll().where('household_id', '=', 'h1').executeTakeFirstOrThrow(),
    ).toMatchObject({ accounts: 1, read_at: at });

    const primaryKey = (table: string) => primaryKeyOf(database.db, dialect, table);
    for (const [table, key] of [
      ['notice_households', ['notice_id', 'household_id']],
      ['notice_reads', ['notice_id', 'user_id']],
      ['notice_accounts', ['notice_id', 'user_id']],
      ['points_journals', ['id']],
      ['points_movements', ['id']],
      ['store_redemptions', ['id']],
      ['webhook_deliveries', ['id']],
      ['household_changes', ['id']],
      ['sync_receipts', ['client_id']],
    ] as const) {
      expect(await primaryKey(table)).toEqual(['county_key', ...key]);
    }

    // the journals stay append-only; one client id is one receipt in its county, and one in all on the
    // plain layout (the partitioned one keeps it unique per county: the same item is always the same county)
    await expect(
      db.updateTable('points_journals').set({ reason: 'x' }).where('id', '=', 'j1').execute(),
    ).rejects.toThrow(/append-only/);
    // the checks survive the rebuild: no movement of zero, no member movement without its balance
    const zero = {
      id: 'pm9',
      journal_id: 'j1',
      account_id: 'acc2',
      account_role: 'issuance',
      community_path: community.path,
    };
    const when = { kind: 'award', month: '2026-12', created_at: at, county_key: anning };
    await expect(
      db
        .insertInto('points_movements')
        .values({ ...zero, ...when, amount: 0 })
        .execute(),
    ).rejects.toThrow(/check|points_movements_nonzero/i);
    await expect(
      db
        .insertInto('points_movements')
        .values({ ...zero, ...when, account_role: 'member', amount: 1 })
        .execute(),
    ).rejects.toThrow(/check|points_movements_member_balance/i);
    await expect(
      db
        .insertInto('points_journals')
        .values({
          id: 'j9',
          community_path: community.path,
          kind: 'award',
          reason: '-',
          source_kind: '',
          source_id: '',
          actor_name: 't',
          created_at: at,
          county_key: anning,
        })
        .execute(),
    ).rejects.toThrow(/check|points_journals_source/i);
    const sr = await db.selectFrom('store_redemptions').selectAll().where('id', '=', 'sr1').executeTakeFirstOrThrow();
    await expect(
      db
        .insertInto('store_redemptions')
        .values({ ...sr, id: 'sr9', client_key: 'k9', quantity: 0 })
        .execute(),
    ).rejects.toThrow(/check|store_redemptions_quantity/i);
    const again = { client_id: 'k-visit', kind: 'visit', object_id: 'v1', user_id: 'u1', created_at: at };
    await expect(
      db
        .insertInto('sync_receipts')
        .values({ ...again, county_key: anning })
        .execute(),
    ).rejects.toThrow();
    if (!isPartitioned) {
      await expect(
        db
          .insertInto('sync_receipts')
          .values({ ...again, county_key: 7 })
          .execute(),
      ).rejects.toThrow();
    }

    // the writers key what they write: a journal and its movements with their community, a receipt with its case
    await db
      .insertInto('points_accounts')
      .values(
        [
          { id: 'acc1', owner_kind: 'resident', owner_id: 'r1', role: 'member' },
          { id: 'acc2', owner_kind: 'community', owner_id: community.path, role: 'issuance' },
        ].map((a) => ({
          ...a,
          org_path: community.path,
          community_path: community.path,
          ranked: 0,
          created_at: at,
          county_key: anning,
        })),
      )
      .execute();
    const posted = await database.db.transaction().execute((trx) =>
      postJournal(trx, new Date(at), {
        communityPath: community.path,
        kind: 'award',
        reason: '志愿服务',
        source: { kind: 'test', id: 'j2' },
        actor: { id: null, name: 'test' },
        postings: [
          { accountId: 'acc1', amount: 3 },
          { accountId: 'acc2', amount: -3 },
        ],
      }),
    );
    expect(posted.balances.get('acc1')).toBe(8);
    expect(await keys('points_journals', ['id'])).toEqual(
      [
        ['j1', anning],
        [posted.journalId, anning],
      ].sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)),
    );
    const movements = await db
      .selectFrom('points_movements')
      .select(['county_key', 'seq'])
      .where('journal_id', '=', posted.journalId)
      .orderBy('account_id')
      .execute();
    expect(movements.map((m) => [Number(m.county_key), m.seq])).toEqual([
      [anning, 2],
      [anning, null],
    ]);
    await database.db.transaction().execute((trx) =>
      insertReceipt(trx, {
        clientId: 'k-case-2',
        kind: 'case',
        objectId: 'c1',
        userId: 'u1',
        now: at,
        countyKey: countyKeyOfCase(trx, 'c1'),
      }),
    );
    expect((await keys('sync_receipts', ['client_id'])).find(([k]) => k === 'k-case-2')).toEqual(['k-case-2', anning]);

    if (dialect === 'postgres' && isPartitioned) {
      // each row sits in its county's partition (a photo's receipt in county 0's), and a new county gets
      // its partitions in these tables too (the trigger now reads the catalog)
      expect(await partitionsOf(database.db, 'notice_households', 'household_id', 'h1')).toEqual([
        `notice_households_c${anning}`,
      ]);
      expect(await partitionsOf(database.db, 'points_movements', 'id', 'pm1')).toEqual([`points_movements_c${anning}`]);
      expect(await partitionsOf(database.db, 'webhook_deliveries', 'id', 'd2')).toEqual([
        `webhook_deliveries_cm${-cityKey}`,
      ]);
      expect(await partitionsOf(database.db, 'sync_receipts', 'client_id', 'k-photo')).toEqual(['sync_receipts_c0']);
      const tables = [
        'households',
        'residents',
        'cases',
        'visits',
        'case_events',
        'notice_households',
        'notice_reads',
        'notice_accounts',
        'points_journals',
        'points_movements',
        'store_redemptions',
        'webhook_deliveries',
        'household_changes',
        'sync_receipts',
      ];
      expect(await partitionsForNewCounty(db, city, tables)).toEqual(tables);
    }
  });

  it('keys visit photos by their visit and points accounts by their community (0047), and writes new ones keyed', async () => {
    const { database, db, community, city } = await seed();
    expect(await migrateToLatest(database.db)).toEqual(MIGRATIONS);

    const anning = countyKeyOf(community.path);
    const cityKey = countyKeyOf(city.path);
    const keys = (table: string, key?: readonly string[]) => keysOf(db, table, key);
    // a photo named by a visit sits with the visit, one not yet named in county 0
    expect(await keys('visit_photos')).toEqual([
      ['ph1', anning],
      ['ph2', 0],
    ]);
    expect(await keys('points_accounts')).toEqual([
      ['pa1', anning],
      ['pa2', cityKey],
    ]);
    const primaryKey = (table: string) => primaryKeyOf(database.db, dialect, table);
    expect(await primaryKey('visit_photos')).toEqual(['county_key', 'id']);
    expect(await primaryKey('points_accounts')).toEqual(['county_key', 'id']);
    // the photo kept its bytes
    const kept = await db
      .selectFrom('visit_photos')
      .select(['data', 'visit_id'])
      .where('id', '=', 'ph1')
      .executeTakeFirstOrThrow();
    expect([Buffer.from(kept.data as Uint8Array).toString('hex'), kept.visit_id]).toEqual(['89', 'v1']);

    // the writer finds the community's account it already has, and makes a new one keyed by its community
    const clock = new Date(at);
    const found = await database.db
      .transaction()
      .execute((trx) => communityAccount(trx, clock, community.path, 'expired'));
    expect(found.id).toBe('pa1');
    const made = await database.db
      .transaction()
      .execute((trx) => communityAccount(trx, clock, community.path, 'store'));
    expect(Number(made.county_key)).toBe(anning);
    // one account per owner and role: in its county on every layout, and across counties on the plain one
    const twin = { owner_kind: 'community', owner_id: community.path, role: 'store', ranked: 0, created_at: at };
    const paths = { org_path: community.path, community_path: community.path };
    await expect(
      db
        .insertInto('points_accounts')
        .values({ ...twin, ...paths, id: 'pa8', county_key: anning })
        .execute(),
    ).rejects.toThrow();
    if (!isPartitioned) {
      await expect(
        db
          .insertInto('points_accounts')
          .values({ ...twin, ...paths, id: 'pa9', county_key: cityKey })
          .execute(),
      ).rejects.toThrow();
    }

    if (dialect === 'postgres' && isPartitioned) {
      expect(await partitionsOf(database.db, 'visit_photos', 'id', 'ph1')).toEqual([`visit_photos_c${anning}`]);
      expect(await partitionsOf(database.db, 'visit_photos', 'id', 'ph2')).toEqual(['visit_photos_c0']);
      expect(await partitionsOf(database.db, 'points_accounts', 'id', 'pa2')).toEqual([
        `points_accounts_cm${-cityKey}`,
      ]);
      // a photo moves to its visit's county as the visit names it
      await db
        .updateTable('visit_photos')
        .set({ visit_id: 'v1', county_key: anning })
        .where('id', '=', 'ph2')
        .execute();
      expect(await partitionsOf(database.db, 'visit_photos', 'id', 'ph2')).toEqual([`visit_photos_c${anning}`]);
      const tables = ['visit_photos', 'points_accounts'];
      expect(await partitionsForNewCounty(db, city, tables)).toEqual(tables);
    }
  });
});
