import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, inScope } from '../../platform/access/scope.ts';
import { requireWritten } from '../../platform/audit/guarded-write.ts';
import { type AuditWho, recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, conflict, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { enqueueMessage } from '../messages/outbox.ts';
import { COUNCIL, getCouncilInScope } from './councils.ts';
import type { TopicBody, TopicOut } from './schema.ts';
import type { CouncilTable, CouncilTopicTable } from './tables.ts';
import { syncServiceFigures } from '../insights/service-figures.ts';
import { COUNCIL_TOPICS } from './figures.ts';

export const TOPIC = { zh: '议题', en: 'Topic' };
const DAY_MS = 86_400_000;

export const topicOut = (r: CouncilTopicTable, supporters: number, isSupportedByMe = false): TopicOut => ({
  id: r.id,
  councilId: r.council_id,
  title: r.title,
  body: r.body,
  proposerKind: r.proposer_kind,
  proposerName: r.proposer_name,
  status: r.status,
  threshold: r.threshold,
  supporters,
  supportUntil: r.support_until,
  createdAt: r.created_at,
  closedAt: r.closed_at,
  closeReason: r.close_reason,
  isSupportedByMe,
});

async function supporterCounts(db: Kysely<DB>, topicIds: string[]): Promise<Map<string, number>> {
  if (topicIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('council_topic_supports')
    .select(['topic_id', db.fn.countAll<number>().as('n')])
    .where('topic_id', 'in', topicIds)
    .groupBy('topic_id')
    .execute();
  return new Map(rows.map((r) => [r.topic_id, Number(r.n)]));
}

/** The household a resident account is bound to now, or null. */
export async function boundHouseholdOf(db: Kysely<DB>, userId: string) {
  const row = await db
    .selectFrom('resident_bindings')
    .innerJoin('residents', 'residents.id', 'resident_bindings.resident_id')
    .select(['resident_bindings.household_id', 'resident_bindings.org_path', 'residents.name'])
    .where('resident_bindings.user_id', '=', userId)
    .where('resident_bindings.status', '=', 'bound')
    .orderBy('resident_bindings.decided_at', 'desc')
    .executeTakeFirst();
  return row ?? null;
}

function notBound(): AppError {
  return new AppError('FORBIDDEN', {
    zh: '请先在"我的"中绑定您的住户，再参与议事',
    en: 'Bind your household under 我的 before taking part in councils',
  });
}

/** The councils over a path (her community's and her compound's), nearest last. */
async function councilsOver(db: Kysely<DB>, path: string): Promise<CouncilTable[]> {
  const prefixes: string[] = [];
  for (let i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) prefixes.push(path.slice(0, i + 1));
  if (prefixes.length === 0) return [];
  return db.selectFrom('councils').selectAll().where('org_path', 'in', prefixes).orderBy('org_path').execute();
}

type DueTopic = Pick<CouncilTopicTable, 'id' | 'title' | 'proposer_user_id' | 'org_path'>;

/**
 * Lapses one open topic whose time ran out and tells its proposer — once: the conditional update moves
 * it from open, and the message's once-key holds however many processes or runs get here.
 */
async function lapseTopic(db: Kysely<DB>, t: DueTopic, now: Date): Promise<boolean> {
  const done = await db
    .updateTable('council_topics')
    .set({ status: 'lapsed', closed_at: now.toISOString() })
    .where('id', '=', t.id)
    .where('status', '=', 'open')
    .where('support_until', '<=', now.toISOString())
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) === 0) return false;
  await syncServiceFigures(db, COUNCIL_TOPICS, [t.id]);
  await enqueueMessage(db, {
    now,
    kind: 'council.topic_closed',
    recipientUserId: t.proposer_user_id,
    params: { title: t.title, reason: 'lapsed' },
    onceKey: `council.topic_lapsed:${t.id}`,
  });
  return true;
}

/**
 * Topics of one council whose time for support ran out below the threshold lapse, and their proposers
 * are told. Runs in the writes that touch a council's topics, in their transaction, so a page never
 * shows a topic open past its date; the minute job (`sweepLapsedTopics`) does it for the rest.
 */
export async function lapseOverdueTopics(db: Kysely<DB>, councilId: string, now: Date): Promise<number> {
  const due = await db
    .selectFrom('council_topics')
    .select(['id', 'title', 'proposer_user_id', 'org_path'])
    .where('council_id', '=', councilId)
    .where('status', '=', 'open')
    .where('support_until', '<=', now.toISOString())
    .execute();
  let lapsed = 0;
  for (const t of due) if (await lapseTopic(db, t, now)) lapsed += 1;
  return lapsed;
}

