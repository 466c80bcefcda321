import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { DialectName } from '../src/db/database.ts';
import { awardPoints } from '../src/modules/points/award.ts';
import { memberBalance, verifyLedger } from '../src/modules/points/ledger.ts';
import { ensureDefaultRules, monthlyReport, statementOf } from '../src/modules/points/service.ts';
import { redeem } from '../src/modules/points/store.ts';
import { insertAccount } from '../src/modules/users/service.ts';
import type { Actor } from '../src/platform/access/scope.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { AppDeps } from '../src/platform/deps.ts';
import { AppError } from '../src/platform/errors.ts';
import { newId } from '../src/platform/ids.ts';
import { PiiCipher } from '../src/platform/pii/crypto.ts';
import { bulkInsert } from '../src/db/bulk.ts';
import { fmtMs, freshDatabase, latencyInTurns, report, timed } from './util.ts';
import { countyKeyOf } from '../src/db/county-key.ts';

const COMMUNITY = '/1/2/3/4/5/6/';

const ACCOUNT_TYPES = {
  id: 'text',
  org_path: 'text',
  community_path: 'text',
  owner_kind: 'text',
  owner_id: 'text',
  role: 'text',
  ranked: 'integer',
  created_at: 'text',
} as const;
const JOURNAL_TYPES = {
  id: 'text',
  county_key: 'integer',
  community_path: 'text',
  kind: 'text',
  rule_id: 'text',
  reason: 'text',
  source_kind: 'text',
  source_id: 'text',
  reverses_id: 'text',
  actor_id: 'text',
  actor_name: 'text',
  created_at: 'text',
} as const;
const MOVEMENT_TYPES = {
  id: 'text',
  county_key: 'integer',
  journal_id: 'text',
  account_id: 'text',
  account_role: 'text',
  community_path: 'text',
  kind: 'text',
  amount: 'integer',
  seq: 'integer',
  balance_after: 'integer',
  month: 'text',
  created_at: 'text',
} as const;
const RACERS = 50;

/** A living registry resident in a household at `path` (the columns the registry requires). */
export function residentRows(path: string, n: number) {
  const at = new Date().toISOString();
  const households = [];
  const residents = [];
  for (let i = 0; i < n; i++) {
    const hid = newId();
    households.push({
      id: hid,
      org_id: newId(),
      org_path: path,
      county_key: countyKeyOf(path),
      building_id: null,
      address: `bench ${i}`,
      unit_no: null,
      room_no: null,
      lng: null,
      lat: null,
      version: 1,
      created_at: at,
      updated_at: at,
    });
    residents.push({
      id: newId(),
      household_id: hid,
      org_path: path,
      county_key: countyKeyOf(path),
      name: `居民${i}`,
      name_initials: 'jm',
      id_number_enc: null,
      id_number_bidx: null,
      no_id_reason: 'bench',
      gender: 'female' as const,
      birth_date: '1980-01-01',
      phone_enc: null,
      phone_bidx: null,
      ethnicity: '汉族',
      relation: '户主',
      residence_type: 'registered' as const,
      status: 'living' as const,
      status_date: null,
      notes: null,
      version: 1,
      created_at: at,
      updated_at: at,
      import_job_id: null,
    });
  }
  return { households, residents };
}

/**
 * 50 residents, each with 100 points, redeem the last unit of an item at the same moment (through the
 * store's `redeem`, each in its own transaction): exactly one succeeds and the ledger balances; beside
 * it, the bare engine racing 50 conditional updates of one stock row.
 */
