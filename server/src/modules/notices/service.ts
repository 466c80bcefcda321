import type { Kysely } from 'kysely';
import { countyKeyOf } from '../../db/county-key.ts';
import type { DB } from '../../db/types.ts';
import { type Actor, inScope, isWithin } from '../../platform/access/scope.ts';
import { type AuditWho, recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import { addDays, currentDay, DAY_MS } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { invalidField, notFound } from '../../platform/errors.ts';
import type { UploadedFile } from '../../platform/http/multipart.ts';
import { newId } from '../../platform/ids.ts';
import { submitCase } from '../cases/intake.ts';
import { sniffImageType } from '../cases/photos.ts';
import { listRequestsOfSource, requestVisit, withdrawVisitRequest } from '../fieldwork/visit-requests.ts';
import { enqueueMessage } from '../messages/outbox.ts';
import { bornOnOrBefore } from '../registry/id-number.ts';
import { listCareTagsAt } from '../registry/care-tags.ts';
import { declaredPartyMembers } from '../party/declared-members.ts';
import { confirmedDualResidents } from '../party/double-registration.ts';
import { householdsOnCouncils } from '../councils/councils.ts';
import { listStaffWithRolesUnder } from '../users/service.ts';
import { residentsWhoVolunteered } from '../volunteering/service.ts';
import { type AudienceRole, isStaffRole, type NoticeAudience, type NoticeBody, type StaffRole } from './schema.ts';
import type { NoticeTable } from './tables.ts';
import { syncServiceFigures } from '../insights/service-figures.ts';
import { NOTICES_SENT, NOTICE_HOUSEHOLDS, noticeHouseholdKey } from './figures.ts';

export const NOTICE = { zh: '通知', en: 'Notice' };
export const QUESTION = { zh: '提问', en: 'Question' };
const UNIT = { zh: '组织', en: 'Org unit' };

/** Days a notice may stay unread before its households go to their grid workers, unless the sender says otherwise. */
export const DEFAULT_FOLLOW_UP_DAYS = 3;
/** Days a grid worker has for the visit it asks for. */
export const VISIT_WITHIN_DAYS = 3;
/** The visit-request source kind of a notice (fieldwork/visit-requests.ts). */
export const NOTICE_SOURCE = 'notice';

const SYSTEM: AuditWho = { actorId: null, actorName: 'system', ip: null, userAgent: null };
const CHUNK = 500;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The sending unit, in the actor's `notice.send` scope, or 404. */
async function sendingUnit(deps: AppDeps, actor: Actor, orgId: string) {
  const unit = await deps.db
    .selectFrom('org_units')
    .select(['id', 'name', 'path', 'level'])
    .where('id', '=', orgId)
    .where('retired_at', 'is', null)
    .where(inScope<DB, 'org_units'>(actor, 'notice.send', 'org_units.path'))
    .executeTakeFirst();
  if (unit === undefined) throw notFound(UNIT);
  return unit;
}

interface AudienceHousehold {
  id: string;
  org_path: string;
}

/** A staff account a staff role put in the audience. */
export interface AudienceStaff {
  userId: string;
  name: string;
  role: StaffRole;
  orgId: string;
  orgPath: string;
}

/**
 * The households holding one of the resident roles: a living member who is a party member (party), a
 * confirmed 双报到 member (party), a volunteer with confirmed hours (volunteering), or a household on a
 * council (councils) — each asked of its owning module's service, a chunk of households at a time.
 */
async function keepHouseholdsWithRoles(
  db: Kysely<DB>,
  households: AudienceHousehold[],
  roles: readonly AudienceRole[],
): Promise<AudienceHousehold[]> {
  const keep = new Set<string>();
  const needsResidents = roles.some((r) => r !== 'council_member');
  for (const part of chunks(households)) {
    const ids = part.map((h) => h.id);
    const residents = needsResidents
      ? await db
          .selectFrom('residents')
          .select(['id', 'household_id'])
          .where('household_id', 'in', ids)
          .where('status', '=', 'living')
          .execute()
      : [];
    const residentIds = residents.map((r) => r.id);
    const holders = new Set<string>();
    const add = (found: Set<string>) => found.forEach((id) => holders.add(id));
    if (roles.includes('party_member')) add(await declaredPartyMembers(db, residentIds));
    if (roles.includes('dual_member')) add(await confirmedDualResidents(db, residentIds));
    if (roles.includes('volunteer')) add(await residentsWhoVolunteered(db, residentIds));
    for (const r of residents) if (holders.has(r.id)) keep.add(r.household_id);
    if (roles.includes('council_member')) (await householdsOnCouncils(db, ids)).forEach((id) => keep.add(id));
  }
  return households.filter((h) => keep.has(h.id));
}

/**
 * The households an audience selects, now: at or under its units (all inside the sending unit and the
 * sender's scope), with a living member matching the care tags and age when given, with a member holding
 * one of its resident roles when given, or exactly the roster; and the staff its staff roles select there.
 * Refuses what names something outside the sending unit, an unknown tag, and an audience of nobody.
 */
export async function resolveAudience(
  deps: AppDeps,
  actor: Actor,
  orgId: string,
  audience: NoticeAudience,
): Promise<{ unit: Awaited<ReturnType<typeof sendingUnit>>; households: AudienceHousehold[]; staff: AudienceStaff[] }> {
  const unit = await sendingUnit(deps, actor, orgId);
  const unitIds = audience.unitIds ?? [];
  const units =
    unitIds.length === 0
      ? []
      : await deps.db.selectFrom('org_units').select(['id', 'path']).where('id', 'in', unitIds).execute();
  const paths: string[] = [];
  unitIds.forEach((id, i) => {
    const found = units.find((u) => u.id === id);
    if (found === undefined || !isWithin(found.path, unit.path)) {
      throw invalidField(`audience.unitIds.${i}`, 'outside_unit', {
        zh: `所选范围不在「${unit.name}」之内`,
        en: `This unit is not inside ${unit.name}`,
      });
    }
    paths.push(found.path);
  });
  if (paths.length === 0) paths.push(unit.path);

  const roles = [...new Set(audience.roles ?? [])];
  const residentRoles = roles.filter((r) => !isStaffRole(r));
  const staffRoles = roles.filter(isStaffRole);
  const labels = audience.careTags ?? [];
  const roster = audience.householdIds;
  // staff roles alone reach staff only: no household is selected, so criteria on households mean nothing
  const isStaffOnly = roles.length > 0 && residentRoles.length === 0;
  if (isStaffOnly && (labels.length > 0 || audience.minAge !== undefined || (roster?.length ?? 0) > 0)) {
    throw invalidField('audience.roles', 'staff_roles_only', {
      zh: '关爱标签、年龄和名单用于挑选住户；只选工作人员身份时不能同时使用，或再选一个居民身份（如党员）',
      en: 'Care tags, age and a roster pick households: with staff roles alone they cannot apply — add a resident role (e.g. party member)',
    });
  }

  const tags = labels.length === 0 ? [] : await listCareTagsAt(deps.db, unit.path);
  const tagIds: string[] = [];
  let isOver80 = false;
  labels.forEach((label, i) => {
    const tag = tags.find((t) => t.code === label || t.name === label);
    if (tag === undefined) {
      throw invalidField(`audience.careTags.${i}`, 'unknown_care_tag', {
        zh: '未知的关爱标签',
        en: 'Unknown care tag',
      });
    }
    if (tag.code === 'over_80') isOver80 = true;
    else tagIds.push(tag.id);
  });

  const now = deps.clock.now();
  let query = deps.db
    .selectFrom('households')
    .select(['households.id', 'households.org_path'])
    .where(inScope<DB, 'households'>(actor, 'notice.send', 'households.org_path'))
    .where((eb) =>
      eb.or(
        paths.map((p) =>
          eb.and([eb('households.org_path', '>=', p), eb('households.org_path', '<', `${p.slice(0, -1)}0`)]),
        ),
      ),
    );
  if (labels.length > 0 || audience.minAge !== undefined) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('residents as r')
          .select('r.id')
          .whereRef('r.household_id', '=', 'households.id')
          .where('r.status', '=', 'living')
          .$if(audience.minAge !== undefined, (q) =>
            q.where('r.birth_date', '<=', bornOnOrBefore(audience.minAge!, now)),
          )
          .$if(labels.length > 0, (q) =>
            q.where((inner) =>
              inner.or([
                ...(isOver80 ? [inner('r.birth_date', '<=', bornOnOrBefore(80, now))] : []),
                ...(tagIds.length > 0
                  ? [
                      inner(
                        'r.id',
                        'in',
                        inner
                          .selectFrom('resident_tags')
                          .select('resident_tags.resident_id')
                          .where('resident_tags.tag_id', 'in', tagIds),
                      ),
                    ]
                  : []),
              ]),
            ),
          ),
      ),
    );
  }
  let households: AudienceHousehold[] = [];
  if (isStaffOnly) {
    households = [];
  } else if (roster !== undefined && roster.length > 0) {
    let found: AudienceHousehold[] = [];
    for (const part of chunks([...new Set(roster)]))
      found.push(...(await query.where('households.id', 'in', part).execute()));
    if (residentRoles.length > 0) found = await keepHouseholdsWithRoles(deps.db, found, residentRoles);
    const i = roster.findIndex((id) => !found.some((h) => h.id === id));
    if (i >= 0) {
      throw invalidField(`audience.householdIds.${i}`, 'outside_audience', {
        zh: '名单中的这户不在所选范围内（或不符合所选条件）',
        en: 'This household of the roster is outside the chosen units or criteria',
      });
    }
    households = found;
  } else {
    households = await query.orderBy('households.org_path').orderBy('households.id').execute();
    if (residentRoles.length > 0) households = await keepHouseholdsWithRoles(deps.db, households, residentRoles);
  }
  const staff = (await listStaffWithRolesUnder(deps.db, staffRoles, paths)).map((s) => ({
    ...s,
    role: s.role as StaffRole,
  }));
  if (households.length === 0 && staff.length === 0) {
    throw invalidField('audience', 'empty_audience', {
      zh: '没有符合条件的住户或人员，通知无人可收',
      en: 'No household or person matches: the notice would reach nobody',
    });
  }
  return { unit, households, staff };
}

