import { type Kysely, sql } from 'kysely';
import type { DB } from './db/types.ts';
import type { Reach } from './platform/access/scope.ts';
import type { ResourceKind, ResourceRegistry } from './platform/http/scope-check.ts';
import { LINKAGE_GRANTS } from './modules/fieldwork/reach.ts';

/**
 * Every kind of scoped object a route can name by id, and where each object lies: the one place
 * register.ts asks before a handler runs (routes declare `scope: { params: { id: 'case' } }`). A bare
 * path is checked with the route's permission; a `{ permission, path }` reach is the object's own rule
 * (a case is seen by `case.read` where it is handled, happened or was escalated to); a `{ userId }`
 * reach makes it that user's own. Adding a kind: one entry here, and its objects in scope.test.ts.
 */

type Row = { id: string };

/** Groups rows by id into reaches. */
function collect<R extends Row>(rows: R[], reachesOf: (row: R) => (Reach | null)[]): Map<string, Reach[]> {
  const out = new Map<string, Reach[]>();
  for (const row of rows) {
    const reaches = reachesOf(row).filter((r): r is Reach => r !== null);
    out.set(row.id, [...(out.get(row.id) ?? []), ...reaches]);
  }
  return out;
}

/** A kind whose objects lie at one path column of one table. */
function atPath<T extends keyof DB>(label: ResourceKind['label'], table: T, column: string, key = 'id'): ResourceKind {
  return {
    label,
    reachOf: async (db, ids) => {
      const { rows } = await sql<{ id: string; path: string }>`
        select ${sql.ref(key)} as id, ${sql.ref(column)} as path from ${sql.table(table)}
        where ${sql.ref(key)} in (${sql.join(ids)})`.execute(db);
      return collect(rows, (r) => [r.path]);
    },
  };
}

/**
 * A kind whose objects never move and are never deleted, so where each lies is kept once found (per
 * database; ids not found are asked again next time). Org units are such objects — a unit's path is
 * fixed at its creation and a unit retires rather than leaving — and the `org` kind is on the hottest
 * routes (every dashboard panel, case rates, resident search, intake), where the check then costs no query.
 */
function keptOnceFound(kind: ResourceKind): ResourceKind {
  const perDb = new WeakMap<Kysely<DB>, Map<string, Reach[]>>();
  return {
    label: kind.label,
    reachOf: async (db, ids) => {
      let known = perDb.get(db);
      if (known === undefined) perDb.set(db, (known = new Map<string, Reach[]>()));
      if (known.size > 50_000) known.clear();
      const missing = ids.filter((id) => !known.has(id));
      if (missing.length > 0) for (const [id, reaches] of await kind.reachOf(db, missing)) known.set(id, reaches);
      const out = new Map<string, Reach[]>();
      for (const id of ids) {
        const reaches = known.get(id);
        if (reaches !== undefined) out.set(id, reaches);
      }
      return out;
    },
  };
}

/**
 * Adds to a kind whose objects lie at a household (the household itself, its visits) a reach for each
 * person linked to that household: hers for the permissions a linkage grants (fieldwork/reach.ts), no other.
 */
function withLinkedPeople(kind: ResourceKind, table: 'households' | 'visits'): ResourceKind {
  return {
    label: kind.label,
    reachOf: async (db, ids) => {
      const found = await kind.reachOf(db, ids);
      if (found.size === 0) return found;
      const rows =
        table === 'households'
          ? await db
              .selectFrom('linkages')
              .select(['household_id as id', 'user_id'])
              .where('household_id', 'in', [...found.keys()])
              .execute()
          : await db
              .selectFrom('visits')
              .innerJoin('linkages', 'linkages.household_id', 'visits.household_id')
              .select(['visits.id', 'linkages.user_id'])
              .where('visits.id', 'in', [...found.keys()])
              .execute();
      for (const r of rows) found.get(r.id)?.push({ userId: r.user_id, permissions: LINKAGE_GRANTS });
      return found;
    },
  };
}

const caseReporters = (db: Kysely<DB>, ids: readonly string[]) =>
  db.selectFrom('case_reporters').select(['case_id as id', 'user_id']).where('case_id', 'in', ids).execute();

