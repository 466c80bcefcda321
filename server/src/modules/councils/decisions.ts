import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, inScope, subtreeEnd } from '../../platform/access/scope.ts';
import { requireWritten } from '../../platform/audit/guarded-write.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { conflict, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { enqueueMessage } from '../messages/outbox.ts';
import { getMeetingInScope, ruleMembers, tallyOf } from './meetings.ts';
import { countUnits, decide } from './rules.ts';
import type { DecisionBody, DecisionOut, MilestoneBody, MilestoneOut } from './schema.ts';
import type { CouncilDecisionTable, CouncilMilestoneTable } from './tables.ts';
import { getCouncilInScope } from './councils.ts';
import { syncServiceFigures } from '../insights/service-figures.ts';
import { COUNCIL_DECISIONS, COUNCIL_MILESTONES, COUNCIL_TOPICS } from './figures.ts';

export const DECISION = { zh: '议事决定', en: 'Council decision' };
export const MILESTONE = { zh: '落实节点', en: 'Milestone' };

/** The share of milestones done, in whole percent (0 without milestones): the one definition of progress. */
export function progressOf(milestones: readonly { done_at: string | null }[]): number {
  if (milestones.length === 0) return 0;
  return Math.floor((milestones.filter((m) => m.done_at !== null).length * 100) / milestones.length);
}

const milestoneOut = (m: CouncilMilestoneTable): MilestoneOut => ({
  id: m.id,
  title: m.title,
  ownerName: m.owner_name,
  dueDate: m.due_date,
  caseId: m.case_id,
  taskId: m.task_id,
  isDone: m.done_at !== null,
  doneAt: m.done_at,
});

export function decisionOut(d: CouncilDecisionTable, milestones: CouncilMilestoneTable[]): DecisionOut {
  return {
    id: d.id,
    councilId: d.council_id,
    meetingId: d.meeting_id,
    topicId: d.topic_id,
    title: d.title,
    resolution: d.resolution,
    result: d.result,
    eligible: d.eligible,
    present: d.present,
    yes: d.yes,
    no: d.no,
    abstain: d.abstain,
    funding:
      d.owners_fen === null
        ? null
        : { ownersFen: d.owners_fen, subsidyFen: d.subsidy_fen ?? 0, companyFen: d.company_fen ?? 0 },
    isPublic: d.is_public === 1,
    decidedAt: d.decided_at,
    progress: progressOf(milestones),
    milestones: milestones.map(milestoneOut),
  };
}

/**
 * A council decision in the actor's scope for `council.manage`, or 404: what a compound fund's spending
 * names as its approval (check `result === 'adopted'` and the funding split there).
 */
export async function getDecisionInScope(db: Kysely<DB>, actor: Actor, id: string): Promise<CouncilDecisionTable> {
  const row = await db
    .selectFrom('council_decisions')
    .selectAll()
    .where('id', '=', id)
    .where(inScope<DB, 'council_decisions'>(actor, 'council.manage', 'org_path'))
    .executeTakeFirst();
  if (row === undefined) throw notFound(DECISION);
  return row;
}

/**
 * Records the decision on a topic of the meeting: the result is computed from the council's rules and
 * the ballot (never typed); without a quorum nothing is decided. An adopted decision may carry the
 * funding split in fen (owners / government subsidy / property company). The proposer is told.
 */