const SYSTEM: AuditWho = { actorId: null, actorName: 'system', ip: null, userAgent: null };
/** Topics the job lapses in one run at most; the next minute takes the rest. */
const SWEEP_BATCH = 500;

/**
 * The job (every minute, main.ts): every open topic whose time for support ran out below the threshold
 * lapses, its proposer is told (`council.topic_closed`, reason `lapsed`) and the audit log says the
 * system did it. Several servers may run it at once: each topic moves by a conditional update and its
 * message has a once-key, so a topic lapses and is told once. Returns how many topics it lapsed.
 */
export async function sweepLapsedTopics(deps: AppDeps): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.db
    .selectFrom('council_topics')
    .select(['id', 'title', 'proposer_user_id', 'org_path'])
    .where('status', '=', 'open')
    .where('support_until', '<=', now.toISOString())
    .orderBy('support_until')
    .limit(SWEEP_BATCH)
    .execute();
  let lapsed = 0;
  for (const t of due) {
    const isLapsed = await deps.db.transaction().execute(async (trx) => {
      if (!(await lapseTopic(trx, t, now))) return false;
      await recordAudit(trx, deps.clock, SYSTEM, {
        action: 'council.topic_lapse',
        targetType: 'council_topic',
        targetId: t.id,
        orgPath: t.org_path,
        detail: { reason: 'lapsed' },
      });
      return true;
    });
    if (isLapsed) lapsed += 1;
  }
  return lapsed;
}

/**
 * Counts a household's support and, when the topic reaches its threshold, puts it on the agenda and
 * tells the proposer — once: the status moves from open to agenda in a conditional update, and a
 * household is counted once by the supports' primary key.
 */
async function addSupport(
  db: Kysely<DB>,
  topic: CouncilTopicTable,
  support: { householdId: string; userId: string; via: 'phone' | 'staff' },
  now: Date,
): Promise<{ supporters: number; isNew: boolean; status: CouncilTopicTable['status'] }> {
  if (topic.status !== 'open' && topic.status !== 'agenda') {
    throw conflict('INVALID_STATE', 'topicId', {
      zh: '该议题已不再征集附议',
      en: 'This topic no longer takes support',
    });
  }
  if (topic.status === 'open' && topic.support_until <= now.toISOString()) {
    throw conflict('INVALID_STATE', 'topicId', { zh: '附议期限已过', en: 'The time for support is over' });
  }
  const inserted = await db
    .insertInto('council_topic_supports')
    .values({
      topic_id: topic.id,
      household_id: support.householdId,
      user_id: support.userId,
      via: support.via,
      created_at: now.toISOString(),
    })
    .onConflict((oc) => oc.columns(['topic_id', 'household_id']).doNothing())
    .executeTakeFirst();
  const isNew = Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
  const supporters = (await supporterCounts(db, [topic.id])).get(topic.id) ?? 0;
  let status = topic.status;
  if (status === 'open' && supporters >= topic.threshold) {
    const moved = await db
      .updateTable('council_topics')
      .set({ status: 'agenda' })
      .where('id', '=', topic.id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    await syncServiceFigures(db, COUNCIL_TOPICS, [topic.id]);
    status = 'agenda';
    if (Number(moved.numUpdatedRows) === 1) {
      await enqueueMessage(db, {
        now,
        kind: 'council.topic_agenda',
        recipientUserId: topic.proposer_user_id,
        params: { title: topic.title, supporters: String(supporters) },
      });
    }
  }
  return { supporters, isNew, status };
}

function newTopic(
  council: CouncilTable,
  input: TopicBody,
  proposer: Pick<CouncilTopicTable, 'proposer_kind' | 'proposer_user_id' | 'proposer_name' | 'proposer_household_id'>,
  now: Date,
): CouncilTopicTable {
  return {
    id: newId(),
    council_id: council.id,
    org_path: council.org_path,
    title: input.title,
    body: input.body,
    ...proposer,
    status: 'open',
    threshold: council.support_threshold,
    support_until: new Date(now.getTime() + council.support_days * DAY_MS).toISOString(),
    created_at: now.toISOString(),
    closed_at: null,
    close_reason: null,
  };
}

/** 群众点题: a bound resident proposes a topic to a council over her household; her household supports it. */
export async function proposeTopicAsResident(deps: AppDeps, actor: Actor, input: TopicBody & { councilId: string }) {
  const home = await boundHouseholdOf(deps.db, actor.userId);
  if (home === null) throw notBound();
  const council = (await councilsOver(deps.db, home.org_path)).find((c) => c.id === input.councilId);
  if (council === undefined) throw notFound(COUNCIL);
  const now = deps.clock.now();
  const row = newTopic(
    council,
    input,
    {
      proposer_kind: 'resident',
      proposer_user_id: actor.userId,
      proposer_name: home.name,
      proposer_household_id: home.household_id,
    },
    now,
  );
  return deps.db.transaction().execute(async (trx) => {
    await lapseOverdueTopics(trx, council.id, now);
    await trx.insertInto('council_topics').values(row).execute();
    await syncServiceFigures(trx, COUNCIL_TOPICS, [row.id]);
    const { supporters, status } = await addSupport(
      trx,
      row,
      { householdId: home.household_id, userId: actor.userId, via: 'phone' },
      now,
    );
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'council.topic_propose',
      targetType: 'council_topic',
      targetId: row.id,
      orgPath: row.org_path,
      detail: { councilId: council.id },
    });
    return topicOut({ ...row, status }, supporters, true);
  });
}