/** The resident accounts bound to households now, by household. */
async function boundAccounts(db: Kysely<DB>, householdIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const part of chunks(householdIds)) {
    const rows = await db
      .selectFrom('resident_bindings')
      .select(['household_id', 'user_id'])
      .distinct()
      .where('household_id', 'in', part)
      .where('status', '=', 'bound')
      .execute();
    for (const r of rows) {
      if (r.household_id === null) continue;
      const list = out.get(r.household_id) ?? [];
      if (!list.includes(r.user_id)) list.push(r.user_id);
      out.set(r.household_id, list);
    }
  }
  return out;
}

/** How many households, their accounts, and staff an audience reaches now (the form shows it; sending reaches the same). */
export async function previewAudience(deps: AppDeps, actor: Actor, orgId: string, audience: NoticeAudience) {
  const { households, staff } = await resolveAudience(deps, actor, orgId, audience);
  const accounts = await boundAccounts(
    deps.db,
    households.map((h) => h.id),
  );
  return {
    households: households.length,
    accounts: [...accounts.values()].reduce((n, list) => n + list.length, 0),
    staff: staff.length,
  };
}

const OFFICE = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** An attachment's type by its content (PDF, an image, a Word or Excel file), or a 400 on that file. */
function attachmentType(file: UploadedFile, i: number): string {
  const d = file.data;
  if (d.length >= 5 && d.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  const image = sniffImageType(d);
  if (image !== null) return image;
  const ext = file.fileName.toLowerCase().split('.').pop();
  const isZip = d.length >= 4 && d[0] === 0x50 && d[1] === 0x4b && d[2] === 0x03 && d[3] === 0x04;
  if (isZip && (ext === 'docx' || ext === 'xlsx')) return OFFICE[ext];
  throw invalidField(`attachments.${i}`, 'unsupported_type', {
    zh: '附件须为 PDF、图片、Word（docx）或 Excel（xlsx）文件',
    en: 'An attachment must be a PDF, an image, a Word (docx) or an Excel (xlsx) file',
  });
}

/**
 * Sends a notice: the audience is resolved now, every household it selects gets a receipt row, every
 * resident account bound to one is told through the outbox (in-app, and SMS / WeChat by her choice),
 * all in one transaction with the attachments and the audit record.
 */
export async function sendNotice(deps: AppDeps, actor: Actor, body: NoticeBody, files: UploadedFile[]) {
  const types = files.map((f, i) => attachmentType(f, i));
  const { unit, households, staff } = await resolveAudience(deps, actor, body.orgId, body.audience);
  const accounts = await boundAccounts(
    deps.db,
    households.map((h) => h.id),
  );
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const notice: NoticeTable = {
    id: newId(),
    org_id: unit.id,
    org_path: unit.path,
    title: body.title,
    body: body.body,
    explainer: body.explainer ?? null,
    audience: JSON.stringify(body.audience),
    follow_up_days: body.followUpDays === undefined ? DEFAULT_FOLLOW_UP_DAYS : body.followUpDays,
    households: households.length,
    accounts: [...accounts.values()].reduce((n, list) => n + list.length, 0),
    sent_by: actor.userId,
    sent_by_name: actor.displayName,
    sent_at: nowIso,
    followed_up_at: null,
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('notices').values(notice).execute();
    await syncServiceFigures(trx, NOTICES_SENT, [notice.id]);
    if (files.length > 0) {
      await trx
        .insertInto('notice_attachments')
        .values(
          files.map((f, i) => ({
            id: newId(),
            notice_id: notice.id,
            name: f.fileName.slice(0, 200) || `附件${i + 1}`,
            mime: types[i]!,
            size: f.data.length,
            data: f.data,
            position: i,
          })),
        )
        .execute();
    }
    for (const part of chunks(households)) {
      await trx
        .insertInto('notice_households')
        .values(
          part.map((h) => ({
            notice_id: notice.id,
            county_key: countyKeyOf(h.org_path),
            household_id: h.id,
            org_path: h.org_path,
            accounts: accounts.get(h.id)?.length ?? 0,
            read_at: null,
          })),
        )
        .execute();
    }
    await syncServiceFigures(
      trx,
      NOTICE_HOUSEHOLDS,
      households.map((h) => noticeHouseholdKey(notice.id, h.id)),
    );
    const told = new Set<string>();
    for (const list of accounts.values()) {
      for (const userId of list) {
        if (told.has(userId)) continue;
        told.add(userId);
        await enqueueMessage(trx, {
          now,
          kind: 'notice.new',
          recipientUserId: userId,
          params: { title: notice.title, from: unit.name },
        });
      }
    }
    // staff reached by role: each her own receipt, told in her bell (never a household follow-up)
    for (const part of chunks(staff)) {
      await trx
        .insertInto('notice_accounts')
        .values(
          part.map((p) => ({
            notice_id: notice.id,
            county_key: countyKeyOf(p.orgPath),
            user_id: p.userId,
            name: p.name,
            role: p.role,
            org_id: p.orgId,
            org_path: p.orgPath,
            read_at: null,
          })),
        )
        .execute();
    }
    for (const p of staff) {
      if (told.has(p.userId)) continue;
      told.add(p.userId);
      await enqueueMessage(trx, {
        now,
        kind: 'notice.staff',
        recipientUserId: p.userId,
        params: { title: notice.title, from: unit.name },
      });
    }
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'notice.send',
      targetType: 'notice',
      targetId: notice.id,
      orgId: unit.id,
      orgPath: unit.path,
      detail: {
        households: households.length,
        accounts: notice.accounts,
        staff: staff.length,
        attachments: files.length,
      },
    });
  });
  return getNotice(deps, actor, notice.id, 'notice.send');
}

