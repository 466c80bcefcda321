import fs from 'node:fs';
import net from 'node:net';
import { Writable } from 'node:stream';
import SQLite from 'better-sqlite3';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subtreeEnd } from '../access/scope.ts';
import { CODES, DIALECTS, TEST_PASSWORD, type TestContext, createTestContext } from '../../test/harness.ts';
import { type RawClient, TINY_PNG, expectErrorBody, multipartBody, signInRaw } from '../../test/http.ts';
import { buildApp } from '../../app.ts';
import { openDatabase } from '../../db/database.ts';
import type { RouteDef } from './route.ts';

/**
 * Hostile and random input on the org, user and auth routes: every answer is a well-formed 4xx (or, for
 * searches, a 200 that stays inside the caller's scope), never a 5xx, and nothing in the database changes.
 */

const RUNS = 100;
/** login and password changes hash with argon2 (tens of ms each), so they get fewer runs */
const ARGON_RUNS = 40;

const HOSTILE = [
  "'; drop table users; --",
  "' OR '1'='1",
  '" OR 1=1 --',
  '1; DELETE FROM org_units',
  "admin'--",
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '\u0000',
  'a\u0000b',
  '%',
  '_',
  '%_%',
  '\\',
  '${7*7}',
  '{{7*7}}',
  '../../etc/passwd',
  '\u202egnp.exe',
  '𠮷野家',
  '🙂👨‍👩‍👧',
  '\ud800',
  '\udfff\ud800',
  ' ',
  '',
  '\n\r\t',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '营门滩社区',
  '620102002002',
  '00000000-0000-0000-0000-000000000000',
];

const hugeString = fc
  .tuple(fc.constantFrom('x', '山', "'", '\u0000', '🙂', '<'), fc.integer({ min: 1_000, max: 100_000 }))
  .map(([unit, bytes]) => unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit))));

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: hugeString },
);

/** A body as the server receives it after JSON encoding (undefined when JSON cannot encode it at all). */
const asSent = (body: unknown): unknown => {
  const text = JSON.stringify(body);
  return text === undefined ? undefined : JSON.parse(text);
};

/** JSON nested `depth` levels deep, alternating arrays and objects. */
const nested = (depth: number): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
};

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-0, 1e308, -1, 0, 2 ** 53 + 1)) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, hostileString, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 10, max: 3_000 }).map(nested) },
);

/** Bodies derived from a skeleton: fields replaced by hostile values, dropped, or joined by unknown ones; or no object at all. */
function mutationsOf(skeleton: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(skeleton);
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .tuple(
          fc.subarray(keys, { minLength: 1 }),
          fc.array(hostileValue, { minLength: keys.length, maxLength: keys.length }),
        )
        .map(([replaced, values]) => ({ ...skeleton, ...Object.fromEntries(replaced.map((k, i) => [k, values[i]])) })),
    },
    {
      weight: 2,
      arbitrary: fc
        .subarray(keys, { minLength: 1 })
        .map((dropped) => Object.fromEntries(Object.entries(skeleton).filter(([k]) => !dropped.includes(k)))),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'id', 'isAdmin', 'role')),
          hostileValue,
        )
        .filter(([key]) => !keys.includes(key))
        .map(([key, value]) => ({ ...skeleton, [key]: value })),
    },
    { weight: 1, arbitrary: fc.constantFrom<unknown>([skeleton], JSON.stringify(skeleton), null, 42, true, [], 'x') },
    { weight: 2, arbitrary: fc.jsonValue() },
  );
}

const containsNul = (value: unknown): boolean =>
  typeof value === 'string'
    ? value.includes('\u0000')
    : typeof value === 'object' &&
      value !== null &&
      Object.entries(value).some(([k, v]) => containsNul(k) || containsNul(v));

const BROKEN_JSON = [
  '{',
  '}',
  '{"name":',
  '{"name": "x",}',
  '[1,]',
  "{'name': 'x'}",
  '{name: "x"}',
  'undefined',
  'NaN',
  '{"a": NaN}',
  '{"a": Infinity}',
  '{"a": 01}',
  '"unterminated',
  '{"a":"\\x41"}',
  '\u00ef\u00bb\u00bf{}',
  '{"a":1}{"b":2}',
  '<xml/>',
  "'; drop table users; --",
  '{"__proto__": {"isAdmin": true}}',
  '{"constructor": {"prototype": {"isAdmin": true}}}',
  '',
  '   ',
  '['.repeat(50_000),
];

const isJson = (s: string) => {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
};

const brokenJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...BROKEN_JSON),
  fc.string({ unit: 'grapheme', maxLength: 60 }).filter((s) => !isJson(s)),
  fc
    .tuple(fc.json({ maxDepth: 3 }), fc.nat())
    .map(([json, cut]) => json.slice(0, cut % Math.max(1, json.length)))
    .filter((s) => s.trim() !== '' && !isJson(s)),
);