export async function benchRedemptionRace(engine: DialectName) {
  const fresh = await freshDatabase(engine, 'points_race');
  try {
    const db = fresh.database.db;
    const deps = {
      db,
      dialect: engine,
      database: fresh.database,
      clock: systemClock,
      pii: new PiiCipher({ encryption: crypto.randomBytes(32), blindIndex: crypto.randomBytes(32) }),
    } as unknown as AppDeps;
    const { households, residents } = residentRows(`${COMMUNITY}7/`, RACERS);
    const at = new Date().toISOString();
    const unit = {
      id: newId(),
      key: 987654,
      parent_id: null,
      path: `${COMMUNITY}7/`,
      depth: 7,
      level: 'grid' as const,
      name: 'bench grid',
      full_name: 'bench grid',
      code: null,
      geometry: null,
      department_kind: null,
      retired_at: null,
      created_at: at,
      updated_at: at,
    };
    await db.insertInto('org_units').values(unit).execute();
    for (const h of households) h.org_id = unit.id;
    await db.insertInto('households').values(households).execute();
    await db.insertInto('residents').values(residents).execute();
    const now = systemClock.now();
    const actors: Actor[] = [];
    await db.transaction().execute(async (trx) => {
      await ensureDefaultRules(trx, now, COMMUNITY);
      for (const [i, r] of residents.entries()) {
        const { user } = await insertAccount(
          trx,
          deps,
          { actorId: null, actorName: 'bench', ip: null, userAgent: null },
          {
            username: `bench_r${i}`,
            displayName: r.name,
            isPasswordless: true,
            homeOrg: unit,
            roles: [{ role: 'resident', org: unit }],
            mustChangePassword: false,
          },
        );
        const userId = user.id;
        await trx
          .insertInto('resident_bindings')
          .values({
            id: newId(),
            user_id: userId,
            resident_id: r.id,
            household_id: r.household_id,
            org_path: r.org_path,
            status: 'bound',
            match: 'exact',
            created_at: now.toISOString(),
            decided_at: null,
            decided_by: null,
            decided_by_name: null,
            decision_note: null,
            ended_at: null,
            ended_by_name: null,
          })
          .execute();
        await awardPoints(trx, now, {
          residentId: r.id,
          rule: 'good_deed',
          count: 5,
          source: { kind: 'bench', id: String(i) },
          actor: { id: null, name: 'bench' },
        });
        actors.push({
          userId,
          username: `r${i}`,
          displayName: r.name,
          assignments: [],
          via: 'cli',
          ip: null,
          userAgent: null,
        });
      }
      await trx
        .insertInto('store_items')
        .values({
          id: 'last-unit',
          org_id: newId(),
          org_path: COMMUNITY,
          name: '最后一件',
          description: null,
          price: 60,
          stock: 1,
          stocked_total: 1,
          donor_unit_id: null,
          donor_name: null,
          resource_id: null,
          status: 'active',
          created_at: now.toISOString(),
        })
        .execute();
    });
    const race = await timed(() =>
      Promise.allSettled(
        actors.map((a, i) => redeem(deps, a, { itemId: 'last-unit', quantity: 1, clientKey: `race-${i}-key` })),
      ),
    );
    const won = race.result.filter((r) => r.status === 'fulfilled').length;
    const refused = race.result.filter(
      (r) => r.status === 'rejected' && r.reason instanceof AppError && r.reason.status === 409,
    ).length;
    const problems = await verifyLedger(db);
    const stock = (
      await db.selectFrom('store_items').select('stock').where('id', '=', 'last-unit').executeTakeFirstOrThrow()
    ).stock;
    const spent = await db
      .selectFrom('points_movements')
      .select((eb) => eb.fn.sum<number | string>('amount').as('s'))
      .where('kind', '=', 'redeem')
      .where('account_role', '=', 'store')
      .executeTakeFirstOrThrow();

    // the bare engine: 50 conditional updates of one stock row, at once
    await sql`create table bare_stock (id integer primary key, stock integer not null)`.execute(db);
    await sql`insert into bare_stock values (1, 1)`.execute(db);
    const bare = await timed(() =>
      Promise.all(
        Array.from({ length: RACERS }, () =>
          db
            .transaction()
            .execute(async (trx) =>
              Number(
                (await sql`update bare_stock set stock = stock - 1 where id = 1 and stock >= 1`.execute(trx))
                  .numAffectedRows ?? 0,
              ),
            ),
        ),
      ),
    );
    const bareWon = bare.result.reduce((s, n) => s + n, 0);
    report({
      scenario: 'points',
      engine,
      figure: `${RACERS} concurrent redemptions of the last unit`,
      platform: `${won} won, ${refused} refused (409), stock ${stock}, ${Number(spent.s)} points to the store, ledger ${problems.length === 0 ? 'balances' : `${problems.length} problems`}, ${fmtMs(race.ms)}`,
      baseline: `${bareWon} of ${RACERS} bare conditional updates won, ${fmtMs(bare.ms)}`,
      platformValue: race.ms,
      baselineValue: Math.max(bare.ms, 1),
      target: 'exactly one wins, the ledger balances',
      isMet: won === 1 && refused === RACERS - 1 && stock === 0 && Number(spent.s) === 60 && problems.length === 0,
    });
  } finally {
    await fresh.drop();
  }
}

/**
 * `accounts` member accounts over 100 communities, each with `journals` awards and redemptions over the
 * months (two movements each: the member's, with its running balance, and the community account's), so
 * 2 × accounts × journals movements; then one account's balance and monthly statement (p95 ≤ 10 ms) and
 * a community's monthly report (≤ 1 s), beside the bare SQL of the same reads.
 */