/** A notice in the actor's scope for a permission, or 404. */
async function noticeInScope(deps: AppDeps, actor: Actor, id: string, permission: 'notice.read' | 'notice.send') {
  const row = await deps.db
    .selectFrom('notices')
    .selectAll()
    .where('id', '=', id)
    .where(inScope<DB, 'notices'>(actor, permission, 'notices.org_path'))
    .executeTakeFirst();
  if (row === undefined) throw notFound(NOTICE);
  return row;
}

interface NoticeCounts {
  read: number;
  explained: number;
  questionsOpen: number;
  staff: number;
  staffRead: number;
}

/** Read, explained, open-question and staff counts for some notices, in four grouped queries. */
async function countsOf(db: Kysely<DB>, ids: string[]) {
  if (ids.length === 0) return new Map<string, NoticeCounts>();
  const [read, explained, open, staff] = await Promise.all([
    db
      .selectFrom('notice_households')
      .select(['notice_id as id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('notice_id', 'in', ids)
      .where('read_at', 'is not', null)
      .groupBy('notice_id')
      .execute(),
    db
      .selectFrom('visit_requests')
      .select(['source_id as id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('source_kind', '=', NOTICE_SOURCE)
      .where('source_id', 'in', ids)
      .where('status', '=', 'closed')
      .groupBy('source_id')
      .execute(),
    db
      .selectFrom('notice_questions')
      .select(['notice_id as id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('notice_id', 'in', ids)
      .where('answer', 'is', null)
      .where('case_id', 'is', null)
      .groupBy('notice_id')
      .execute(),
    db
      .selectFrom('notice_accounts')
      .select([
        'notice_id as id',
        (eb) => eb.fn.countAll<number>().as('n'),
        (eb) => eb.fn.count<number>('read_at').as('n_read'),
      ])
      .where('notice_id', 'in', ids)
      .groupBy('notice_id')
      .execute(),
  ]);
  const out = new Map<string, NoticeCounts>();
  for (const id of ids) out.set(id, { read: 0, explained: 0, questionsOpen: 0, staff: 0, staffRead: 0 });
  for (const r of read) out.get(r.id)!.read = Number(r.n);
  for (const r of explained) out.get(r.id)!.explained = Number(r.n);
  for (const r of open) out.get(r.id)!.questionsOpen = Number(r.n);
  for (const r of staff) {
    out.get(r.id)!.staff = Number(r.n);
    out.get(r.id)!.staffRead = Number(r.n_read);
  }
  return out;
}

async function summaries(deps: AppDeps, rows: NoticeTable[]) {
  const ids = rows.map((r) => r.id);
  const [counts, units] = await Promise.all([
    countsOf(deps.db, ids),
    rows.length === 0
      ? []
      : deps.db
          .selectFrom('org_units')
          .select(['id', 'name'])
          .where('id', 'in', [...new Set(rows.map((r) => r.org_id))])
          .execute(),
  ]);
  return rows.map((r) => ({
    id: r.id,
    orgId: r.org_id,
    orgName: units.find((u) => u.id === r.org_id)?.name ?? '',
    title: r.title,
    sentAt: r.sent_at,
    sentByName: r.sent_by_name,
    followUpDays: r.follow_up_days,
    followedUpAt: r.followed_up_at,
    households: r.households,
    accounts: r.accounts,
    ...counts.get(r.id)!,
  }));
}

/** Notices sent at or under a unit (default: everywhere in scope), newest first. */
export async function listNotices(deps: AppDeps, actor: Actor, query: { orgId?: string | undefined; limit: number }) {
  let q = deps.db
    .selectFrom('notices')
    .selectAll()
    .where(inScope<DB, 'notices'>(actor, 'notice.read', 'notices.org_path'));
  if (query.orgId !== undefined) {
    const unit = await deps.db
      .selectFrom('org_units')
      .select('path')
      .where('id', '=', query.orgId)
      .where(inScope<DB, 'org_units'>(actor, 'notice.read', 'org_units.path'))
      .executeTakeFirst();
    if (unit === undefined) throw notFound(UNIT);
    q = q.where('org_path', '>=', unit.path).where('org_path', '<', `${unit.path.slice(0, -1)}0`);
  }
  const rows = await q.orderBy('sent_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
  return { items: await summaries(deps, rows) };
}

async function attachmentsOf(db: Kysely<DB>, noticeId: string) {
  return db
    .selectFrom('notice_attachments')
    .select(['id', 'name', 'mime', 'size'])
    .where('notice_id', '=', noticeId)
    .orderBy('position')
    .execute();
}

/** A notice with its attachments and every question asked on it (staff). */
export async function getNotice(
  deps: AppDeps,
  actor: Actor,
  id: string,
  permission: 'notice.read' | 'notice.send' = 'notice.read',
) {
  const row = await noticeInScope(deps, actor, id, permission);
  const [[summary], attachments, questions, staff] = await Promise.all([
    summaries(deps, [row]),
    attachmentsOf(deps.db, id),
    selectQuestions(deps.db).where('q.notice_id', '=', id).orderBy('q.asked_at').orderBy('q.id').execute(),
    deps.db
      .selectFrom('notice_accounts as a')
      .innerJoin('org_units as u', 'u.id', 'a.org_id')
      .select(['a.user_id', 'a.name', 'a.role', 'u.name as unit_name', 'a.read_at'])
      .where('a.notice_id', '=', id)
      .orderBy('a.org_path')
      .orderBy('a.name')
      .orderBy('a.user_id')
      .execute(),
  ]);
  return {
    ...summary!,
    body: row.body,
    explainer: row.explainer,
    audience: JSON.parse(row.audience) as NoticeAudience,
    attachments,
    questions: questions.map(questionFromRow),
    staffReceipts: staff.map((s) => ({
      userId: s.user_id,
      name: s.name,
      role: s.role as StaffRole,
      unitName: s.unit_name,
      readAt: s.read_at,
    })),
  };
}

/** Per household: who it reached, who read it and when, and the 入户讲解 visit asked for where nobody did. */
export async function listReceipts(
  deps: AppDeps,
  actor: Actor,
  id: string,
  query: { state: 'all' | 'read' | 'unread'; limit: number; offset: number },
) {
  await noticeInScope(deps, actor, id, 'notice.read');
  let q = deps.db
    .selectFrom('notice_households')
    .innerJoin('households', 'households.id', 'notice_households.household_id')
    .innerJoin('org_units', 'org_units.id', 'households.org_id')
    .where('notice_households.notice_id', '=', id)
    .where(inScope<DB, 'notice_households'>(actor, 'notice.read', 'notice_households.org_path'));
  if (query.state === 'read') q = q.where('notice_households.read_at', 'is not', null);
  if (query.state === 'unread') q = q.where('notice_households.read_at', 'is', null);
  const [rows, total, requests] = await Promise.all([
    q
      .select([
        'notice_households.household_id',
        'households.address',
        'org_units.name as unit_name',
        'notice_households.accounts',
        'notice_households.read_at',
      ])
      .select((eb) =>
        eb
          .selectFrom('notice_reads as r')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('r.notice_id', '=', 'notice_households.notice_id')
          .whereRef('r.household_id', '=', 'notice_households.household_id')
          .as('readers'),
      )
      .orderBy('notice_households.org_path')
      .orderBy('households.address')
      .orderBy('notice_households.household_id')
      .limit(query.limit)
      .offset(query.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    listRequestsOfSource(deps.db, { kind: NOTICE_SOURCE, id }),
  ]);
  return {
    total: Number(total.n),
    items: rows.map((r) => {
      const visit = requests.find((v) => v.householdId === r.household_id);
      return {
        householdId: r.household_id,
        address: r.address,
        unitName: r.unit_name,
        accounts: r.accounts,
        readAt: r.read_at,
        readers: Number(r.readers ?? 0),
        visit:
          visit === undefined
            ? null
            : {
                status: visit.status,
                requestedAt: visit.requestedAt,
                dueOn: visit.dueOn,
                closedAt: visit.closedAt,
                visitId: visit.closedVisitId,
              },
      };
    }),
  };
}

/**
 * 入户讲解: every household of the notice that nobody has read it in is handed to its grid worker as a
 * visit asked for (fieldwork/visit-requests.ts), due within 3 days; asking again changes nothing.
 */
async function followUpRow(deps: AppDeps, who: AuditWho, notice: NoticeTable, requestedBy: string | null) {
  const now = deps.clock.now();
  const days = Math.max(0, Math.floor((now.getTime() - Date.parse(notice.sent_at)) / DAY_MS));
  const dueOn = addDays(currentDay(now), VISIT_WITHIN_DAYS);
  return deps.db.transaction().execute(async (trx) => {
    // one follow-up at a time per notice: the conditional update is the claim
    const claimed = await trx
      .updateTable('notices')
      .set({ followed_up_at: now.toISOString() })
      .where('id', '=', notice.id)
      .where((eb) =>
        notice.followed_up_at === null
          ? eb('followed_up_at', 'is', null)
          : eb('followed_up_at', '=', notice.followed_up_at),
      )
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return { requested: 0, alreadyRequested: 0 };
    const unread = await trx
      .selectFrom('notice_households')
      .select('household_id')
      .where('notice_id', '=', notice.id)
      .where('read_at', 'is', null)
      .orderBy('org_path')
      .orderBy('household_id')
      .execute();
    let requested = 0;
    for (const h of unread) {
      const out = await requestVisit(trx, {
        householdId: h.household_id,
        source: { kind: NOTICE_SOURCE, id: notice.id },
        reasonCode: 'notice_unread',
        reason_zh: `入户讲解：《${notice.title}》发出 ${days} 天未读`,
        reason_en: `Explain in person: “${notice.title}” unread for ${days} days`,
        dueOn,
        requestedBy,
        now,
      });
      if (out.isNew) requested += 1;
    }
    await recordAudit(trx, deps.clock, who, {
      action: 'notice.follow_up',
      targetType: 'notice',
      targetId: notice.id,
      orgId: notice.org_id,
      orgPath: notice.org_path,
      detail: { requested, unread: unread.length },
    });
    return { requested, alreadyRequested: unread.length - requested };
  });
}

/** Staff hand the unread households to grid workers now (e.g. before the N days are up). */
export async function followUpNotice(deps: AppDeps, actor: Actor, id: string) {
  const notice = await noticeInScope(deps, actor, id, 'notice.send');
  return followUpRow(deps, whoFromActor(actor), notice, actor.userId);
}

/**
 * The job: every notice whose N days (follow_up_days) have passed since it was sent and that was not yet
 * followed up hands its unread households to their grid workers. Several servers may run it: each notice
 * is claimed by a conditional update. Returns how many notices it followed up.
 */
export async function sweepNoticeFollowUps(deps: AppDeps): Promise<number> {
  const now = deps.clock.now();
  const candidates = await deps.db
    .selectFrom('notices')
    .selectAll()
    .where('followed_up_at', 'is', null)
    .where('follow_up_days', 'is not', null)
    // no notice waits more than 60 days: a cheap bound on the rows the index range reads
    .where('sent_at', '<=', new Date(now.getTime() - DAY_MS).toISOString())
    .orderBy('sent_at')
    .limit(200)
    .execute();
  let done = 0;
  for (const notice of candidates) {
    if (Date.parse(notice.sent_at) + notice.follow_up_days! * DAY_MS > now.getTime()) continue;
    await followUpRow(deps, SYSTEM, notice, null);
    done += 1;
  }
  return done;
}

// ---- questions (staff side) ----

async function questionInScope(deps: AppDeps, actor: Actor, id: string) {
  const row = await deps.db
    .selectFrom('notice_questions')
    .selectAll()
    .where('id', '=', id)
    .where(inScope<DB, 'notice_questions'>(actor, 'notice.send', 'notice_questions.org_path'))
    .executeTakeFirst();
  if (row === undefined) throw notFound(QUESTION);
  const notice = await deps.db
    .selectFrom('notices')
    .select(['title', 'org_id'])
    .where('id', '=', row.notice_id)
    .executeTakeFirstOrThrow();
  return { ...row, title: notice.title, org_id: notice.org_id };
}

/** Staff answer a question: publicly (the notice's FAQ) or to the asker alone; she is told either way. */
export async function answerQuestion(
  deps: AppDeps,
  actor: Actor,
  id: string,
  input: { answer: string; isPublic: boolean },
) {
  const q = await questionInScope(deps, actor, id);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('notice_questions')
      .set({
        answer: input.answer,
        is_public: input.isPublic ? 1 : 0,
        answered_by: actor.userId,
        answered_by_name: actor.displayName,
        answered_at: now.toISOString(),
      })
      .where('id', '=', q.id)
      .execute();
    await enqueueMessage(trx, {
      now,
      kind: 'notice.answer',
      recipientUserId: q.asked_by,
      params: { title: q.title },
    });
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'notice.answer',
      targetType: 'notice_question',
      targetId: q.id,
      orgPath: q.org_path,
      detail: { noticeId: q.notice_id, isPublic: input.isPublic },
    });
  });
  return questionOut(deps, q.id);
}

/** The one query of a question as staff see it: the household's address and the case it became, if any. */
function selectQuestions(db: Kysely<DB>) {
  return db
    .selectFrom('notice_questions as q')
    .leftJoin('households as h', 'h.id', 'q.household_id')
    .leftJoin('cases as c', 'c.id', 'q.case_id')
    .select([
      'q.id',
      'q.body',
      'q.asked_at',
      'h.address',
      'q.answer',
      'q.is_public',
      'q.answered_by_name',
      'q.answered_at',
      'q.case_id',
      'c.number as case_number',
    ]);
}

type QuestionRow = Awaited<ReturnType<ReturnType<typeof selectQuestions>['executeTakeFirstOrThrow']>>;

/** A question row as the API shows it to staff. */
function questionFromRow(q: QuestionRow) {
  return {
    id: q.id,
    body: q.body,
    askedAt: q.asked_at,
    address: q.address ?? null,
    answer: q.answer,
    isPublic: q.is_public === 1,
    answeredByName: q.answered_by_name,
    answeredAt: q.answered_at,
    caseId: q.case_id,
    caseNumber: q.case_number ?? null,
  };
}

async function questionOut(deps: AppDeps, id: string) {
  return questionFromRow(await selectQuestions(deps.db).where('q.id', '=', id).executeTakeFirstOrThrow());
}

/**
 * A question that needs work becomes a case (cases/intake.ts submitCase), at her household, once: the
 * question's id is the intake's idempotency key, and the case is noted on the question.
 */
export async function questionToCase(deps: AppDeps, actor: Actor, id: string) {
  const q = await questionInScope(deps, actor, id);
  const outcome = await submitCase(
    deps,
    {
      channel: 'resident_app',
      description: `${q.body}\n（居民就通知《${q.title}》的提问）`,
      priority: 'normal',
      ...(q.household_id !== null ? { householdId: q.household_id } : { orgId: q.org_id }),
      isAnonymous: false,
      externalRef: `notice-question:${q.id}`,
      photos: [],
      force: true,
    },
    { actor, permission: 'case.intake' },
  );
  if (outcome.kind === 'duplicates') throw new Error('intake offered duplicates despite force');
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('notice_questions').set({ case_id: outcome.caseId }).where('id', '=', q.id).execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'notice.question_case',
      targetType: 'notice_question',
      targetId: q.id,
      orgPath: q.org_path,
      detail: { caseId: outcome.caseId },
    });
  });
  return { caseId: outcome.caseId, caseNumber: outcome.number };
}