const WRONG_CONTENT_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'text/html',
  'text/json',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/octet-stream',
  'application/javascript',
  'image/png',
  'application/jsonp',
  'application/json-patch+json',
];

/** A path segment for any string; lone surrogates cannot be percent-encoded, so they become U+FFFD. */
const pathSegment = (s: string) =>
  encodeURIComponent(s.replace(/[\ud800-\udfff]/g, (c, i: number) => (isPaired(s, i) ? c : '\ufffd')));
const isPaired = (s: string, i: number) => {
  const code = s.charCodeAt(i);
  return code < 0xdc00 ? /[\udc00-\udfff]/.test(s[i + 1] ?? '') : /[\ud800-\udbff]/.test(s[i - 1] ?? '');
};

/** Mostly a plausible value, sometimes a hostile one, sometimes absent: so that hostile parts reach the database too. */
const mostly = <T>(plausible: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 3, arbitrary: plausible as fc.Arbitrary<unknown> },
    { weight: 1, arbitrary: hostileValue },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
/** Rarely present: an unknown query parameter, which always makes the query invalid. */
const rarely = (arb: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

/** A query string from an object; arrays become repeated keys, undefined values are left out. */
const queryString = (query: Record<string, unknown>) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v])
      params.append(k, typeof item === 'string' ? item : JSON.stringify(item));
  }
  return params.toString();
};

/** Every non-login, non-lockout audit entry written during a check would mean the hostile input did something. */
const HARMLESS_AUDIT = new Set(['auth.login_failed', 'auth.locked']);