export async function decideTopic(deps: AppDeps, actor: Actor, meetingId: string, input: DecisionBody) {
  const { meeting, council } = await getMeetingInScope(deps.db, actor, meetingId);
  if (meeting.status === 'cancelled') {
    throw conflict('INVALID_STATE', 'meetingId', { zh: '会议已取消', en: 'The meeting was called off' });
  }
  const item = await deps.db
    .selectFrom('council_agenda_items')
    .selectAll()
    .where('meeting_id', '=', meeting.id)
    .where('topic_id', '=', input.topicId)
    .executeTakeFirst();
  if (item === undefined) {
    throw invalidField('topicId', 'not_on_agenda', {
      zh: '该议题不在本次会议议程上',
      en: "The topic is not on this meeting's agenda",
    });
  }
  const units = countUnits(council.vote_basis, await ruleMembers(deps.db, council.id, meeting.id));
  const tally = await tallyOf(deps.db, item);
  if (tally === null) {
    throw invalidField('topicId', 'no_ballot', {
      zh: '请先录入无记名投票的票数',
      en: 'Enter the secret ballot totals first',
    });
  }
  const outcome = decide(council, units, tally);
  if (!outcome.hasQuorum) {
    throw invalidField('topicId', 'no_quorum', {
      zh: `出席的表决单位（${units.present}/${units.eligible}）未达到法定人数，不能作出决定`,
      en: `Too few voting units present (${units.present} of ${units.eligible}) for a quorum: nothing can be decided`,
    });
  }
  if (input.funding !== undefined && outcome.result !== 'adopted') {
    throw invalidField('funding', 'not_adopted', {
      zh: '表决未通过，不能确定资金分担',
      en: 'The ballot did not adopt the topic: no funding split',
    });
  }
  const topic = await deps.db
    .selectFrom('council_topics')
    .selectAll()
    .where('id', '=', input.topicId)
    .executeTakeFirstOrThrow();
  const now = deps.clock.now();
  const row: CouncilDecisionTable = {
    id: newId(),
    council_id: council.id,
    org_path: council.org_path,
    meeting_id: meeting.id,
    topic_id: topic.id,
    title: topic.title,
    resolution: input.resolution,
    result: outcome.result,
    eligible: units.eligible,
    present: units.present,
    yes: tally.yes,
    no: tally.no,
    abstain: tally.abstain,
    owners_fen: input.funding?.ownersFen ?? null,
    subsidy_fen: input.funding?.subsidyFen ?? null,
    company_fen: input.funding?.companyFen ?? null,
    is_public: input.isPublic === false ? 0 : 1,
    decided_at: now.toISOString(),
    decided_by_name: actor.displayName,
  };
  await deps.db.transaction().execute(async (trx) => {
    await requireWritten(
      trx,
      trx
        .insertInto('council_decisions')
        .values(row)
        .onConflict((oc) => oc.column('topic_id').doNothing())
        .executeTakeFirst(),
      () => conflict('CONFLICT', 'topicId', { zh: '该议题已作出决定', en: 'This topic is already decided' }),
    );
    await trx
      .updateTable('council_topics')
      .set({ status: outcome.result, closed_at: row.decided_at })
      .where('id', '=', topic.id)
      .execute();
    await syncServiceFigures(trx, COUNCIL_TOPICS, [topic.id]);
    await syncServiceFigures(trx, COUNCIL_DECISIONS, [row.id]);
    await enqueueMessage(trx, {
      now,
      kind: 'council.topic_decided',
      recipientUserId: topic.proposer_user_id,
      params: { title: topic.title, result: outcome.result },
    });
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'council.decide',
      targetType: 'council_decision',
      targetId: row.id,
      orgPath: row.org_path,
      detail: { topicId: topic.id, result: row.result, yes: row.yes, present: row.present, eligible: row.eligible },
    });
  });
  return decisionOut(row, []);
}

async function milestonesOf(db: Kysely<DB>, decisionIds: string[]) {
  if (decisionIds.length === 0) return [];
  return db
    .selectFrom('council_milestones')
    .selectAll()
    .where('decision_id', 'in', decisionIds)
    .orderBy('due_date')
    .orderBy('created_at')
    .execute();
}

export async function getDecision(deps: AppDeps, actor: Actor, id: string): Promise<DecisionOut> {
  const d = await getDecisionInScope(deps.db, actor, id);
  return decisionOut(d, await milestonesOf(deps.db, [d.id]));
}

/** A council's decisions, latest first, with their follow-up. */
export async function listDecisions(deps: AppDeps, actor: Actor, councilId: string) {
  const council = await getCouncilInScope(deps.db, actor, councilId);
  const rows = await deps.db
    .selectFrom('council_decisions')
    .selectAll()
    .where('council_id', '=', council.id)
    .orderBy('decided_at', 'desc')
    .limit(100)
    .execute();
  const ms = await milestonesOf(
    deps.db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) =>
      decisionOut(
        r,
        ms.filter((m) => m.decision_id === r.id),
      ),
    ),
  };
}

/** Follow-up: a milestone of an adopted decision with its owner and date, linked to a case or task where work is needed. */
export async function addMilestone(deps: AppDeps, actor: Actor, decisionId: string, input: MilestoneBody) {
  const d = await getDecisionInScope(deps.db, actor, decisionId);
  if (d.result !== 'adopted') {
    throw conflict('INVALID_STATE', 'decisionId', {
      zh: '未通过的决定无需落实',
      en: 'A rejected decision has no follow-up',
    });
  }
  const row: CouncilMilestoneTable = {
    id: newId(),
    decision_id: d.id,
    org_path: d.org_path,
    title: input.title,
    owner_name: input.ownerName,
    due_date: input.dueDate,
    case_id: input.caseId ?? null,
    task_id: input.taskId ?? null,
    done_at: null,
    created_at: deps.clock.now().toISOString(),
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('council_milestones').values(row).execute();
    await syncServiceFigures(trx, COUNCIL_MILESTONES, [row.id]);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'council.milestone_add',
      targetType: 'council_decision',
      targetId: d.id,
      orgPath: d.org_path,
      detail: { milestoneId: row.id },
    });
  });
  return getDecision(deps, actor, d.id);
}