// ---- the resident's side ----

/** The households she is bound to now. */
async function myHouseholds(db: Kysely<DB>, actor: Actor): Promise<string[]> {
  const rows = await db
    .selectFrom('resident_bindings')
    .select('household_id')
    .distinct()
    .where('user_id', '=', actor.userId)
    .where('status', '=', 'bound')
    .execute();
  return rows.map((r) => r.household_id).filter((id): id is string => id !== null);
}

/** Notices sent to her households, or to her as staff by her role, newest first, with whether she read each. */
export async function listMyNotices(deps: AppDeps, actor: Actor) {
  const households = await myHouseholds(deps.db, actor);
  const rows = await deps.db
    .selectFrom('notices as n')
    .innerJoin('org_units as u', 'u.id', 'n.org_id')
    .select(['n.id', 'n.title', 'u.name as org_name', 'n.sent_at'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('notice_reads as r')
            .select('r.notice_id')
            .whereRef('r.notice_id', '=', 'n.id')
            .where('r.user_id', '=', actor.userId),
        )
        .as('is_read'),
    )
    .select((eb) =>
      eb
        .selectFrom('notice_accounts as a')
        .select('a.read_at')
        .whereRef('a.notice_id', '=', 'n.id')
        .where('a.user_id', '=', actor.userId)
        .as('staff_read_at'),
    )
    .where((eb) =>
      eb.or([
        ...(households.length === 0
          ? []
          : [
              eb(
                'n.id',
                'in',
                eb.selectFrom('notice_households').select('notice_id').where('household_id', 'in', households),
              ),
            ]),
        eb('n.id', 'in', eb.selectFrom('notice_accounts').select('notice_id').where('user_id', '=', actor.userId)),
      ]),
    )
    .orderBy('n.sent_at', 'desc')
    .limit(100)
    .execute();
  const items = rows.map((r) => ({
    id: r.id,
    title: r.title,
    orgName: r.org_name,
    sentAt: r.sent_at,
    isRead: Boolean(r.is_read) || (r.staff_read_at ?? null) !== null,
  }));
  return { items, unread: items.filter((i) => !i.isRead).length };
}