export const RESOURCES: ResourceRegistry = {
  /** a webhook subscriber lies at the unit it was set up for; a delivery, at its subscriber's */
  webhookSubscriber: atPath({ zh: '推送订阅', en: 'Webhook subscriber' }, 'webhook_subscribers', 'org_path'),
  webhookDelivery: {
    label: { zh: '推送记录', en: 'Webhook delivery' },
    reachOf: async (db, ids) =>
      collect(
        await db
          .selectFrom('webhook_deliveries as d')
          .innerJoin('webhook_subscribers as s', 's.id', 'd.subscriber_id')
          .select(['d.id', 's.org_path'])
          .where('d.id', 'in', ids)
          .execute(),
        (r) => [r.org_path],
      ),
  },
  org: keptOnceFound(atPath({ zh: '组织', en: 'Org unit' }, 'org_units', 'path')),
  orgCode: atPath({ zh: '组织', en: 'Org unit' }, 'org_units', 'path', 'code'),
  user: atPath({ zh: '用户', en: 'User' }, 'users', 'home_org_path'),
  /** a household lies at its unit, and is also her own to visit for each person linked to it (一亲三心) */
  household: withLinkedPeople(atPath({ zh: '户', en: 'Household' }, 'households', 'org_path'), 'households'),
  building: atPath({ zh: '楼栋', en: 'Building' }, 'buildings', 'org_path'),
  resident: atPath({ zh: '居民', en: 'Resident' }, 'residents', 'org_path'),
  residentBinding: atPath({ zh: '绑定申请', en: 'Binding request' }, 'resident_bindings', 'org_path'),
  importJob: atPath({ zh: '导入任务', en: 'Import job' }, 'import_jobs', 'org_path'),
  /** a move request is seen by the resident's community (which decides it) and the requesting one */
  moveRequest: {
    label: { zh: '迁入申请', en: 'Move request' },
    reachOf: async (db, ids) =>
      collect(
        await db
          .selectFrom('resident_move_requests')
          .select(['id', 'from_org_path', 'to_org_path'])
          .where('id', 'in', ids)
          .execute(),
        (r) => [r.from_org_path, r.to_org_path],
      ),
  },
  /** a visit lies at its household's unit, and is read by each person linked to its household */
  visit: withLinkedPeople(atPath({ zh: '走访记录', en: 'Visit' }, 'visits', 'org_path'), 'visits'),
  change: atPath({ zh: '变更', en: 'Household change' }, 'household_changes', 'org_path'),
  /** 党组织 (modules/party): at the unit it sits at; a member at her organisation's */
  partyOrg: atPath({ zh: '党组织', en: 'Party organisation' }, 'party_orgs', 'org_path'),
  partyMember: atPath({ zh: '党员', en: 'Party member' }, 'party_members', 'org_path'),
  /** a 双报到 lies at its community and is its registrant's own */
  dualRegistration: {
    label: { zh: '双报到登记', en: '双报到 registration' },
    reachOf: async (db, ids) =>
      collect(
        await db
          .selectFrom('dual_registrations')
          .select(['id', 'org_path', 'user_id'])
          .where('id', 'in', ids)
          .execute(),
        (r) => [r.org_path, { userId: r.user_id }],
      ),
  },
  /** her own 双报到, on the routes under /my (staff reach it through dualRegistration) */
  myDualRegistration: {
    label: { zh: '双报到登记', en: '双报到 registration' },
    reachOf: async (db, ids) =>
      collect(
        await db.selectFrom('dual_registrations').select(['id', 'user_id']).where('id', 'in', ids).execute(),
        (r) => [{ userId: r.user_id }],
      ),
  },
  serviceHours: atPath({ zh: '服务时长', en: 'Service hours' }, 'service_hours', 'org_path'),
  /** 党建联盟: changed where it sits; seen (party.read) from there, above and from every unit under it */
  alliance: {
    label: { zh: '党建联盟', en: 'Party-building alliance' },
    reachOf: async (db, ids) =>
      collect(await db.selectFrom('alliances').select(['id', 'org_path']).where('id', 'in', ids).execute(), (r) => [
        r.org_path,
        { permission: 'party.read', from: r.org_path },
      ]),
  },
  allianceProject: atPath({ zh: '联盟项目', en: 'Alliance project' }, 'alliance_projects', 'org_path'),
  allianceMilestone: {
    label: { zh: '里程碑', en: 'Milestone' },
    reachOf: async (db, ids) =>
      collect(
        await db
          .selectFrom('alliance_milestones as m')
          .innerJoin('alliance_projects as p', 'p.id', 'm.project_id')
          .select(['m.id', 'p.org_path'])
          .where('m.id', 'in', ids)
          .execute(),
        (r) => [r.org_path],
      ),
  },
  linkage: {
    label: { zh: '联户关系', en: 'Linkage' },
    reachOf: async (db, ids) =>
      collect(
        await db
          .selectFrom('linkages')
          .innerJoin('households', 'households.id', 'linkages.household_id')
          .select(['linkages.id', 'households.org_path'])
          .where('linkages.id', 'in', ids)
          .execute(),
        (r) => [r.org_path],
      ),
  },
  /** a notice lies at the unit it was sent from; a question on it, at the asker's household (notices/) */
  notice: atPath({ zh: '通知', en: 'Notice' }, 'notices', 'org_path'),
  noticeQuestion: atPath({ zh: '提问', en: 'Question' }, 'notice_questions', 'org_path'),
  /** a notice as a resident sees it: hers when it went to a household she is bound to, or to her by her staff role */
  myNotice: {
    label: { zh: '通知', en: 'Notice' },
    reachOf: async (db, ids) => {
      const [viaHousehold, asStaff] = await Promise.all([
        db
          .selectFrom('notice_households')
          .innerJoin('resident_bindings', 'resident_bindings.household_id', 'notice_households.household_id')
          .select(['notice_households.notice_id as id', 'resident_bindings.user_id'])
          .where('notice_households.notice_id', 'in', ids)
          .where('resident_bindings.status', '=', 'bound')
          .execute(),
        db.selectFrom('notice_accounts').select(['notice_id as id', 'user_id']).where('notice_id', 'in', ids).execute(),
      ]);
      return collect([...viaHousehold, ...asStaff], (r) => [{ userId: r.user_id }]);
    },
  },
  apikey: {
    label: { zh: '访问密钥', en: 'API key' },
    reachOf: async (db, ids) =>
      collect(await db.selectFrom('api_keys').select(['id', 'user_id']).where('id', 'in', ids).execute(), (r) => [
        { userId: r.user_id },
      ]),
  },
  /** 阵地与活动 (venues): a centre, its rooms and activities lie at the centre's unit */
  venueCentre: atPath({ zh: '服务中心', en: 'Service centre' }, 'venue_centres', 'org_path'),
  venueSpace: atPath({ zh: '活动室', en: 'Room' }, 'venue_spaces', 'org_path'),
  venueActivity: atPath({ zh: '活动', en: 'Activity' }, 'venue_activities', 'org_path'),
  /** a booking is seen by the centre's staff and is its booker's own */
  venueBooking: {
    label: { zh: '预约', en: 'Booking' },
    reachOf: async (db, ids) =>
      collect(
        await db
          .selectFrom('venue_bookings')
          .select(['id', 'org_path', 'booker_user_id'])
          .where('id', 'in', ids)
          .execute(),
        (r) => [r.org_path, { userId: r.booker_user_id }],
      ),
  },
  /** a booking as its resident sees it: hers when she made it */
  myVenueBooking: {
    label: { zh: '预约', en: 'Booking' },
    reachOf: async (db, ids) =>
      collect(
        await db.selectFrom('venue_bookings').select(['id', 'booker_user_id']).where('id', 'in', ids).execute(),
        (r) => [{ userId: r.booker_user_id }],
      ),
  },
  /** staff see a case handled, placed or escalated in their scope; its reporters and followers see theirs */
  case: {
    label: { zh: '诉求', en: 'Case' },
    reachOf: async (db, ids) => {
      const [rows, reporters] = await Promise.all([
        db
          .selectFrom('cases')
          .select(['id', 'handler_path', 'org_path', 'escalated_path', 'reporter_user_id'])
          .where('id', 'in', ids)
          .execute(),
        caseReporters(db, ids),
      ]);
      const found = collect(rows, (r) => [
        { permission: 'case.read', path: r.handler_path },
        { permission: 'case.read', path: r.org_path },
        r.escalated_path === null ? null : { permission: 'case.read', path: r.escalated_path },
        r.reporter_user_id === null ? null : { userId: r.reporter_user_id },
      ]);
      for (const r of reporters) found.get(r.id)?.push({ userId: r.user_id });
      return found;
    },
  },
  /** a case as its resident sees it: hers when she reported or joined it, wherever it lies */
  myCase: {
    label: { zh: '诉求', en: 'Case' },
    reachOf: async (db, ids) => {
      const [rows, reporters] = await Promise.all([
        db.selectFrom('cases').select(['id', 'reporter_user_id']).where('id', 'in', ids).execute(),
        caseReporters(db, ids),
      ]);
      const found = collect(rows, (r) => [r.reporter_user_id === null ? null : { userId: r.reporter_user_id }]);
      for (const r of reporters) found.get(r.id)?.push({ userId: r.user_id });
      return found;
    },
  },
  /** a report is seen where it may be generated or its unit's insights read, and by the unit whose task it answers */
  report: {
    label: { zh: '报表', en: 'Report' },
    reachOf: async (db, ids) =>
      collect(
        await db
          .selectFrom('reports')
          .leftJoin('tasks', 'tasks.id', 'reports.task_id')
          .select(['reports.id', 'reports.org_path', 'tasks.from_org_path'])
          .where('reports.id', 'in', ids)
          .execute(),
        (r) => [
          { permission: 'report.generate', path: r.org_path },
          { permission: 'insight.read', path: r.org_path },
          r.from_org_path === null ? null : { permission: 'task.send', path: r.from_org_path },
        ],
      ),
  },
  /** a task is seen by its sender and by the units it was sent to */
  task: {
    label: { zh: '任务', en: 'Task' },
    reachOf: async (db, ids) => {
      const [rows, targets] = await Promise.all([
        db.selectFrom('tasks').select(['id', 'from_org_path']).where('id', 'in', ids).execute(),
        db.selectFrom('task_targets').select(['task_id as id', 'org_path']).where('task_id', 'in', ids).execute(),
      ]);
      const found = collect(rows, (r) => [{ permission: 'task.send', path: r.from_org_path }]);
      for (const t of targets) {
        found
          .get(t.id)
          ?.push({ permission: 'task.read', path: t.org_path }, { permission: 'report.generate', path: t.org_path });
      }
      return found;
    },
  },
  /** a compound's fund lies at its compound (funds/) */
  fund: atPath({ zh: '小区资金', en: 'Compound fund' }, 'funds', 'org_path'),
  /** a fund as an owner sees it: hers when she is bound to one of its owner households */
  myFund: {
    label: { zh: '小区资金', en: 'Compound fund' },
    reachOf: async (db, ids) =>
      collect(
        await db
          .selectFrom('fund_owners')
          .innerJoin('resident_bindings', 'resident_bindings.household_id', 'fund_owners.household_id')
          .select(['fund_owners.fund_id as id', 'resident_bindings.user_id'])
          .where('fund_owners.fund_id', 'in', ids)
          .where('resident_bindings.status', '=', 'bound')
          .execute(),
        (r) => [{ userId: r.user_id }],
      ),
  },
  /** a property company lies at the community (or street) that registered it */
  propertyCompany: atPath({ zh: '物业公司', en: 'Property company' }, 'property_companies', 'org_path'),
  /** 议事 (modules/councils): each object lies at its council's unit */
  council: atPath({ zh: '议事会', en: 'Council' }, 'councils', 'org_path'),
  councilTopic: atPath({ zh: '议题', en: 'Topic' }, 'council_topics', 'org_path'),
  councilMeeting: atPath({ zh: '议事会议', en: 'Council meeting' }, 'council_meetings', 'org_path'),
  councilDecision: atPath({ zh: '议事决定', en: 'Council decision' }, 'council_decisions', 'org_path'),
  councilMilestone: atPath({ zh: '落实节点', en: 'Milestone' }, 'council_milestones', 'org_path'),
  /** 积分 and 积分超市 (modules/points): accounts, appeals, items and redemptions lie at their community */
  pointsAccount: atPath({ zh: '积分账户', en: 'Points account' }, 'points_accounts', 'community_path'),
  pointsAppeal: atPath({ zh: '申诉', en: 'Appeal' }, 'points_appeals', 'community_path'),
  storeItem: atPath({ zh: '兑换商品', en: 'Store item' }, 'store_items', 'org_path'),
  storeRedemption: atPath({ zh: '兑换记录', en: 'Redemption' }, 'store_redemptions', 'org_path'),
  /** volunteering (modules/volunteering): an activity and its sign-ups lie at the publishing unit */
  volunteerActivity: atPath({ zh: '志愿活动', en: 'Volunteer activity' }, 'volunteer_activities', 'org_path'),
  volunteerSignup: atPath({ zh: '报名记录', en: 'Sign-up' }, 'volunteer_signups', 'org_path'),
  /** 幸福食堂 (modules/canteen): a canteen, its diners, menus and orders lie at the canteen's unit */
  canteen: atPath({ zh: '食堂', en: 'Canteen' }, 'canteens', 'org_path'),
  canteenDiner: atPath({ zh: '就餐人', en: 'Diner' }, 'canteen_diners', 'org_path'),
  canteenMenu: atPath({ zh: '菜单', en: 'Menu' }, 'canteen_menus', 'org_path'),
  canteenOrder: atPath({ zh: '订餐', en: 'Order' }, 'canteen_orders', 'org_path'),
};
