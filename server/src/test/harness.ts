import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { buildApp } from '../app.ts';
import type { Config } from '../config.ts';
import { type Database, type DialectName, openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { importDivisions } from '../modules/orgs/divisions.ts';
import { ensureDefaultDutyList } from '../modules/duties/service.ts';
import { insertAccount } from '../modules/users/service.ts';
import type { RoleId } from '../platform/access/roles.ts';
import { ManualClock } from '../platform/clock.ts';
import type { AppDeps } from '../platform/deps.ts';
import { PiiCipher } from '../platform/pii/crypto.ts';

/**
 * SQLite always; PostgreSQL too when TIANZIGE_TEST_DATABASE_URL is set (CI sets it). With
 * TIANZIGE_PG_PARTITIONED=1 (CI's partitioned leg) PostgreSQL only: its migrations build the large tables
 * partitioned by county (migration 0040, docs/scale.md), and SQLite has had its own run.
 */
export const DIALECTS: DialectName[] = !process.env.TIANZIGE_TEST_DATABASE_URL
  ? ['sqlite']
  : process.env.TIANZIGE_PG_PARTITIONED === '1'
    ? ['postgres']
    : ['sqlite', 'postgres'];

export const TEST_PASSWORD = 'Test-pass-2026';

/** Codes used across tests: two communities in different districts, a street above one of them. */
export const CODES = {
  yinTanLuStreet: '620105006',
  yingMenTan: '620105006010',
  shanZiShi: '620102002002',
  zhangYeLuStreet: '620102002',
  anning: '620105',
  lanzhou: '6201',
} as const;

export interface TestContext {
  deps: AppDeps;
  app: FastifyInstance;
  clock: ManualClock;
  dialect: DialectName;
  /** the PostgreSQL URL of this test's database (null on SQLite) */
  databaseUrl: string | null;
  /** id and path of a unit by division code */
  org(code: string): Promise<{ id: string; path: string; name: string }>;
  /** creates a user holding `role` at the unit with `orgCode` ('nation' for the root), password TEST_PASSWORD, no forced change */
  createUser(options: {
    username: string;
    role: RoleId;
    orgCode: string;
    /** a unit without a code (a department): overrides orgCode */
    orgId?: string;
    phone?: string;
  }): Promise<{ id: string }>;
  /** signs in and returns a client carrying the session cookie and CSRF token */
  login(username: string, password?: string): Promise<Client>;
  close(): Promise<void>;
}

export interface Client {
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  delete(url: string): Promise<LightMyRequestResponse>;
  request(method: string, url: string, body?: unknown): Promise<LightMyRequestResponse>;
}

export function testConfig(dataDir: string, database: Config['database']): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    database,
    adminPassword: undefined,
    isDemo: false,
    piiKey: undefined,
    tileUrl: undefined,
    webDist: path.join(dataDir, 'no-web'),
    loginRateLimitPerMinute: 10_000,
    isBehindProxy: false,
    logLevel: 'silent',
  };
}

/** A fresh database for one test file: a temp SQLite file, or a new PostgreSQL database. */
export async function openFreshDatabase(
  dialect: DialectName,
  dataDir: string,
): Promise<{ database: Database; url: string | null; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const database = await openDatabase({ kind: 'sqlite', file: path.join(dataDir, 'test.db') });
    return { database, url: null, drop: () => Promise.resolve() };
  }
  const adminUrl = process.env.TIANZIGE_TEST_DATABASE_URL!;
  const name = `tz_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString() });
  return {
    database,
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Builds a migrated database with the 兰州市 division tree and an app over it. */
export async function createTestContext(
  dialect: DialectName,
  options: { divisionsUnder?: string; loginRateLimitPerMinute?: number } = {},
): Promise<TestContext> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tianzige-test-'));
  const { database, drop, url } = await openFreshDatabase(dialect, dataDir);
  await migrateToLatest(database.db);
  const clock = new ManualClock();
  const deps: AppDeps = {
    db: database.db,
    dialect,
    database,
    config: testConfig(
      dataDir,
      dialect === 'sqlite' ? { kind: 'sqlite', file: path.join(dataDir, 'test.db') } : { kind: 'postgres', url: '' },
    ),
    clock,
    pii: new PiiCipher({ encryption: crypto.randomBytes(32), blindIndex: crypto.randomBytes(32) }),
  };
  await importDivisions(database, clock, { under: options.divisionsUnder ?? '6201' });
  await ensureDefaultDutyList(deps);
  if (options.loginRateLimitPerMinute !== undefined) {
    deps.config = { ...deps.config, loginRateLimitPerMinute: options.loginRateLimitPerMinute };
  }
  const app = await buildApp(deps);

  const org = async (code: string) => {
    const row = await deps.db
      .selectFrom('org_units')
      .select(['id', 'path', 'name'])
      .where('code', '=', code)
      .executeTakeFirstOrThrow();
    return row;
  };

  const login = async (username: string, password = TEST_PASSWORD): Promise<Client> => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
    if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
    const session = res.cookies.find((c) => c.name === 'tz_session')!.value;
    const csrf = (res.json() as { csrfToken: string }).csrfToken;
    const request = (method: string, url: string, body?: unknown) =>
      app.inject({
        method: method as 'GET',
        url,
        cookies: { tz_session: session },
        headers: { 'x-csrf-token': csrf },
        ...(body === undefined ? {} : { payload: body as object }),
      });
    return {
      request,
      get: (url) => request('GET', url),
      post: (url, body) => request('POST', url, body),
      patch: (url, body) => request('PATCH', url, body),
      delete: (url) => request('DELETE', url),
    };
  };

  const createUser: TestContext['createUser'] = async ({ username, role, orgCode, orgId, phone }) => {
    const unit =
      orgId !== undefined
        ? await deps.db.selectFrom('org_units').selectAll().where('id', '=', orgId).executeTakeFirstOrThrow()
        : orgCode === 'nation'
          ? await deps.db.selectFrom('org_units').selectAll().where('level', '=', 'nation').executeTakeFirstOrThrow()
          : await deps.db.selectFrom('org_units').selectAll().where('code', '=', orgCode).executeTakeFirstOrThrow();
    const { user } = await deps.db.transaction().execute((trx) =>
      insertAccount(
        trx,
        deps,
        { actorId: null, actorName: 'test', ip: null, userAgent: null },
        {
          username,
          displayName: username,
          phone,
          password: TEST_PASSWORD,
          homeOrg: unit,
          roles: [{ role, org: unit }],
          mustChangePassword: false,
        },
      ),
    );
    return { id: user.id };
  };

  return {
    deps,
    app,
    clock,
    dialect,
    databaseUrl: url,
    org,
    login,
    createUser,
    close: async () => {
      await app.close();
      await database.close();
      await drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