describe.each(DIALECTS)('hostile input on %s', (dialect) => {
  let t: TestContext;
  let secretary: RawClient;
  let passwordOwner: RawClient;
  const ids = { communityA: '', communityB: '', gridA: '', gridB: '', streetA: '', nation: '', staffA: '', staffB: '' };
  let subtreeOfA = new Set<string>();
  let fullNameOfA = '';

  const routeOf = (method: string, url: string): RouteDef => {
    const route = t.app.routeTable.find((r) => r.method === method && r.url === url);
    if (route === undefined) throw new Error(`no route ${method} ${url}`);
    return route;
  };
  /** Whether the route's schema accepts the body as it arrives: JSON turns NaN and ±Infinity into null. */
  const isValidBody = (method: string, url: string, body: unknown) =>
    routeOf(method, url).body!.safeParse(asSent(body)).success;

  const sendJson = (client: RawClient, method: string, url: string, body: unknown) =>
    client.send({ method, url, payload: JSON.stringify(body) ?? '', contentType: 'application/json' });
  const anonymous: RawClient = {
    send: ({ method, url, payload, contentType }) =>
      t.app.inject({
        method: method as 'POST',
        url,
        ...(payload === undefined ? {} : { payload }),
        ...(contentType === undefined ? {} : { headers: { 'content-type': contentType } }),
      }),
  };

  async function snapshot() {
    const db = t.deps.db;
    const [orgs, users, roles, keys, sessions] = await Promise.all([
      db
        .selectFrom('org_units')
        .select(['id', 'parent_id', 'path', 'name', 'full_name', 'code', 'geometry', 'retired_at', 'updated_at'])
        .orderBy('id')
        .execute(),
      // locked_until is left out: failed logins may lock the login-fuzz victim, as they should
      db
        .selectFrom('users')
        .select([
          'id',
          'username',
          'display_name',
          'phone_bidx',
          'password_hash',
          'is_disabled',
          'must_change_password',
        ])
        .select(['home_org_id', 'updated_at'])
        .orderBy('id')
        .execute(),
      db.selectFrom('role_assignments').selectAll().orderBy('id').execute(),
      db.selectFrom('api_keys').select(['id', 'revoked_at']).orderBy('id').execute(),
      db.selectFrom('sessions').select('id').orderBy('id').execute(),
    ]);
    const auditIds = new Set((await db.selectFrom('audit_log').select('id').execute()).map((r) => r.id));
    return { orgs, users, roles, keys, sessions, auditIds };
  }

  /** Runs `check` and then asserts that org units, users, roles, keys and sessions are as before, and that only failed logins were audited. */
  async function expectNothingChanges(check: () => Promise<void>) {
    const before = await snapshot();
    await check();
    const after = await snapshot();
    expect(after.orgs.length, 'org_units rows').toBe(before.orgs.length);
    expect(after.users.length, 'users rows').toBe(before.users.length);
    expect(after.roles.length, 'role_assignments rows').toBe(before.roles.length);
    expect(after.orgs).toEqual(before.orgs);
    expect(after.users).toEqual(before.users);
    expect(after.roles).toEqual(before.roles);
    expect(after.keys).toEqual(before.keys);
    expect(after.sessions).toEqual(before.sessions);
    const newAudit = await t.deps.db
      .selectFrom('audit_log')
      .select(['id', 'action'])
      .execute()
      .then((rows) => rows.filter((r) => !before.auditIds.has(r.id)));
    expect(newAudit.map((r) => r.action).filter((a) => !HARMLESS_AUDIT.has(a))).toEqual([]);
  }

  /** The common answer check: never 5xx, never a success, always the error body. */
  function expectRefused(res: LightMyRequestResponse, what: string, allowed: number[]) {
    expect(res.statusCode, `${what} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
    expect(allowed, `${what} → ${res.statusCode} ${res.body.slice(0, 300)}`).toContain(res.statusCode);
    expectErrorBody(res, what);
  }

  beforeAll(async () => {
    t = await createTestContext(dialect);
    const a = await t.org(CODES.yingMenTan);
    fullNameOfA = (
      await t.deps.db.selectFrom('org_units').select('full_name').where('id', '=', a.id).executeTakeFirstOrThrow()
    ).full_name;
    ids.communityA = a.id;
    ids.communityB = (await t.org(CODES.shanZiShi)).id;
    ids.streetA = (await t.org(CODES.yinTanLuStreet)).id;
    ids.nation = (
      await t.deps.db.selectFrom('org_units').select('id').where('level', '=', 'nation').executeTakeFirstOrThrow()
    ).id;
    await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'szs_sj', role: 'community_secretary', orgCode: CODES.shanZiShi });
    ids.staffA = (await t.createUser({ username: 'ymt_staff', role: 'community_staff', orgCode: CODES.yingMenTan })).id;
    ids.staffB = (await t.createUser({ username: 'szs_staff', role: 'community_staff', orgCode: CODES.shanZiShi })).id;
    await t.createUser({ username: 'fuzz_victim', role: 'resident', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'fuzz_pw', role: 'resident', orgCode: CODES.yingMenTan });
    secretary = await signInRaw(t.app, 'ymt_sj');
    passwordOwner = await signInRaw(t.app, 'fuzz_pw');
    const secretaryB = await signInRaw(t.app, 'szs_sj');
    const gridA = await sendJson(secretary, 'POST', '/api/v1/orgs', {
      parentId: ids.communityA,
      level: 'grid',
      name: '第一网格',
    });
    const gridB = await sendJson(secretaryB, 'POST', '/api/v1/orgs', {
      parentId: ids.communityB,
      level: 'grid',
      name: '第一网格',
    });
    ids.gridA = (gridA.json() as { id: string }).id;
    ids.gridB = (gridB.json() as { id: string }).id;
    const rows = await t.deps.db
      .selectFrom('org_units')
      .select('id')
      .where('path', '>=', a.path)
      .where('path', '<', subtreeEnd(a.path))
      .execute();
    subtreeOfA = new Set(rows.map((r) => r.id));
  });
  afterAll(() => t.close());

  const isOutsideA = (id: unknown) => typeof id !== 'string' || !subtreeOfA.has(id);

  /**
   * A body route fuzzed from skeletons in and out of the secretary's scope. A schema-valid body is sent only
   * when `isOutOfScope` says it aims outside her scope (inside it, it would rightly succeed).
   */
  async function fuzzBodyRoute(options: {
    method: string;
    route: string;
    skeletons: { url: string; skeleton: Record<string, unknown> }[];
    isOutOfScope: (url: string, body: Record<string, unknown>) => boolean;
  }) {
    const { method, route, skeletons, isOutOfScope } = options;
    const cases = fc.oneof(
      ...skeletons.map((o) => mutationsOf(o.skeleton).map((body) => ({ url: o.url, body }))),
      ...skeletons.map((o) => fc.constant({ url: o.url, body: o.skeleton as unknown })),
    );
    await expectNothingChanges(async () => {
      await fc.assert(
        fc.asyncProperty(cases, async ({ url, body }) => {
          const isValid = isValidBody(method, route, body);
          const isInScope = isValid && !isOutOfScope(url, asSent(body) as Record<string, unknown>);
          // a valid body inside her scope would rightly succeed, unless it carries U+0000, which no database text may hold
          fc.pre(!isInScope || containsNul(body));
          const res = await sendJson(secretary, method, url, body);
          // schema-invalid is always 400; a valid body aimed outside her scope is 404 (or 400 for content the service refuses)
          const allowed = !isValid || isInScope ? [400] : [400, 404];
          expectRefused(res, `${method} ${url} ${JSON.stringify(body)?.slice(0, 200)}`, allowed);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('POST /api/v1/orgs refuses hostile bodies and creates no unit', async () => {
    await fuzzBodyRoute({
      method: 'POST',
      route: '/api/v1/orgs',
      skeletons: [
        { url: '/api/v1/orgs', skeleton: { parentId: ids.communityA, level: 'grid', name: '新网格' } },
        { url: '/api/v1/orgs', skeleton: { parentId: ids.communityB, level: 'grid', name: '新网格' } },
        { url: '/api/v1/orgs', skeleton: { parentId: ids.streetA, level: 'compound', name: '新小区' } },
      ],
      isOutOfScope: (_url, body) => isOutsideA(body.parentId),
    });
  });

  it('PATCH /api/v1/orgs/:id refuses hostile bodies and ids, and renames nothing', async () => {
    await fuzzBodyRoute({
      method: 'PATCH',
      route: '/api/v1/orgs/:id',
      skeletons: [
        { url: `/api/v1/orgs/${ids.gridA}`, skeleton: { name: '新名字' } },
        { url: `/api/v1/orgs/${ids.gridB}`, skeleton: { name: '新名字' } },
      ],
      isOutOfScope: (url) => url.endsWith(ids.gridB),
    });
    await expectNothingChanges(async () => {
      await fc.assert(
        fc.asyncProperty(hostileString, async (id) => {
          const res = await sendJson(secretary, 'PATCH', `/api/v1/orgs/${pathSegment(id)}`, { name: '新名字' });
          expectRefused(res, `PATCH /api/v1/orgs/${JSON.stringify(id).slice(0, 100)}`, [400, 404]);
        }),
        { numRuns: RUNS / 2 },
      );
    });
  });

  it('POST /api/v1/users refuses hostile bodies and creates no user', async () => {
    const skeleton = { username: 'fuzz_new', displayName: '新用户', homeOrgId: ids.communityA };
    await fuzzBodyRoute({
      method: 'POST',
      route: '/api/v1/users',
      skeletons: [
        {
          url: '/api/v1/users',
          skeleton: { ...skeleton, phone: '13800138000', roles: [{ role: 'grid_worker', orgId: ids.communityA }] },
        },
        { url: '/api/v1/users', skeleton: { ...skeleton, homeOrgId: ids.communityB } },
        { url: '/api/v1/users', skeleton: { ...skeleton, roles: [{ role: 'grid_worker', orgId: ids.communityB }] } },
      ],
      isOutOfScope: (_url, body) =>
        isOutsideA(body.homeOrgId) || ((body.roles ?? []) as { orgId: string }[]).some((r) => isOutsideA(r.orgId)),
    });
  });

  it('PATCH /api/v1/users/:id refuses hostile bodies and changes no user', async () => {
    await fuzzBodyRoute({
      method: 'PATCH',
      route: '/api/v1/users/:id',
      skeletons: [
        {
          url: `/api/v1/users/${ids.staffA}`,
          skeleton: { displayName: '改名', phone: '13800138000', isDisabled: true },
        },
        { url: `/api/v1/users/${ids.staffB}`, skeleton: { displayName: '改名', phone: null, isDisabled: true } },
      ],
      isOutOfScope: (url) => url.endsWith(ids.staffB),
    });
  });

  it('POST /api/v1/users/:id/roles refuses hostile grants and grants nothing outside her scope', async () => {
    const url = `/api/v1/users/${ids.staffA}/roles`;
    await fuzzBodyRoute({
      method: 'POST',
      route: '/api/v1/users/:id/roles',
      skeletons: [
        { url, skeleton: { role: 'grid_worker', orgId: ids.gridA } },
        // upward (her street, the nation) and sideways (another community) are all out of her scope
        { url, skeleton: { role: 'admin', orgId: ids.nation } },
        { url, skeleton: { role: 'street', orgId: ids.streetA } },
        { url, skeleton: { role: 'community_secretary', orgId: ids.communityB } },
        { url: `/api/v1/users/${ids.staffB}/roles`, skeleton: { role: 'grid_worker', orgId: ids.communityA } },
      ],
      isOutOfScope: (u, body) => u.includes(ids.staffB) || isOutsideA(body.orgId),
    });
  });

  it('POST /api/v1/auth/login refuses hostile credentials without opening a session', async () => {
    const skeleton = { username: 'fuzz_victim', password: 'Wrong-pass-1' };
    const cases = fc.oneof(
      mutationsOf(skeleton),
      fc.record({
        username: fc.oneof(
          fc.constantFrom('fuzz_victim', 'FUZZ_VICTIM', ' fuzz_victim ', 'fuzz_victim\u0000'),
          hostileString,
        ),
        password: hostileString,
      }),
    );
    await expectNothingChanges(async () => {
      await fc.assert(
        fc.asyncProperty(cases, async (body) => {
          fc.pre((body as { password?: unknown } | null)?.password !== TEST_PASSWORD);
          const res = await sendJson(anonymous, 'POST', '/api/v1/auth/login', body);
          const isValid = isValidBody('POST', '/api/v1/auth/login', body);
          expectRefused(res, `login ${JSON.stringify(body)?.slice(0, 200)}`, isValid ? [400, 401, 423] : [400]);
          expect(res.cookies.find((c) => c.name === 'tz_session')).toBeUndefined();
        }),
        { numRuns: ARGON_RUNS },
      );
    });
  });

  it('POST /api/v1/auth/password refuses hostile changes and leaves the password as it was', async () => {
    const WEAK_OR_SAME = ['', 'short', 'alllowercase', '12345678', 'x'.repeat(129), TEST_PASSWORD, '\u0000'.repeat(10)];
    const cases = fc.oneof(
      mutationsOf({ currentPassword: 'Wrong-pass-1', newPassword: 'New-pass-2026' }),
      fc.record({ currentPassword: hostileString, newPassword: hostileString }),
      fc.constantFrom(...WEAK_OR_SAME).map((newPassword) => ({ currentPassword: TEST_PASSWORD, newPassword })),
    );
    await expectNothingChanges(async () => {
      await fc.assert(
        fc.asyncProperty(cases, async (body) => {
          // the right current password only ever comes with a new one the policy refuses
          const { currentPassword, newPassword } = (body ?? {}) as { currentPassword?: unknown; newPassword?: unknown };
          fc.pre(currentPassword !== TEST_PASSWORD || WEAK_OR_SAME.includes(newPassword as string));
          const res = await sendJson(passwordOwner, 'POST', '/api/v1/auth/password', body);
          expectRefused(res, `password ${JSON.stringify(body)?.slice(0, 200)}`, [400]);
        }),
        { numRuns: ARGON_RUNS },
      );
    });
    expect((await passwordOwner.send({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);
    await signInRaw(t.app, 'fuzz_pw', TEST_PASSWORD);
  });

  it('GET /api/v1/orgs/search answers hostile queries with 400 or results inside her scope', async () => {
    const query = fc.record({
      q: fc.oneof(
        { weight: 4, arbitrary: hostileString },
        { weight: 1, arbitrary: fc.array(hostileString, { minLength: 2, maxLength: 3 }) },
        { weight: 2, arbitrary: fc.constantFrom('620102', '6201', '山字石', '社区', '社区\u0000') },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      level: mostly(fc.constantFrom('grid', 'community', 'nation')),
      limit: mostly(
        fc.oneof(fc.integer({ min: -5, max: 200 }).map(String), fc.constantFrom('1e1', '0x10', '20.5', '')),
      ),
      extra: rarely(hostileString),
    });
    await expectNothingChanges(() =>
      fc.assert(
        fc.asyncProperty(query, async (q) => {
          const url = `/api/v1/orgs/search?${queryString(q)}`;
          const res = await secretary.send({ method: 'GET', url });
          if (res.statusCode === 200) {
            const items = (res.json() as { items: { id: string; fullName: string }[] }).items;
            for (const item of items) {
              expect(subtreeOfA.has(item.id), `${url} returned ${item.fullName}`).toBe(true);
              expect(item.fullName.startsWith(fullNameOfA)).toBe(true);
            }
          } else {
            expectRefused(res, url, [400]);
          }
        }),
        { numRuns: RUNS },
      ),
    );
  });

  it('GET /api/v1/orgs/by-code/:code answers hostile codes with 400 or 404, and finds only her own units', async () => {
    const code = fc.oneof(
      hostileString,
      fc.stringMatching(/^\d{2,15}$/),
      fc.constantFrom(CODES.shanZiShi, CODES.yingMenTan, '62', '6201'),
    );
    await expectNothingChanges(() =>
      fc.assert(
        fc.asyncProperty(code, async (c) => {
          const url = `/api/v1/orgs/by-code/${pathSegment(c)}`;
          const res = await secretary.send({ method: 'GET', url });
          if (res.statusCode === 200) {
            expect(subtreeOfA.has((res.json() as { id: string }).id), url).toBe(true);
          } else {
            expectRefused(res, `GET by-code ${JSON.stringify(c).slice(0, 100)}`, [400, 404]);
          }
        }),
        { numRuns: RUNS },
      ),
    );
  });

  it('GET /api/v1/users answers hostile queries with 400/404 or users of her community only', async () => {
    const query = fc.record({
      q: mostly(fc.oneof(hostileString, fc.constantFrom('szs', 'staff', '%', '_', 'staff\u0000'))),
      orgId: mostly(
        fc.oneof(fc.constantFrom(ids.communityA, ids.communityB, ids.gridA, ids.streetA, ids.nation), fc.uuid()),
      ),
      page: mostly(fc.integer({ min: -2, max: 200_000 }).map(String)),
      pageSize: mostly(fc.integer({ min: -2, max: 500 }).map(String)),
      extra: rarely(hostileString),
    });
    await expectNothingChanges(() =>
      fc.assert(
        fc.asyncProperty(query, async (q) => {
          const url = `/api/v1/users?${queryString(q)}`;
          const res = await secretary.send({ method: 'GET', url });
          if (res.statusCode === 200) {
            const body = res.json() as { items: { username: string; homeOrgId: string }[]; total: number };
            for (const user of body.items)
              expect(subtreeOfA.has(user.homeOrgId), `${url} returned ${user.username}`).toBe(true);
            expect(body.total).toBeGreaterThanOrEqual(body.items.length);
          } else {
            expectRefused(res, url, [400, 404]);
          }
        }),
        { numRuns: RUNS },
      ),
    );
  });

  /** Every body route with a URL the secretary (or anyone, for login) may call. */
  const bodyRoutes = () => [
    {
      client: secretary,
      method: 'POST',
      url: '/api/v1/orgs',
      body: { parentId: ids.communityA, level: 'grid', name: '新网格' },
    },
    { client: secretary, method: 'PATCH', url: `/api/v1/orgs/${ids.gridA}`, body: { name: '新名字' } },
    {
      client: secretary,
      method: 'POST',
      url: '/api/v1/users',
      body: { username: 'fuzz_new', displayName: '新用户', homeOrgId: ids.communityA },
    },
    { client: secretary, method: 'PATCH', url: `/api/v1/users/${ids.staffA}`, body: { displayName: '改名' } },
    {
      client: secretary,
      method: 'POST',
      url: `/api/v1/users/${ids.staffA}/roles`,
      body: { role: 'grid_worker', orgId: ids.gridA },
    },
    {
      client: anonymous,
      method: 'POST',
      url: '/api/v1/auth/login',
      body: { username: 'fuzz_pw', password: TEST_PASSWORD },
    },
    {
      client: passwordOwner,
      method: 'POST',
      url: '/api/v1/auth/password',
      body: { currentPassword: TEST_PASSWORD, newPassword: 'New-pass-2026' },
    },
  ];

  it('answers bodies that are not JSON, sent as application/json, with 400 invalid_json', async () => {
    await expectNothingChanges(async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...bodyRoutes()), brokenJson, async ({ client, method, url }, payload) => {
          const res = await client.send({ method, url, payload, contentType: 'application/json' });
          expectRefused(res, `${method} ${url} raw ${JSON.stringify(payload).slice(0, 100)}`, [400]);
          expect((res.json() as { errors: { code: string }[] }).errors[0]!.code).toBe('invalid_json');
        }),
        { numRuns: RUNS },
      );
    });
  });

  it('does not act on a valid body sent with a content type other than JSON', async () => {
    await expectNothingChanges(async () => {
      for (const { client, method, url, body } of bodyRoutes()) {
        for (const contentType of WRONG_CONTENT_TYPES) {
          const res = await client.send({ method, url, payload: JSON.stringify(body), contentType });
          expectRefused(res, `${method} ${url} as ${contentType}`, [400, 415]);
        }
        const res = await client.send({ method, url, payload: JSON.stringify(body) });
        expectRefused(res, `${method} ${url} without a content type`, [400, 415]);
      }
    });
  });

  it('answers bodies over 2 MB with 413, and one just under it with 400', async () => {
    await expectNothingChanges(async () => {
      for (const { client, method, url, body } of bodyRoutes()) {
        const [field] = Object.keys(body);
        const pad = (bytes: number) => {
          const base = JSON.stringify({ ...body, [field!]: '' });
          return JSON.stringify({ ...body, [field!]: 'x'.repeat(bytes - Buffer.byteLength(base)) });
        };
        const over = pad(2 * 1024 * 1024 + 1);
        expect(Buffer.byteLength(over)).toBe(2 * 1024 * 1024 + 1);
        const tooLarge = await client.send({ method, url, payload: over, contentType: 'application/json' });
        expectRefused(tooLarge, `${method} ${url} with 2 MB + 1 byte`, [413]);
        expect((tooLarge.json() as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
        const under = await client.send({
          method,
          url,
          payload: pad(2 * 1024 * 1024 - 16),
          contentType: 'application/json',
        });
        expectRefused(under, `${method} ${url} just under 2 MB`, [400]);
      }
    });
  });

  it('names the offending field and says what was expected', async () => {
    const wrongType = await sendJson(secretary, 'POST', '/api/v1/orgs', {
      parentId: ids.communityA,
      level: 'grid',
      name: 42,
    });
    expect(wrongType.json()).toMatchObject({
      errors: [{ field: 'name', code: 'invalid_type', message_en: 'Expected string' }],
    });
    const missing = await sendJson(secretary, 'POST', '/api/v1/orgs', { parentId: ids.communityA, level: 'grid' });
    expect(missing.json()).toMatchObject({ errors: [{ field: 'name', code: 'required' }] });
    const extra = await sendJson(secretary, 'PATCH', `/api/v1/users/${ids.staffA}`, {
      displayName: '改名',
      isAdmin: true,
    });
    expect(extra.json()).toMatchObject({ errors: [{ field: 'isAdmin', code: 'unknown_field' }] });
    const notAnObject = await sendJson(secretary, 'POST', '/api/v1/orgs', [{ parentId: ids.communityA }]);
    expect(notAnObject.json()).toMatchObject({ errors: [{ field: 'body', code: 'invalid_type' }] });
  });
});

/**
 * Broken bodies on every route that takes one, generated from the route table: a multipart request
 * without a boundary or cut short, an upload whose client goes away, and text that is not UTF-8.
 */
describe.each(DIALECTS)('broken uploads and encodings on %s', (dialect) => {
  let t: TestContext;
  let secretary: RawClient;
  let communityA = '';
  const PLACEHOLDER_ID = '00000000-0000-7000-8000-000000000000';
  const urlOf = (route: RouteDef) => route.url.replace(/:\w+/g, PLACEHOLDER_ID);
  /** routes that may carry a body: every upload route among them, declared (`files`) or reading its parts itself */
  const bodyRoutesOf = () => t.app.routeTable.filter((r) => r.method !== 'GET');

  beforeAll(async () => {
    t = await createTestContext(dialect);
    communityA = (await t.org(CODES.yingMenTan)).id;
    await t.createUser({ username: 'enc_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    secretary = await signInRaw(t.app, 'enc_sj');
  });
  afterAll(() => t.close());

  it('answers multipart/form-data without a boundary with 400 on every route that takes a body', async () => {
    const routes = bodyRoutesOf();
    // the upload routes are among them: ledger import, case photos, hotline and duty-list imports, field photos
    expect(routes.filter((r) => r.files !== undefined).length).toBeGreaterThanOrEqual(3);
    expect(routes.map((r) => r.url)).toEqual(
      expect.arrayContaining(['/api/v1/residents/imports', '/api/v1/sync/photos']),
    );
    const { payload } = multipartBody({ payload: '{}' }, [
      { field: 'file', fileName: 'a.csv', data: Buffer.from('x') },
    ]);
    for (const route of routes) {
      for (const contentType of [
        'multipart/form-data',
        'multipart/form-data; boundary=',
        'multipart/form-data; charset=utf-8',
      ]) {
        const res = await secretary.send({ method: route.method, url: urlOf(route), payload, contentType });
        expectRefused(res, `${route.method} ${route.url} as ${contentType}`);
        expect((res.json() as { errors: { field: string }[] }).errors[0]!.field).toBe('content-type');
      }
    }
  });

  it('answers a multipart body cut short with 400 on every upload route, and keeps no part of it', async () => {
    const uploads = bodyRoutesOf().filter((r) => r.files !== undefined || r.isRaw === true);
    const { payload, contentType } = multipartBody(
      { orgId: communityA, clientId: PLACEHOLDER_ID, payload: JSON.stringify({ description: 'x' }) },
      [
        {
          field: 'file',
          fileName: 'ledger.csv',
          data: Buffer.from('姓名,身份证号\n张三,620105199001011234\n'.repeat(50)),
        },
        { field: 'photo', fileName: 'a.png', data: TINY_PNG },
      ],
    );
    for (const route of uploads) {
      for (const cut of [payload.length - 10, Math.floor(payload.length / 2), 60]) {
        const res = await secretary.send({
          method: route.method,
          url: urlOf(route),
          payload: payload.subarray(0, cut),
          contentType,
        });
        expect(res.statusCode, `${route.method} ${route.url} cut at ${cut} → ${res.body.slice(0, 200)}`).toBeLessThan(
          500,
        );
      }
    }
    expect(uploadsLeft()).toEqual([]);
  });

  it('logs no 500 and keeps no file when the client goes away in the middle of an upload', async () => {
    const lines: string[] = [];
    const app = await buildApp(t.deps, {
      logger: {
        level: 'info',
        stream: new Writable({
          write(chunk: Buffer, _encoding, done) {
            lines.push(chunk.toString());
            done();
          },
        }),
      },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const login = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'enc_sj', password: TEST_PASSWORD },
      });
      const cookie = login.cookies.find((c) => c.name === 'tz_session')!.value;
      const csrf = (login.json() as { csrfToken: string }).csrfToken;
      const { port } = app.server.address() as net.AddressInfo;
      const { payload, contentType } = multipartBody({ orgId: communityA }, [
        { field: 'file', fileName: 'ledger.csv', data: Buffer.alloc(4 * 1024 * 1024, 'a') },
      ]);
      for (const url of ['/api/v1/residents/imports', '/api/v1/cases', '/api/v1/sync/photos']) {
        await new Promise<void>((resolve) => {
          const socket = net.connect(port, '127.0.0.1', () => {
            socket.write(
              `POST ${url} HTTP/1.1\r\nHost: localhost\r\nCookie: tz_session=${cookie}\r\nX-CSRF-Token: ${csrf}\r\n` +
                `Content-Type: ${contentType}\r\nContent-Length: ${payload.length}\r\n\r\n`,
            );
            // half of the body, then the client is gone
            socket.write(payload.subarray(0, payload.length / 2), () => setTimeout(() => socket.destroy(), 50));
          });
          socket.on('close', () => resolve());
          socket.on('error', () => resolve());
        });
      }
      // give the server its turn to notice the closed sockets and unwind the handlers: poll (bounded, generous
      // for a loaded CI machine) until every request has been answered or noted as aborted and no file is left
      const isSettled = () =>
        lines.filter((l) => l.includes('aborted') || l.includes('request completed')).length >= 3 &&
        uploadsLeft().length === 0;
      for (let i = 0; i < 300 && !isSettled(); i++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await app.close();
    }
    const errors = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level >= 50);
    expect(errors).toEqual([]);
    expect(lines.join('')).not.toContain('"statusCode":500');
    expect(uploadsLeft()).toEqual([]);
  });

  it('refuses text that is not UTF-8 naming the field, in JSON and in a multipart payload, and stores nothing', async () => {
    const orgsBefore = await t.deps.db.selectFrom('org_units').select('id').execute();
    const json = Buffer.concat([
      Buffer.from(`{"parentId":"${communityA}","level":"grid","name":"第`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('网格"}'),
    ]);
    const res = await secretary.send({
      method: 'POST',
      url: '/api/v1/orgs',
      payload: json,
      contentType: 'application/json',
    });
    expectRefused(res, 'JSON with invalid UTF-8', [400]);
    expect(res.json()).toMatchObject({ errors: [{ field: 'name', code: 'invalid_encoding' }] });
    // GBK bytes in a multipart payload, as an old client might send them
    const gbk = Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]);
    const boundary = '----tzenc';
    const cases = await secretary.send({
      method: 'POST',
      url: '/api/v1/cases',
      payload: Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="payload"\r\n\r\n{"description":"`),
        gbk,
        Buffer.from(`"}\r\n--${boundary}--\r\n`),
      ]),
      contentType: `multipart/form-data; boundary=${boundary}`,
    });
    expectRefused(cases, 'multipart payload with invalid UTF-8', [400]);
    expect((cases.json() as { errors: { field: string; code: string }[] }).errors).toContainEqual(
      expect.objectContaining({ field: 'description', code: 'invalid_encoding' }),
    );
    // a lone surrogate would be stored as U+FFFD too
    const lone = await secretary.send({
      method: 'POST',
      url: '/api/v1/orgs',
      payload: `{"parentId":"${communityA}","level":"grid","name":"第\\ud800网格"}`,
      contentType: 'application/json',
    });
    expect(lone.json()).toMatchObject({ errors: [{ field: 'name', code: 'invalid_encoding' }] });
    expect(await t.deps.db.selectFrom('org_units').select('id').execute()).toHaveLength(orgsBefore.length);
  });

  it('answers 503 BUSY, not 500, when another process holds the SQLite write lock past the busy timeout', async () => {
    if (dialect !== 'sqlite') return;
    const file = t.deps.database.sqlite!.name;
    const database = await openDatabase({ kind: 'sqlite', file }, { busyTimeoutMs: 300 });
    const app = await buildApp({ ...t.deps, db: database.db, database });
    const other = new SQLite(file);
    try {
      const client = await signInRaw(app, 'enc_sj');
      other.exec('begin immediate'); // the CLI, say, in the middle of a large import
      const res = await client.send({
        method: 'POST',
        url: '/api/v1/orgs',
        payload: JSON.stringify({ parentId: communityA, level: 'grid', name: '忙时网格' }),
        contentType: 'application/json',
      });
      expectRefused(res, 'a write while another process holds the lock', [503]);
      expect(res.json()).toMatchObject({ code: 'BUSY' });
      other.exec('rollback');
      const again = await client.send({
        method: 'POST',
        url: '/api/v1/orgs',
        payload: JSON.stringify({ parentId: communityA, level: 'grid', name: '忙时网格' }),
        contentType: 'application/json',
      });
      expect(again.statusCode, again.body).toBe(201);
    } finally {
      if (other.inTransaction) other.exec('rollback');
      other.close();
      await app.close();
      await database.close();
    }
  });

  function expectRefused(res: LightMyRequestResponse, what: string, allowed = [400]) {
    expect(allowed, `${what} → ${res.statusCode} ${res.body.slice(0, 300)}`).toContain(res.statusCode);
    expectErrorBody(res, what);
  }

  function uploadsLeft(): string[] {
    const dir = `${t.deps.config.dataDir}/uploads`;
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  }
});