/** A notice sent to one of her households or to her as staff (`asStaff`: her own receipt row), or 404. */
async function myNotice(deps: AppDeps, actor: Actor, id: string) {
  const households = await myHouseholds(deps.db, actor);
  const row = await deps.db
    .selectFrom('notices as n')
    .innerJoin('org_units as u', 'u.id', 'n.org_id')
    .selectAll('n')
    .select('u.name as org_name')
    .where('n.id', '=', id)
    .executeTakeFirst();
  if (row === undefined) throw notFound(NOTICE);
  const [mine, asStaff] = await Promise.all([
    households.length === 0
      ? []
      : deps.db
          .selectFrom('notice_households')
          .select(['household_id', 'org_path'])
          .where('notice_id', '=', id)
          .where('household_id', 'in', households)
          .orderBy('household_id')
          .execute(),
    deps.db
      .selectFrom('notice_accounts')
      .select(['org_path', 'read_at'])
      .where('notice_id', '=', id)
      .where('user_id', '=', actor.userId)
      .executeTakeFirst(),
  ]);
  if (mine.length === 0 && asStaff === undefined) throw notFound(NOTICE);
  return { row, mine, asStaff };
}

export async function getMyNotice(deps: AppDeps, actor: Actor, id: string) {
  const { row, asStaff } = await myNotice(deps, actor, id);
  const [attachments, questions, read] = await Promise.all([
    attachmentsOf(deps.db, id),
    deps.db
      .selectFrom('notice_questions')
      .selectAll()
      .where('notice_id', '=', id)
      .where((eb) =>
        eb.or([eb('asked_by', '=', actor.userId), eb.and([eb('is_public', '=', 1), eb('answer', 'is not', null)])]),
      )
      .orderBy('asked_at')
      .orderBy('id')
      .execute(),
    deps.db
      .selectFrom('notice_reads')
      .select('read_at')
      .where('notice_id', '=', id)
      .where('user_id', '=', actor.userId)
      .executeTakeFirst(),
  ]);
  return {
    id: row.id,
    title: row.title,
    orgName: row.org_name,
    sentAt: row.sent_at,
    isRead: read !== undefined || (asStaff?.read_at ?? null) !== null,
    body: row.body,
    explainer: row.explainer,
    attachments,
    faq: questions
      .filter((q) => q.is_public === 1 && q.answer !== null)
      .map((q) => ({ question: q.body, answer: q.answer!, answeredAt: q.answered_at! })),
    myQuestions: questions
      .filter((q) => q.asked_by === actor.userId)
      .map((q) => ({ id: q.id, body: q.body, askedAt: q.asked_at, answer: q.answer, isPublic: q.is_public === 1 })),
  };
}