/** Staff put a topic forward themselves (a matter from a visit, a case that keeps coming back). */
export async function proposeTopicAsStaff(deps: AppDeps, actor: Actor, councilId: string, input: TopicBody) {
  const council = await getCouncilInScope(deps.db, actor, councilId);
  const now = deps.clock.now();
  const row = newTopic(
    council,
    input,
    {
      proposer_kind: 'staff',
      proposer_user_id: actor.userId,
      proposer_name: actor.displayName,
      proposer_household_id: null,
    },
    now,
  );
  await deps.db.transaction().execute(async (trx) => {
    await lapseOverdueTopics(trx, council.id, now);
    await trx.insertInto('council_topics').values(row).execute();
    await syncServiceFigures(trx, COUNCIL_TOPICS, [row.id]);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'council.topic_propose',
      targetType: 'council_topic',
      targetId: row.id,
      orgPath: row.org_path,
      detail: { councilId: council.id },
    });
  });
  return topicOut(row, 0);
}

/** A bound resident's household supports a topic of a council over it; supporting twice counts once. */
export async function supportTopicAsResident(deps: AppDeps, actor: Actor, topicId: string) {
  const home = await boundHouseholdOf(deps.db, actor.userId);
  if (home === null) throw notBound();
  const topic = await deps.db.selectFrom('council_topics').selectAll().where('id', '=', topicId).executeTakeFirst();
  if (topic === undefined || !home.org_path.startsWith(topic.org_path)) throw notFound(TOPIC);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    await lapseOverdueTopics(trx, topic.council_id, now);
    const fresh = await trx
      .selectFrom('council_topics')
      .selectAll()
      .where('id', '=', topic.id)
      .executeTakeFirstOrThrow();
    const out = await addSupport(
      trx,
      fresh,
      { householdId: home.household_id, userId: actor.userId, via: 'phone' },
      now,
    );
    if (out.isNew) {
      await recordAudit(trx, deps.clock, whoFromActor(actor), {
        action: 'council.topic_support',
        targetType: 'council_topic',
        targetId: topic.id,
        orgPath: topic.org_path,
        detail: { via: 'phone' },
      });
    }
    return topicOut({ ...fresh, status: out.status }, out.supporters, true);
  });
}

/** A topic in the actor's scope for `council.manage`, or 404. */
export async function getTopicInScope(db: Kysely<DB>, actor: Actor, id: string): Promise<CouncilTopicTable> {
  const row = await db
    .selectFrom('council_topics')
    .selectAll()
    .where('id', '=', id)
    .where(inScope<DB, 'council_topics'>(actor, 'council.manage', 'org_path'))
    .executeTakeFirst();
  if (row === undefined) throw notFound(TOPIC);
  return row;
}

/**
 * Staff record households' support from a paper petition (联名): each household in the topic's unit
 * counts once, however it supported; all or nothing.
 */