/** Marks a milestone done (or not done again); the decision's progress follows. */
export async function setMilestoneDone(deps: AppDeps, actor: Actor, milestoneId: string, isDone: boolean) {
  const m = await deps.db
    .selectFrom('council_milestones')
    .selectAll()
    .where('id', '=', milestoneId)
    .where(inScope<DB, 'council_milestones'>(actor, 'council.manage', 'org_path'))
    .executeTakeFirst();
  if (m === undefined) throw notFound(MILESTONE);
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('council_milestones')
      .set({ done_at: isDone ? (m.done_at ?? deps.clock.now().toISOString()) : null })
      .where('id', '=', m.id)
      .execute();
    await syncServiceFigures(trx, COUNCIL_MILESTONES, [m.id]);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'council.milestone_done',
      targetType: 'council_decision',
      targetId: m.decision_id,
      orgPath: m.org_path,
      detail: { milestoneId: m.id, isDone },
    });
  });
  return getDecision(deps, actor, m.decision_id);
}

/**
 * What other modules may show of decisions by id, whoever reads them (a fund's ledger names the decision
 * each spending was made under, to staff and to owners who hold no council permission): the title, where
 * it was taken and whether it was adopted — the facts the public record shows too.
 */
export async function lookUpDecisionFacts(
  db: Kysely<DB>,
  ids: readonly string[],
): Promise<Map<string, { id: string; title: string; orgPath: string; isAdopted: boolean }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('council_decisions')
    .select(['id', 'title', 'org_path', 'result'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((r) => [r.id, { id: r.id, title: r.title, orgPath: r.org_path, isAdopted: r.result === 'adopted' }]),
  );
}

/** The adopted decisions of the councils at exactly these units (a compound and the units above it), newest first. */
export async function listAdoptedDecisionsAt(db: Kysely<DB>, orgPaths: readonly string[], limit = 100) {
  if (orgPaths.length === 0) return [];
  const rows = await db
    .selectFrom('council_decisions')
    .select(['id', 'title', 'decided_at', 'owners_fen', 'subsidy_fen', 'company_fen'])
    .where('org_path', 'in', [...orgPaths])
    .where('result', '=', 'adopted')
    .orderBy('decided_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    decidedAt: r.decided_at,
    ownersFen: r.owners_fen,
    subsidyFen: r.subsidy_fen,
    companyFen: r.company_fen,
  }));
}

/**
 * The first adopted decision of any council at or under a unit (a community and its compounds and groups),
 * with its funding split in fen; null when none was adopted. The funds demo spends under it.
 */
export async function findFirstAdoptedDecisionUnder(db: Kysely<DB>, orgPath: string) {
  const row = await db
    .selectFrom('council_decisions')
    .select(['id', 'title', 'decided_at', 'owners_fen', 'subsidy_fen', 'company_fen'])
    .where('org_path', '>=', orgPath)
    .where('org_path', '<', `${orgPath.slice(0, -1)}0`)
    .where('result', '=', 'adopted')
    .orderBy('decided_at')
    .orderBy('id')
    .executeTakeFirst();
  if (row === undefined) return null;
  return {
    id: row.id,
    title: row.title,
    decidedAt: row.decided_at,
    ownersFen: row.owners_fen,
    subsidyFen: row.subsidy_fen,
    companyFen: row.company_fen,
  };
}

/**
 * The public record of a community's decisions (Decidim's accountability): what was decided, the
 * vote counts, the funding split, milestones and progress — no names of residents.
 */
export async function listPublicDecisions(db: Kysely<DB>, communityPath: string) {
  const rows = await db
    .selectFrom('council_decisions')
    .innerJoin('councils', 'councils.id', 'council_decisions.council_id')
    .selectAll('council_decisions')
    .select('councils.name as council_name')
    .where('council_decisions.org_path', '>=', communityPath)
    .where('council_decisions.org_path', '<', subtreeEnd(communityPath))
    .where('council_decisions.is_public', '=', 1)
    .orderBy('council_decisions.decided_at', 'desc')
    .limit(50)
    .execute();
  const ms = await milestonesOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    const own = ms.filter((m) => m.decision_id === r.id);
    const out = decisionOut(r, own);
    return {
      id: out.id,
      councilName: r.council_name,
      title: out.title,
      resolution: out.resolution,
      result: out.result,
      eligible: out.eligible,
      present: out.present,
      yes: out.yes,
      no: out.no,
      abstain: out.abstain,
      funding: out.funding,
      decidedAt: out.decidedAt,
      progress: out.progress,
      milestones: own.map((m) => ({
        title: m.title,
        ownerName: m.owner_name,
        dueDate: m.due_date,
        isDone: m.done_at !== null,
      })),
    };
  });
}

/**
 * Council meetings held in a unit's subtree in a Shanghai month: meetings residents and their
 * representatives called (议事), for the burden ledger beside meetings imposed from above. Read from the
 * insight counters (`council.held`, councils/figures.ts), as the services panel and 一表通 read it.
 */
export async function councilMeetingsHeld(db: Kysely<DB>, orgPath: string, month: string): Promise<number> {
  const row = await db
    .selectFrom('insight_counters')
    .select('n')
    .where('org_path', '=', orgPath)
    .where('fact', '=', 'council.held')
    .where('dims', '=', month)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