/**
 * Her read receipt: once per account; the household counts as read from the first reader, and a visit
 * asked for there to explain it is withdrawn (it reached her after all). Staff reached by role get their
 * own receipt. Reading twice changes nothing.
 */
export async function markMyNoticeRead(deps: AppDeps, actor: Actor, id: string) {
  const { mine, asStaff } = await myNotice(deps, actor, id);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    if (asStaff !== undefined && asStaff.read_at === null) {
      await trx
        .updateTable('notice_accounts')
        .set({ read_at: now.toISOString() })
        .where('notice_id', '=', id)
        .where('user_id', '=', actor.userId)
        .where('read_at', 'is', null)
        .execute();
    }
    if (mine.length === 0) return;
    const inserted = await trx
      .insertInto('notice_reads')
      .values({
        notice_id: id,
        // with her household's receipt
        county_key: countyKeyOf(mine[0]!.org_path),
        user_id: actor.userId,
        household_id: mine[0]!.household_id,
        read_at: now.toISOString(),
      })
      // the partitioned layout keeps (notice_id, user_id) unique per county only: the conflict target names the key
      .onConflict((oc) => oc.columns(['county_key', 'notice_id', 'user_id']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return;
    for (const h of mine) {
      await trx
        .updateTable('notice_households')
        .set({ read_at: now.toISOString() })
        .where('notice_id', '=', id)
        .where('household_id', '=', h.household_id)
        .where('read_at', 'is', null)
        .execute();
      await syncServiceFigures(trx, NOTICE_HOUSEHOLDS, [noticeHouseholdKey(id, h.household_id)]);
      await withdrawVisitRequest(trx, { householdId: h.household_id, source: { kind: NOTICE_SOURCE, id }, now });
    }
  });
  return getMyNotice(deps, actor, id);
}

