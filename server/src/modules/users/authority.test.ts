import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, canGrantRole } from '../../platform/access/scope.ts';
import type { RouteDef } from '../../platform/http/route.ts';
import {
  CODES,
  DIALECTS,
  TEST_PASSWORD,
  type Client,
  type TestContext,
  createTestContext,
} from '../../test/harness.ts';
import { insertAccount } from './service.ts';

/**
 * Generated from the route table: every route that acts on one user (a non-GET route whose scoped object
 * is a `user`) needs authority over every role she holds (DESIGN rule 11), not only over her home unit.
 * A new user-management route is covered here without anyone remembering to.
 */

/** Routes on one user that do not manage her account, and why. */
const NOT_MANAGEMENT: Record<string, string> = {
  'POST /api/v1/users/:id/reveal-phone':
    'reads her phone number: governed by pii.reveal over her home unit, with a reason, audited',
};

/** A minimal valid body per user-management route that takes one; keyed `METHOD url`. */
const BODIES: Record<string, (own: { communityId: string }) => unknown> = {
  'PATCH /api/v1/users/:id': () => ({ displayName: '改过名的人', isDisabled: true }),
  'POST /api/v1/users/:id/roles': (own) => ({ role: 'grid_worker', orgId: own.communityId }),
};

const keyOf = (r: Pick<RouteDef, 'method' | 'url'>) => `${r.method} ${r.url}`;

/** The path parameter naming a user (`scope: { params: { id: 'user' } }`), if the route declares one. */
function userParamOf(route: RouteDef): string | undefined {
  if (route.scope === undefined || 'none' in route.scope) return undefined;
  for (const [name, rule] of Object.entries(route.scope.params ?? {})) {
    const kind = typeof rule === 'string' ? rule : 'kind' in rule ? rule.kind : undefined;
    if (kind === 'user') return name;
  }
  return undefined;
}

/** The routes that act on one user's account, with the parameter that names her. */
function userManagementRoutes(routes: RouteDef[]) {
  return routes.flatMap((route) => {
    const param = userParamOf(route);
    return param !== undefined && route.method !== 'GET' && NOT_MANAGEMENT[keyOf(route)] === undefined
      ? [{ ...route, param }]
      : [];
  });
}

describe('canGrantRole', () => {
  const actorAt = (role: Actor['assignments'][number]['role'], orgPath: string): Actor => ({
    userId: 'u',
    username: 'u',
    displayName: 'u',
    assignments: [{ role, orgId: 'o', orgPath }],
    via: 'session',
    ip: null,
    userAgent: null,
  });

  it('needs every permission of the role where the role would hold it, over the parent too', () => {
    // a department holds org.read and report.generate over its district: granting it there reaches the district
    const district = '/1/2/3/';
    const department = '/1/2/3/9/';
    expect(canGrantRole(actorAt('admin', department), 'department', department)).toBe(false);
    expect(canGrantRole(actorAt('admin', district), 'department', department)).toBe(true);
    expect(canGrantRole(actorAt('admin', department), 'grid_worker', department)).toBe(true);
    expect(canGrantRole(actorAt('community_secretary', '/1/2/3/4/5/'), 'street', '/1/2/3/4/')).toBe(false);
    expect(canGrantRole(actorAt('admin', '/1/'), 'no_such_role', '/1/2/')).toBe(false);
  });
});