export async function recordSupportByStaff(deps: AppDeps, actor: Actor, topicId: string, householdIds: string[]) {
  const topic = await getTopicInScope(deps.db, actor, topicId);
  const households = await deps.db
    .selectFrom('households')
    .select(['id', 'org_path'])
    .where('id', 'in', householdIds)
    .execute();
  householdIds.forEach((id, i) => {
    const h = households.find((x) => x.id === id);
    if (h === undefined || !h.org_path.startsWith(topic.org_path)) {
      throw invalidField(`householdIds.${i}`, 'outside_council', {
        zh: '该住户不在本议事会的范围内',
        en: "The household is not in the council's unit",
      });
    }
  });
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    await lapseOverdueTopics(trx, topic.council_id, now);
    let fresh = await trx.selectFrom('council_topics').selectAll().where('id', '=', topic.id).executeTakeFirstOrThrow();
    let supporters = 0;
    let added = 0;
    for (const householdId of new Set(householdIds)) {
      const out = await addSupport(trx, fresh, { householdId, userId: actor.userId, via: 'staff' }, now);
      supporters = out.supporters;
      if (out.isNew) added += 1;
      fresh = { ...fresh, status: out.status };
    }
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'council.topic_support',
      targetType: 'council_topic',
      targetId: topic.id,
      orgPath: topic.org_path,
      detail: { via: 'staff', added },
    });
    return topicOut(fresh, supporters);
  });
}

/** Staff decline an open topic (with the reason the proposer is told). */
export async function declineTopic(deps: AppDeps, actor: Actor, topicId: string, reason: string) {
  const topic = await getTopicInScope(deps.db, actor, topicId);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    await requireWritten(
      trx,
      trx
        .updateTable('council_topics')
        .set({ status: 'declined', closed_at: now.toISOString(), close_reason: reason })
        .where('id', '=', topic.id)
        .where('status', 'in', ['open', 'agenda'])
        .executeTakeFirst(),
      () => conflict('INVALID_STATE', 'topicId', { zh: '该议题已结束', en: 'This topic is closed' }),
    );
    await syncServiceFigures(trx, COUNCIL_TOPICS, [topic.id]);
    const onAgenda = await trx
      .selectFrom('council_agenda_items')
      .select('meeting_id')
      .where('topic_id', '=', topic.id)
      .executeTakeFirst();
    if (onAgenda !== undefined) {
      throw conflict('INVALID_STATE', 'topicId', {
        zh: '该议题已列入会议议程',
        en: "This topic is on a meeting's agenda",
      });
    }
    await enqueueMessage(trx, {
      now,
      kind: 'council.topic_closed',
      recipientUserId: topic.proposer_user_id,
      params: { title: topic.title, reason },
    });
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'council.topic_decline',
      targetType: 'council_topic',
      targetId: topic.id,
      orgPath: topic.org_path,
      detail: { reason },
    });
    const supporters = (await supporterCounts(trx, [topic.id])).get(topic.id) ?? 0;
    return topicOut({ ...topic, status: 'declined', closed_at: now.toISOString(), close_reason: reason }, supporters);
  });
}

/** A council's topics, newest first, with their supporter counts. */
export async function listTopics(deps: AppDeps, actor: Actor, councilId: string) {
  const council = await getCouncilInScope(deps.db, actor, councilId);
  const rows = await deps.db
    .selectFrom('council_topics')
    .selectAll()
    .where('council_id', '=', council.id)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(200)
    .execute();
  const counts = await supporterCounts(
    deps.db,
    rows.map((r) => r.id),
  );
  return { items: rows.map((r) => topicOut(r, counts.get(r.id) ?? 0)) };
}

/** For a bound resident: the councils over her household and their topics, with whether her household supports each. */
export async function listMyCouncilTopics(deps: AppDeps, actor: Actor) {
  const home = await boundHouseholdOf(deps.db, actor.userId);
  if (home === null) return { isBound: false, councils: [], items: [] };
  const councils = await councilsOver(deps.db, home.org_path);
  if (councils.length === 0) return { isBound: true, councils: [], items: [] };
  const orgs = await deps.db
    .selectFrom('org_units')
    .select(['id', 'name'])
    .where(
      'id',
      'in',
      councils.map((c) => c.org_id),
    )
    .execute();
  const rows = await deps.db
    .selectFrom('council_topics')
    .selectAll()
    .where(
      'council_id',
      'in',
      councils.map((c) => c.id),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(100)
    .execute();
  const counts = await supporterCounts(
    deps.db,
    rows.map((r) => r.id),
  );
  const mine = rows.length
    ? await deps.db
        .selectFrom('council_topic_supports')
        .select('topic_id')
        .where('household_id', '=', home.household_id)
        .where(
          'topic_id',
          'in',
          rows.map((r) => r.id),
        )
        .execute()
    : [];
  const supported = new Set(mine.map((m) => m.topic_id));
  return {
    isBound: true,
    councils: councils.map((c) => ({
      id: c.id,
      name: c.name,
      orgName: orgs.find((o) => o.id === c.org_id)?.name ?? '',
      supportThreshold: c.support_threshold,
    })),
    items: rows.map((r) => topicOut(r, counts.get(r.id) ?? 0, supported.has(r.id))),
  };
}