/** She asks a question on a notice; the staff of the sending unit find it on the notice's page. */
export async function askQuestion(deps: AppDeps, actor: Actor, id: string, body: string) {
  const { mine, asStaff } = await myNotice(deps, actor, id);
  const where = mine[0] ?? { household_id: null, org_path: asStaff!.org_path };
  const now = deps.clock.now().toISOString();
  const qid = newId();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('notice_questions')
      .values({
        id: qid,
        notice_id: id,
        org_path: where.org_path,
        household_id: where.household_id,
        asked_by: actor.userId,
        body,
        asked_at: now,
        answer: null,
        is_public: 0,
        answered_by: null,
        answered_by_name: null,
        answered_at: null,
        case_id: null,
      })
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'notice.ask',
      targetType: 'notice_question',
      targetId: qid,
      orgPath: where.org_path,
      detail: { noticeId: id },
    });
  });
  return getMyNotice(deps, actor, id);
}

/** An attachment of a notice the caller may read (staff in scope, or a resident it was sent to). */
export async function getAttachment(
  deps: AppDeps,
  actor: Actor,
  noticeId: string,
  attachmentId: string,
  isMine: boolean,
) {
  if (isMine) await myNotice(deps, actor, noticeId);
  else await noticeInScope(deps, actor, noticeId, 'notice.read');
  const row = await deps.db
    .selectFrom('notice_attachments')
    .select(['name', 'mime', 'data'])
    .where('id', '=', attachmentId)
    .where('notice_id', '=', noticeId)
    .executeTakeFirst();
  if (row === undefined) throw notFound({ zh: '附件', en: 'Attachment' });
  return row;
}