export async function benchLedgerScale(engine: DialectName, accounts: number, journals: number) {
  const fresh = await freshDatabase(engine, 'points_scale');
  try {
    const db = fresh.database.db;
    const communities = Array.from({ length: 100 }, (_, i) => `/1/2/3/4/5/c${i.toString(36)}/`);
    const months = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'];
    const load = await timed(async () => {
      const batch = 20_000;
      for (let start = 0; start < accounts; start += batch) {
        await db.transaction().execute(async (trx) => {
          const accountRows = [];
          const journalRows = [];
          const movementRows = [];
          for (let a = start; a < Math.min(accounts, start + batch); a++) {
            const community = communities[a % communities.length]!;
            const id = `acc-${a}`;
            accountRows.push({
              id,
              org_path: `${community}g/`,
              community_path: community,
              owner_kind: 'resident',
              owner_id: `res-${a}`,
              role: 'member',
              ranked: 0,
              created_at: '2026-01-01T00:00:00.000Z',
            });
            let balance = 0;
            for (let k = 0; k < journals; k++) {
              const month = months[Math.floor((k * months.length) / journals)]!;
              const earn = k % 3 !== 2 || balance < 10;
              const amount = earn ? 10 : -10;
              balance += amount;
              const jid = `j-${a}-${k}`;
              const at = `${month}-10T02:00:00.000Z`;
              journalRows.push({
                id: jid,
                county_key: countyKeyOf(community),
                community_path: community,
                kind: earn ? 'award' : 'redeem',
                rule_id: null,
                reason: earn ? '志愿服务' : '兑换',
                source_kind: 'bench',
                source_id: jid,
                reverses_id: null,
                actor_id: null,
                actor_name: 'bench',
                created_at: at,
              });
              const side = {
                journal_id: jid,
                county_key: countyKeyOf(community),
                community_path: community,
                kind: earn ? 'award' : 'redeem',
                month,
                created_at: at,
              };
              movementRows.push(
                {
                  ...side,
                  id: `m-${a}-${k}`,
                  account_id: id,
                  account_role: 'member',
                  amount,
                  seq: k + 1,
                  balance_after: balance,
                },
                {
                  ...side,
                  id: `s-${a}-${k}`,
                  account_id: `${community}${earn ? 'issuance' : 'store'}`,
                  account_role: earn ? 'issuance' : 'store',
                  amount: -amount,
                  seq: null,
                  balance_after: null,
                },
              );
            }
          }
          // the bulk-load path of imports (db/bulk.ts): COPY on PostgreSQL, one prepared statement on SQLite
          const sqlite = fresh.database.sqlite;
          await bulkInsert(trx, sqlite, 'points_accounts', ACCOUNT_TYPES, accountRows as never);
          await bulkInsert(trx, sqlite, 'points_journals', JOURNAL_TYPES, journalRows as never);
          await bulkInsert(trx, sqlite, 'points_movements', MOVEMENT_TYPES, movementRows as never);
        });
      }
      await sql`analyze`.execute(db);
    });
    const movements = 2 * accounts * journals;
    console.log(`points ledger: ${accounts} accounts, ${movements} movements loaded in ${fmtMs(load.ms)}`);
    const pick = (i: number) => `acc-${(i * 7919) % accounts}`;
    const month = months[3]!;
    const [balance, bareBalance] = await latencyInTurns([
      { n: 500, fn: (i) => memberBalance(db, pick(i)) },
      {
        n: 500,
        fn: (i) =>
          sql`select balance_after from points_movements where account_id = ${pick(i)} and seq is not null order by seq desc limit 1`.execute(
            db,
          ),
      },
    ]);
    report({
      scenario: 'points',
      engine,
      figure: `one account's balance (${accounts} accounts, ${movements} movements), p95`,
      platform: fmtMs(balance!.p95),
      baseline: fmtMs(bareBalance!.p95),
      platformValue: balance!.p95,
      baselineValue: bareBalance!.p95,
      target: '≤ 10 ms',
      isMet: balance!.p95 <= 10,
    });
    const [statement, bareStatement] = await latencyInTurns([
      { n: 300, fn: (i) => statementOf(db, pick(i), month) },
      {
        n: 300,
        fn: (i) =>
          sql`select m.id, m.amount, m.balance_after, j.reason from points_movements m join points_journals j on j.id = m.journal_id
              where m.account_id = ${pick(i)} and m.month = ${month} order by m.seq`.execute(db),
      },
    ]);
    report({
      scenario: 'points',
      engine,
      figure: "one account's monthly statement, p95",
      platform: fmtMs(statement!.p95),
      baseline: fmtMs(bareStatement!.p95),
      platformValue: statement!.p95,
      baselineValue: bareStatement!.p95,
      target: '≤ 10 ms',
      isMet: statement!.p95 <= 10,
    });
    const [community, bareCommunity] = await latencyInTurns([
      { n: 10, fn: (i) => monthlyReport(db, communities[i % communities.length]!, month) },
      {
        n: 10,
        fn: (i) =>
          sql`select kind, sum(amount), count(*) from points_movements where community_path = ${communities[i % communities.length]!}
              and month = ${month} and account_role = 'member' group by kind`.execute(db),
      },
    ]);
    report({
      scenario: 'points',
      engine,
      figure: `a community's monthly points report (${accounts / communities.length} accounts), worst of 10`,
      platform: fmtMs(community!.p99),
      baseline: fmtMs(bareCommunity!.p99),
      platformValue: community!.p99,
      baselineValue: bareCommunity!.p99,
      target: '≤ 1 s',
      isMet: community!.p99 <= 1000,
    });
  } finally {
    await fresh.drop();
  }
}