describe.each(DIALECTS)('authority over every role a user holds on %s', (dialect) => {
  let t: TestContext;
  let secretary: Client;
  let street: Client;
  let community: { id: string; path: string };
  let streetUnit: { id: string; path: string };
  /** homed in 营门滩社区, holding the street role at 雁滩路街道 above it */
  let cadreId: string;
  /** homed in 营门滩社区 with a grid-worker role there: the secretary's to manage */
  let workerId: string;

  const assignmentsOf = (userId: string) =>
    t.deps.db.selectFrom('role_assignments').select(['id', 'role', 'org_id']).where('user_id', '=', userId).execute();
  const accountOf = (userId: string) =>
    t.deps.db
      .selectFrom('users')
      .select(['display_name', 'password_hash', 'is_disabled', 'must_change_password'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();

  function urlFor(route: RouteDef & { param: string }, userId: string, assignmentId: string) {
    return route.url.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
      if (name === route.param) return userId;
      if (name === 'assignmentId') return assignmentId;
      throw new Error(`${keyOf(route)}: no value for :${name}; teach authority.test.ts about it`);
    });
  }

  beforeAll(async () => {
    t = await createTestContext(dialect);
    community = await t.org(CODES.yingMenTan);
    streetUnit = await t.org(CODES.yinTanLuStreet);
    await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'ytl_street', role: 'street', orgCode: CODES.yinTanLuStreet });
    const account = (
      username: string,
      roles: { role: 'street' | 'grid_worker'; org: { id: string; path: string } }[],
    ) =>
      t.deps.db.transaction().execute((trx) =>
        insertAccount(
          trx,
          t.deps,
          { actorId: null, actorName: 'test', ip: null, userAgent: null },
          {
            username,
            displayName: username,
            password: TEST_PASSWORD,
            homeOrg: community,
            roles,
            mustChangePassword: false,
          },
        ),
      );
    cadreId = (await account('ymt_cadre', [{ role: 'street', org: streetUnit }])).user.id;
    workerId = (await account('ymt_worker', [{ role: 'grid_worker', org: community }])).user.id;
    secretary = await t.login('ymt_sj');
    street = await t.login('ytl_street');
  });
  afterAll(() => t.close());

  it('finds the user-management routes in the route table and can call each of them', () => {
    const routes = userManagementRoutes(t.app.routeTable);
    const keys = routes.map(keyOf);
    expect(keys).toEqual(
      expect.arrayContaining([
        'PATCH /api/v1/users/:id',
        'POST /api/v1/users/:id/reset-password',
        'POST /api/v1/users/:id/roles',
        'DELETE /api/v1/users/:id/roles/:assignmentId',
      ]),
    );
    const problems = routes
      .filter((r) => r.body !== undefined && BODIES[keyOf(r)] === undefined)
      .map((r) => `${keyOf(r)}: takes a body but has no entry in BODIES of authority.test.ts`);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('shows the secretary the street cadre homed in her community, but lets her act on none of it (403)', async () => {
    const list = (await secretary.get('/api/v1/users?pageSize=200')).json() as {
      items: { id: string; canManage: boolean }[];
    };
    // shown, but without actions
    expect(list.items.find((u) => u.id === cadreId)?.canManage).toBe(false);
    expect(list.items.find((u) => u.id === workerId)?.canManage).toBe(true);
    const shown = await secretary.get(`/api/v1/users/${cadreId}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({ canManage: false });
    expect((await street.get(`/api/v1/users/${cadreId}`)).json()).toMatchObject({ canManage: true });

    const before = { account: await accountOf(cadreId), roles: await assignmentsOf(cadreId) };
    const cadre = await t.login('ymt_cadre');
    const failures: string[] = [];
    for (const route of userManagementRoutes(t.app.routeTable)) {
      const url = urlFor(route, cadreId, before.roles[0]!.id);
      const res = await secretary.request(route.method, url, BODIES[keyOf(route)]?.({ communityId: community.id }));
      if (res.statusCode !== 403) failures.push(`${keyOf(route)}: expected 403, got ${res.statusCode} ${res.body}`);
      else expect(res.json(), keyOf(route)).toMatchObject({ code: 'FORBIDDEN', message_en: /street/i });
    }
    expect(failures, failures.join('\n')).toEqual([]);
    expect(await accountOf(cadreId)).toEqual(before.account);
    expect(await assignmentsOf(cadreId)).toEqual(before.roles);
    // her session was not ended by a reset or a disable
    expect((await cadre.get('/api/v1/auth/me')).statusCode).toBe(200);
    // and the old password still signs her in: nobody took the account over
    await t.login('ymt_cadre');
  });

  it('lets the secretary manage a worker whose every role she could grant (positive control)', async () => {
    const failures: string[] = [];
    const routes = [...userManagementRoutes(t.app.routeTable)].sort(
      (a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'),
    );
    for (const route of routes) {
      const roles = await assignmentsOf(workerId);
      const url = urlFor(route, workerId, roles[roles.length - 1]!.id);
      const res = await secretary.request(route.method, url, BODIES[keyOf(route)]?.({ communityId: community.id }));
      // 409: the grant body repeats a role she already holds
      if (res.statusCode >= 400 && res.statusCode !== 409)
        failures.push(`${keyOf(route)}: expected success, got ${res.statusCode} ${res.body}`);
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('lets the street, which could grant every role the cadre holds, manage her', async () => {
    const reset = await street.post(`/api/v1/users/${cadreId}/reset-password`);
    expect(reset.statusCode, reset.body).toBe(200);
    const granted = await street.post(`/api/v1/users/${cadreId}/roles`, { role: 'grid_worker', orgId: community.id });
    expect(granted.statusCode, granted.body).toBe(201);
  });

  it('once the cadre also holds a role the secretary could grant, still refuses her while the street role stays', async () => {
    const res = await secretary.patch(`/api/v1/users/${cadreId}`, { isDisabled: true });
    expect(res.statusCode).toBe(403);
    const streetRole = (await assignmentsOf(cadreId)).find((a) => a.role === 'street')!;
    expect((await street.delete(`/api/v1/users/${cadreId}/roles/${streetRole.id}`)).statusCode).toBe(204);
    expect((await secretary.patch(`/api/v1/users/${cadreId}`, { displayName: '已调回社区' })).statusCode).toBe(200);
  });

  it('answers 404, not 403, for a user the actor cannot see at all', async () => {
    await t.createUser({ username: 'szs_staff', role: 'community_staff', orgCode: CODES.shanZiShi });
    const other = await t.deps.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'szs_staff')
      .executeTakeFirstOrThrow();
    const missing = await secretary.post(`/api/v1/users/${crypto.randomUUID()}/reset-password`);
    const hidden = await secretary.post(`/api/v1/users/${other.id}/reset-password`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.body).toBe(missing.body);
  });
});
