import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { buildApp } from '../src/app.ts';
import type { DialectName } from '../src/db/database.ts';
import { ensureDefaultDutyList } from '../src/modules/duties/service.ts';
import { importDivisions } from '../src/modules/orgs/divisions.ts';
import { insertSubUnit } from '../src/modules/orgs/service.ts';
import type { HouseholdTable, ResidentTable } from '../src/modules/registry/tables.ts';
import { insertAccount } from '../src/modules/users/service.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { AppDeps } from '../src/platform/deps.ts';
import { newId } from '../src/platform/ids.ts';
import { PiiCipher } from '../src/platform/pii/crypto.ts';
import { testConfig } from '../src/test/harness.ts';
import { fmtMs, freshDatabase, latency, report } from './util.ts';
import { countyKeyOf } from '../src/db/county-key.ts';

const SYSTEM = { actorId: null, actorName: 'bench', ip: null, userAgent: null };
const PASSWORD = 'Bench-pass-2026';
const VISITS = 1_000;
const BATCH = 100;
const CACHE_HOUSEHOLDS = 500;

/** A small valid PNG of about 6 KB (noise does not compress), like a phone's thumbnail-sized photo. */
function smallPng(seed: number): Buffer {
  const width = 48;
  const height = 40;
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.alloc((width * 3 + 1) * height);
  const random = crypto.createHash('sha256').update(String(seed)).digest();
  for (let i = 0; i < raw.length; i++) raw[i] = i % (width * 3 + 1) === 0 ? 0 : random[i % 32]! ^ (i * 31);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function setup(dialect: DialectName) {
  const fresh = await freshDatabase(dialect, 'fieldwork');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tz-bench-fieldwork-'));
  const deps: AppDeps = {
    db: fresh.database.db,
    dialect,
    database: fresh.database,
    config: testConfig(dataDir, { kind: 'sqlite', file: '' }),
    clock: systemClock,
    pii: new PiiCipher({ encryption: crypto.randomBytes(32), blindIndex: crypto.randomBytes(32) }),
  };
  await importDivisions(fresh.database, systemClock, { under: '6201' });
  await ensureDefaultDutyList(deps);
  const community = await deps.db
    .selectFrom('org_units')
    .selectAll()
    .where('code', '=', '620105006010')
    .executeTakeFirstOrThrow();
  const now = new Date().toISOString();
  const tags = await deps.db.selectFrom('care_tags').select(['id', 'code']).execute();
  const grids = await deps.db.transaction().execute(async (trx) => {
    const out = [];
    for (const [g, size] of [VISITS, CACHE_HOUSEHOLDS].entries()) {
      const grid = await insertSubUnit(trx, now, {
        parent: community,
        level: 'grid',
        name: `第${g + 1}网格`,
        geometry: null,
      });
      await insertAccount(trx, deps, SYSTEM, {
        username: `wg${g + 1}`,
        displayName: `网格员${g + 1}`,
        password: PASSWORD,
        homeOrg: grid,
        roles: [{ role: 'grid_worker', org: grid }],
        mustChangePassword: false,
      });
      const households: HouseholdTable[] = [];
      const residents: ResidentTable[] = [];
      for (let i = 0; i < size; i++) {
        const id = newId();
        households.push({
          id,
          org_id: grid.id,
          org_path: grid.path,
          county_key: countyKeyOf(grid.path),
          building_id: null,
          address: `营门滩路${g + 1}号院${Math.floor(i / 24) + 1}号楼${(i % 24) + 101}`,
          unit_no: null,
          room_no: null,
          lng: null,
          lat: null,
          version: 1,
          created_at: now,
          updated_at: now,
        });
        for (const [m, name] of ['王秀英', '李建国'].entries()) {
          const phone = `138${String(g * 100_000 + i * 2 + m).padStart(8, '0')}`;
          residents.push({
            id: newId(),
            household_id: id,
            org_path: grid.path,
            county_key: countyKeyOf(grid.path),
            name,
            name_initials: m === 0 ? 'wxy' : 'ljg',
            id_number_enc: null,
            id_number_bidx: null,
            no_id_reason: '外籍人员',
            gender: m === 0 ? 'female' : 'male',
            birth_date: m === 0 ? '1946-05-01' : '1972-08-09',
            phone_enc: deps.pii.encrypt(phone),
            phone_bidx: deps.pii.blindIndex('phone', phone),
            ethnicity: '汉族',
            relation: m === 0 ? '户主' : '子',
            residence_type: 'registered',
            status: 'living',
            status_date: null,
            notes: null,
            version: 1,
            created_at: now,
            updated_at: now,
            import_job_id: null,
          });
        }
      }
      for (let i = 0; i < households.length; i += 500)
        await trx
          .insertInto('households')
          .values(households.slice(i, i + 500))
          .execute();
      for (let i = 0; i < residents.length; i += 500)
        await trx
          .insertInto('residents')
          .values(residents.slice(i, i + 500))
          .execute();
      const tagged = residents.filter((_, i) => i % 10 === 0);
      const tagId = tags.find((t) => t.code === 'living_alone')!.id;
      for (let i = 0; i < tagged.length; i += 500) {
        await trx
          .insertInto('resident_tags')
          .values(
            tagged.slice(i, i + 500).map((r) => ({
              resident_id: r.id,
              tag_id: tagId,
              org_path: grid.path,
              county_key: countyKeyOf(grid.path),
            })),
          )
          .execute();
      }
      out.push({ grid, households });
    }
    return out;
  });
  const app = await buildApp(deps);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const signIn = async (username: string) => {
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    const cookie = res.headers
      .getSetCookie()
      .find((c) => c.startsWith('tz_session='))!
      .split(';')[0]!;
    return { cookie, 'x-csrf-token': ((await res.json()) as { csrfToken: string }).csrfToken };
  };
  return { deps, fresh, app, base, grids, signIn, dataDir };
}

/** The rows a synced visit leaves, inserted raw through the engine in one transaction: the floor for sync. */
async function bareInsert(deps: AppDeps, householdIds: string[], photos: Buffer[], userId: string, orgPath: string) {
  const started = process.hrtime.bigint();
  const at = new Date().toISOString();
  const rows = householdIds.map((householdId, i) => ({
    visitId: newId(),
    photoId: newId(),
    householdId,
    photo: photos[i]!,
    sha: crypto.createHash('sha256').update(photos[i]!).digest('hex'),
  }));
  const findings = JSON.stringify([{ topic: 'health', note: '血压平稳' }]);
  const countyKey = countyKeyOf(orgPath);
  // each row's values, the same for both engines: only the placeholders and the upsert's words differ
  const photoValues = (r: (typeof rows)[number]) => [
    r.photoId,
    userId,
    null,
    'image/png',
    r.photo.length,
    r.sha,
    r.photo,
    at,
    // county 0 until a visit names it (migration 0047)
    0,
  ];
  // a photo's receipt is stored with county 0 (no place yet), a visit's with the visit
  const receiptValues = (kind: 'photo' | 'visit', id: string) => [
    crypto.randomUUID(),
    kind,
    id,
    userId,
    at,
    kind === 'photo' ? 0 : countyKey,
  ];
  const visitValues = (r: (typeof rows)[number]) => [
    r.visitId,
    r.householdId,
    orgPath,
    at,
    'routine',
    null,
    null,
    findings,
    null,
    null,
    userId,
    at,
    countyKey,
  ];
  const visitorValues = (r: (typeof rows)[number]) => [r.visitId, userId, 0, at, countyKey];
  const statusValues = (r: (typeof rows)[number]) => [r.householdId, orgPath, countyKey, at, at, 90];
  const VISIT =
    'visits (id, household_id, org_path, visited_at, kind, lng, lat, findings, note, open_case, recorded_by, created_at, county_key)';
  const VISITOR = 'visit_visitors (visit_id, user_id, position, visited_at, county_key)';
  const RECEIPT = 'sync_receipts (client_id, kind, object_id, user_id, created_at, county_key)';
  const STATUS =
    'household_visit_status (household_id, org_path, county_key, last_visit_at, next_due_at, interval_days)';
  if (deps.database.sqlite !== undefined) {
    const db = deps.database.sqlite;
    const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
    const photo = db.prepare(`insert into visit_photos values (${marks(9)})`);
    const visit = db.prepare(`insert into ${VISIT} values (${marks(13)})`);
    const visitor = db.prepare(`insert into ${VISITOR} values (${marks(5)})`);
    const receipt = db.prepare(`insert into ${RECEIPT} values (${marks(6)})`);
    const status = db.prepare(`insert or replace into ${STATUS} values (${marks(6)})`);
    db.transaction(() => {
      for (const r of rows) {
        receipt.run(receiptValues('photo', r.photoId));
        photo.run(photoValues(r));
      }
      for (const r of rows) {
        receipt.run(receiptValues('visit', r.visitId));
        visit.run(visitValues(r));
        visitor.run(visitorValues(r));
        status.run(statusValues(r));
      }
    })();
  } else {
    const marks = (n: number) => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ');
    const client = await deps.database.pool!.connect();
    try {
      await client.query('begin');
      for (const r of rows) {
        await client.query(`insert into ${RECEIPT} values (${marks(6)})`, receiptValues('photo', r.photoId));
        await client.query(`insert into visit_photos values (${marks(9)})`, photoValues(r));
      }
      for (const r of rows) {
        await client.query(`insert into ${RECEIPT} values (${marks(6)})`, receiptValues('visit', r.visitId));
        await client.query(`insert into ${VISIT} values (${marks(13)})`, visitValues(r));
        await client.query(`insert into ${VISITOR} values (${marks(5)})`, visitorValues(r));
        await client.query(
          `insert into ${STATUS} values (${marks(6)})
           on conflict (household_id) do update set last_visit_at = excluded.last_visit_at, next_due_at = excluded.next_due_at`,
          statusValues(r),
        );
      }
      await client.query('commit');
    } finally {
      client.release();
    }
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * The phone's queue after a day offline: 1,000 visits with a small photo each, synced over loopback HTTP
 * the way the app does it (photos one by one, then batches of 100 ops), beside the same rows inserted
 * raw; and the field cache of a grid of 500 households.
 */
export async function benchFieldworkSync(dialect: DialectName) {
  const ctx = await setup(dialect);
  const [syncGrid, cacheGrid] = ctx.grids as [(typeof ctx.grids)[number], (typeof ctx.grids)[number]];
  const headers = await ctx.signIn('wg1');
  const photos = Array.from({ length: VISITS }, (_, i) => smallPng(i));
  const at = new Date(Date.now() - 3_600_000).toISOString();
  const started = process.hrtime.bigint();
  const photoIds: string[] = [];
  for (const [i, photo] of photos.entries()) {
    const form = new FormData();
    const clientId = crypto.randomUUID();
    form.set('clientId', clientId);
    form.set('photo', new Blob([photo], { type: 'image/png' }), `p${i}.png`);
    const res = await fetch(`${ctx.base}/api/v1/sync/photos`, { method: 'POST', headers, body: form });
    if (res.status !== 201) throw new Error(`photo ${i}: ${res.status} ${await res.text()}`);
    photoIds.push(clientId);
  }
  const photosDone = process.hrtime.bigint();
  let created = 0;
  for (let b = 0; b < VISITS / BATCH; b++) {
    const ops = Array.from({ length: BATCH }, (_, k) => {
      const i = b * BATCH + k;
      return {
        clientId: crypto.randomUUID(),
        kind: 'visit',
        payload: {
          householdId: syncGrid.households[i]!.id,
          visitedAt: at,
          kind: 'routine',
          findings: [{ topic: 'health', note: '血压平稳' }],
          note: '例行走访',
          photoClientIds: [photoIds[i]],
        },
      };
    });
    const res = await fetch(`${ctx.base}/api/v1/sync/batch`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ ops }),
    });
    const out = (await res.json()) as { results: { status: string }[] };
    created += out.results.filter((r) => r.status === 'created').length;
  }
  const done = process.hrtime.bigint();
  if (created !== VISITS) throw new Error(`only ${created} of ${VISITS} visits were created`);
  const totalMs = Number(done - started) / 1e6;
  const photoMs = Number(photosDone - started) / 1e6;
  const worker = await ctx.deps.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'wg1')
    .executeTakeFirstOrThrow();
  const bareMs = await bareInsert(
    ctx.deps,
    syncGrid.households.map((h) => h.id),
    photos,
    worker.id,
    syncGrid.grid.path,
  );
  report({
    scenario: `sync of ${VISITS.toLocaleString('en')} queued visits with a ~6 KB photo each over loopback HTTP (photos one by one, then batches of ${BATCH})`,
    engine: dialect,
    figure: 'total time (photos part)',
    platform: `${fmtMs(totalMs)} (photos ${fmtMs(photoMs)})`,
    baseline: `${fmtMs(bareMs)} (the same rows inserted raw in one transaction)`,
    target: '≤ 10 s',
    isMet: totalMs <= 10_000,
    platformValue: totalMs,
    baselineValue: bareMs,
  });

  const cacheHeaders = await ctx.signIn('wg2');
  const cache = await latency(30, async () => {
    const res = await fetch(`${ctx.base}/api/v1/my/field-cache`, { headers: cacheHeaders });
    const body = (await res.json()) as { households: unknown[] };
    if (body.households.length !== CACHE_HOUSEHOLDS) throw new Error(`cache: ${body.households.length}`);
  });
  const bareCache = await latency(30, () =>
    ctx.deps.db
      .selectFrom('households')
      .innerJoin('residents', 'residents.household_id', 'households.id')
      .select(['households.id', 'households.address', 'residents.name', 'residents.phone_enc'])
      .where('households.org_id', '=', cacheGrid.grid.id)
      .execute(),
  );
  report({
    scenario: `the field cache of a grid of ${CACHE_HOUSEHOLDS} households (1,000 members, phones masked) over HTTP`,
    engine: dialect,
    figure: 'p95',
    platform: `${fmtMs(cache.p95)} (p50 ${fmtMs(cache.p50)})`,
    baseline: `${fmtMs(bareCache.p95)} (households joined to members, bare SELECT)`,
    target: 'p95 ≤ 1 s (the phone then opens it from its own cache)',
    isMet: cache.p95 <= 1000,
    platformValue: cache.p95,
    baselineValue: bareCache.p95,
  });
  await ctx.app.close();
  if (dialect === 'sqlite') await ctx.fresh.database.close();
  await ctx.fresh.drop();
  fs.rmSync(ctx.dataDir, { recursive: true, force: true });
}
