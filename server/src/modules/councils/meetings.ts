import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, inScope } from '../../platform/access/scope.ts';
import { requireWritten } from '../../platform/audit/guarded-write.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { conflict, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { appointmentTime } from '../fieldwork/appointments.ts';
import { enqueueMessage } from '../messages/outbox.ts';
import { boundResidentOf, settleAward } from '../points/award.ts';
import { getCouncilInScope, listActiveMembers, memberOut } from './councils.ts';
import { type RuleMember, countUnits, decide, voteKeyOf } from './rules.ts';
import type { AttendanceBody, MeetingBody, MeetingOut, TotalsBody, VoteBody } from './schema.ts';
import type {
  CouncilAgendaItemTable,
  CouncilMeetingTable,
  CouncilMemberTable,
  CouncilTable,
  CouncilTopicTable,
} from './tables.ts';
import { lapseOverdueTopics } from './topics.ts';
import { syncServiceFigures } from '../insights/service-figures.ts';
import { COUNCIL_MEETINGS, COUNCIL_TOPICS } from './figures.ts';

export const MEETING = { zh: '议事会议', en: 'Council meeting' };

/** A meeting in the actor's scope for `council.manage`, with its council, or 404. */
export async function getMeetingInScope(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
): Promise<{ meeting: CouncilMeetingTable; council: CouncilTable }> {
  const meeting = await db
    .selectFrom('council_meetings')
    .selectAll()
    .where('id', '=', id)
    .where(inScope<DB, 'council_meetings'>(actor, 'council.manage', 'org_path'))
    .executeTakeFirst();
  if (meeting === undefined) throw notFound(MEETING);
  const council = await db
    .selectFrom('councils')
    .selectAll()
    .where('id', '=', meeting.council_id)
    .executeTakeFirstOrThrow();
  return { meeting, council };
}

/** Who hears of a member's meetings: her own account, or the accounts bound to her household. */
async function accountsOf(db: Kysely<DB>, members: CouncilMemberTable[]): Promise<string[]> {
  const out = new Set(members.flatMap((m) => (m.user_id === null ? [] : [m.user_id])));
  const households = members.filter((m) => m.user_id === null && m.household_id !== null).map((m) => m.household_id!);
  if (households.length > 0) {
    const bound = await db
      .selectFrom('resident_bindings')
      .select('user_id')
      .where('household_id', 'in', households)
      .where('status', '=', 'bound')
      .execute();
    for (const b of bound) out.add(b.user_id);
  }
  return [...out];
}

/**
 * Calls a meeting: its agenda is topics of the council that reached their threshold (or that staff
 * put forward), each with the ballot it will use; every member is told through the outbox.
 */
export async function createMeeting(deps: AppDeps, actor: Actor, councilId: string, input: MeetingBody) {
  const council = await getCouncilInScope(deps.db, actor, councilId);
  const now = deps.clock.now();
  if (Date.parse(input.startsAt) < now.getTime() - 7 * 86_400_000) {
    throw invalidField('startsAt', 'too_early', {
      zh: '会议时间不能早于一周前',
      en: 'A meeting cannot be dated more than a week back',
    });
  }
  const row: CouncilMeetingTable = {
    id: newId(),
    council_id: council.id,
    org_path: council.org_path,
    title: input.title,
    place: input.place,
    starts_at: new Date(input.startsAt).toISOString(),
    status: 'planned',
    minutes: null,
    held_at: null,
    created_at: now.toISOString(),
  };
  return deps.db.transaction().execute(async (trx) => {
    await lapseOverdueTopics(trx, council.id, now);
    const topics = await trx
      .selectFrom('council_topics')
      .selectAll()
      .where(
        'id',
        'in',
        input.agenda.map((a) => a.topicId),
      )
      .execute();
    for (const [i, item] of input.agenda.entries()) {
      const topic = topics.find((t) => t.id === item.topicId);
      if (topic === undefined || topic.council_id !== council.id) {
        throw invalidField(`agenda.${i}.topicId`, 'other_council', {
          zh: '该议题不属于本议事会',
          en: 'The topic is not one of this council',
        });
      }
      if (topic.status !== 'agenda' && !(topic.status === 'open' && topic.proposer_kind === 'staff')) {
        throw invalidField(`agenda.${i}.topicId`, 'not_ready', {
          zh: '该议题附议户数未达到要求，不能列入议程',
          en: 'The topic has not reached its threshold of supporting households',
        });
      }
    }
    await trx.insertInto('council_meetings').values(row).execute();
    for (const [i, item] of input.agenda.entries()) {
      await requireWritten(
        trx,
        trx
          .insertInto('council_agenda_items')
          .values({
            meeting_id: row.id,
            topic_id: item.topicId,
            position: i + 1,
            ballot: item.ballot,
            yes_total: null,
            no_total: null,
            abstain_total: null,
          })
          .onConflict((oc) => oc.column('topic_id').doNothing())
          .executeTakeFirst(),
        () =>
          conflict('CONFLICT', `agenda.${i}.topicId`, {
            zh: '该议题已列入另一次会议的议程',
            en: "The topic is already on another meeting's agenda",
          }),
      );
      await trx.updateTable('council_topics').set({ status: 'agenda' }).where('id', '=', item.topicId).execute();
      await syncServiceFigures(trx, COUNCIL_TOPICS, [item.topicId]);
    }
    const members = await listActiveMembers(trx, council.id);
    const accounts = await accountsOf(trx, members);
    for (const userId of accounts) {
      await enqueueMessage(trx, {
        now,
        kind: 'council.meeting_notice',
        recipientUserId: userId,
        params: { council: council.name, title: row.title, time: appointmentTime(row.starts_at), place: row.place },
      });
    }
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'council.meeting_create',
      targetType: 'council_meeting',
      targetId: row.id,
      orgPath: row.org_path,
      detail: { topics: input.agenda.length, told: accounts.length },
    });
    return { id: row.id, told: accounts.length };
  });
}

function requirePlanned(meeting: CouncilMeetingTable, field: string) {
  if (meeting.status === 'cancelled') {
    throw conflict('INVALID_STATE', field, { zh: '会议已取消', en: 'The meeting was called off' });
  }
}

/** Sign-in: present, by proxy (with the proxy's name) or absent, per member; a later entry replaces an earlier one. */
export async function recordAttendance(deps: AppDeps, actor: Actor, meetingId: string, input: AttendanceBody) {
  const { meeting } = await getMeetingInScope(deps.db, actor, meetingId);
  requirePlanned(meeting, 'meetingId');
  const members = await listActiveMembers(deps.db, meeting.council_id);
  for (const [i, e] of input.entries.entries()) {
    if (!members.some((m) => m.id === e.memberId)) {
      throw invalidField(`entries.${i}.memberId`, 'not_member', {
        zh: '此人不是本议事会的成员',
        en: 'Not a member of this council',
      });
    }
    if (e.status === 'proxy' && (e.proxyName === undefined || e.proxyName === '')) {
      throw invalidField(`entries.${i}.proxyName`, 'required', {
        zh: '委托出席须填写受托人姓名',
        en: 'Name the proxy who attends',
      });
    }
  }
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    for (const e of input.entries) {
      const values = {
        meeting_id: meeting.id,
        member_id: e.memberId,
        status: e.status,
        proxy_name: e.status === 'proxy' ? (e.proxyName ?? null) : null,
        recorded_at: now,
      };
      await trx
        .insertInto('council_attendance')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['meeting_id', 'member_id']).doUpdateSet({
            status: values.status,
            proxy_name: values.proxy_name,
            recorded_at: now,
          }),
        )
        .execute();
    }
    await settleAttendancePoints(trx, deps.clock.now(), {
      meeting,
      entries: input.entries.map((e) => ({
        member: members.find((m) => m.id === e.memberId)!,
        isPresent: e.status === 'present',
      })),
      actor,
    });
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'council.attendance',
      targetType: 'council_meeting',
      targetId: meeting.id,
      orgPath: meeting.org_path,
      detail: { entries: input.entries.length },
    });
  });
  return getMeeting(deps, actor, meeting.id);
}

/**
 * Council attendance earns points (the community's `council_attendance` rule): each resident member
 * signed in present holds them once per meeting, settled in the sign-in's transaction with the sign-in
 * (meeting and resident) as the source. The member is a registry resident through her account's binding,
 * or as the living resident of the household she represents who bears her name. A proxy earns nothing
 * for the member. A correction settles the difference through the ledger: present → absent (or proxy)
 * withdraws the award by a compensating journal; absent → present awards again under the next source
 * (`meeting:resident:n`); an entry that changes nothing posts nothing, so flipping never duplicates.
 */
async function settleAttendancePoints(
  trx: Transaction<DB>,
  now: Date,
  input: {
    meeting: CouncilMeetingTable;
    entries: { member: CouncilMemberTable; isPresent: boolean }[];
    actor: Actor;
  },
) {
  const who = { id: input.actor.userId, name: input.actor.displayName };
  for (const { member, isPresent } of input.entries) {
    const residentId = await attendingResidentOf(trx, member);
    if (residentId === undefined) continue;
    await settleAward(trx, now, {
      residentId,
      isEarned: isPresent,
      rule: 'council_attendance',
      source: { kind: 'council_meeting', id: `${input.meeting.id}:${residentId}` },
      reason: `参加议事会：${input.meeting.title}`.slice(0, 200),
      withdrawReason: `议事会签到更正为未出席：${input.meeting.title}`.slice(0, 200),
      actor: who,
    });
  }
}

/** The registry resident a council member is, if any: her bound account's, or her household's namesake. */
async function attendingResidentOf(trx: Transaction<DB>, member: CouncilMemberTable) {
  if (member.kind !== 'resident_rep') return undefined;
  if (member.user_id !== null) return boundResidentOf(trx, member.user_id);
  if (member.household_id === null) return undefined;
  const row = await trx
    .selectFrom('residents')
    .select('id')
    .where('household_id', '=', member.household_id)
    .where('name', '=', member.name)
    .where('status', '=', 'living')
    .executeTakeFirst();
  return row?.id;
}

async function agendaItemOf(db: Kysely<DB>, meetingId: string, topicId: string, field: string) {
  const item = await db
    .selectFrom('council_agenda_items')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .where('topic_id', '=', topicId)
    .executeTakeFirst();
  if (item === undefined) {
    throw invalidField(field, 'not_on_agenda', {
      zh: '该议题不在本次会议议程上',
      en: "The topic is not on this meeting's agenda",
    });
  }
  return item;
}

async function requireUndecided(db: Kysely<DB>, topicId: string) {
  const decided = await db
    .selectFrom('council_decisions')
    .select('id')
    .where('topic_id', '=', topicId)
    .executeTakeFirst();
  if (decided !== undefined) {
    throw conflict('INVALID_STATE', 'topicId', {
      zh: '该议题已作出决定，不能再表决',
      en: 'This topic is decided; voting is over',
    });
  }
}

/**
 * An open ballot, member by member: only a member signed in (present or by proxy) votes, once per
 * voting unit — under one-household-one-vote a household's second voice is refused (the unique vote key).
 */
export async function castVote(deps: AppDeps, actor: Actor, meetingId: string, input: VoteBody) {
  const { meeting, council } = await getMeetingInScope(deps.db, actor, meetingId);
  requirePlanned(meeting, 'meetingId');
  const item = await agendaItemOf(deps.db, meeting.id, input.topicId, 'topicId');
  if (item.ballot !== 'open') {
    throw invalidField('topicId', 'secret_ballot', {
      zh: '该议题为无记名投票，请录入票数',
      en: 'This topic is decided by secret ballot: enter the totals',
    });
  }
  await requireUndecided(deps.db, input.topicId);
  const member = await deps.db
    .selectFrom('council_members')
    .selectAll()
    .where('id', '=', input.memberId)
    .where('council_id', '=', council.id)
    .where('left_at', 'is', null)
    .executeTakeFirst();
  if (member === undefined) {
    throw invalidField('memberId', 'not_member', { zh: '此人不是本议事会的成员', en: 'Not a member of this council' });
  }
  const key = voteKeyOf(council.vote_basis, { id: member.id, householdId: member.household_id });
  if (key === null) {
    throw invalidField('memberId', 'no_vote', {
      zh: '按"一户一票"规则，该成员列席但不参加表决',
      en: 'Under one household one vote this member takes part but does not vote',
    });
  }
  const attendance = await deps.db
    .selectFrom('council_attendance')
    .select('status')
    .where('meeting_id', '=', meeting.id)
    .where('member_id', '=', member.id)
    .executeTakeFirst();
  if (attendance === undefined || attendance.status === 'absent') {
    throw invalidField('memberId', 'not_present', {
      zh: '该成员未签到（本人或委托出席），不能表决',
      en: 'The member has not signed in (in person or by proxy)',
    });
  }
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await requireWritten(
      trx,
      trx
        .insertInto('council_votes')
        .values({
          id: newId(),
          meeting_id: meeting.id,
          topic_id: input.topicId,
          member_id: member.id,
          vote_key: key,
          choice: input.choice,
          created_at: now,
        })
        .onConflict((oc) => oc.columns(['topic_id', 'vote_key']).doNothing())
        .executeTakeFirst(),
      () =>
        conflict('CONFLICT', 'memberId', {
          zh: council.vote_basis === 'household' ? '该户已就此议题投过票' : '该成员已就此议题投过票',
          en:
            council.vote_basis === 'household'
              ? 'This household has already voted on this topic'
              : 'This member has already voted on this topic',
        }),
      {
        clock: deps.clock,
        who: whoFromActor(actor),
        entry: {
          action: 'council.vote',
          targetType: 'council_meeting',
          targetId: meeting.id,
          orgPath: meeting.org_path,
          detail: { topicId: input.topicId, memberId: member.id },
        },
      },
    );
  });
  return getMeeting(deps, actor, meeting.id);
}

/** A secret ballot's totals, counted on paper: no more ballots than voting units present. */
export async function recordTotals(deps: AppDeps, actor: Actor, meetingId: string, input: TotalsBody) {
  const { meeting, council } = await getMeetingInScope(deps.db, actor, meetingId);
  requirePlanned(meeting, 'meetingId');
  const item = await agendaItemOf(deps.db, meeting.id, input.topicId, 'topicId');
  if (item.ballot !== 'secret') {
    throw invalidField('topicId', 'open_ballot', {
      zh: '该议题为记名投票，请逐人录入',
      en: 'This topic is decided by open ballot: record each member',
    });
  }
  await requireUndecided(deps.db, input.topicId);
  const units = countUnits(council.vote_basis, await ruleMembers(deps.db, council.id, meeting.id));
  if (input.yes + input.no + input.abstain > units.present) {
    throw invalidField('yes', 'too_many_ballots', {
      zh: `票数合计超过出席的表决单位数（${units.present}）`,
      en: `More ballots than voting units present (${units.present})`,
    });
  }
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('council_agenda_items')
      .set({ yes_total: input.yes, no_total: input.no, abstain_total: input.abstain })
      .where('meeting_id', '=', meeting.id)
      .where('topic_id', '=', input.topicId)
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'council.vote_totals',
      targetType: 'council_meeting',
      targetId: meeting.id,
      orgPath: meeting.org_path,
      detail: { topicId: input.topicId, yes: input.yes, no: input.no, abstain: input.abstain },
    });
  });
  return getMeeting(deps, actor, meeting.id);
}

/** The council's members as the rules see them at a meeting: absent unless signed in. */
export async function ruleMembers(db: Kysely<DB>, councilId: string, meetingId: string): Promise<RuleMember[]> {
  const [members, attendance] = await Promise.all([
    listActiveMembers(db, councilId),
    db.selectFrom('council_attendance').selectAll().where('meeting_id', '=', meetingId).execute(),
  ]);
  return members.map((m) => ({
    id: m.id,
    householdId: m.household_id,
    attendance: attendance.find((a) => a.member_id === m.id)?.status ?? 'absent',
  }));
}

/** The tally of one agenda item: totals for a secret ballot, else the open votes counted. */
export async function tallyOf(db: Kysely<DB>, item: CouncilAgendaItemTable) {
  if (item.ballot === 'secret') {
    if (item.yes_total === null) return null;
    return { yes: item.yes_total, no: item.no_total ?? 0, abstain: item.abstain_total ?? 0 };
  }
  const votes = await db
    .selectFrom('council_votes')
    .select('choice')
    .where('topic_id', '=', item.topic_id)
    .where('meeting_id', '=', item.meeting_id)
    .execute();
  return {
    yes: votes.filter((v) => v.choice === 'yes').length,
    no: votes.filter((v) => v.choice === 'no').length,
    abstain: votes.filter((v) => v.choice === 'abstain').length,
  };
}

/** Minutes written: the meeting is held (and counts as held in the burden ledger). */
export async function holdMeeting(deps: AppDeps, actor: Actor, meetingId: string, minutes: string) {
  const { meeting } = await getMeetingInScope(deps.db, actor, meetingId);
  requirePlanned(meeting, 'meetingId');
  const signedIn = await deps.db
    .selectFrom('council_attendance')
    .select('member_id')
    .where('meeting_id', '=', meeting.id)
    .executeTakeFirst();
  if (signedIn === undefined) {
    throw invalidField('minutes', 'no_sign_in', {
      zh: '请先完成签到，再填写会议纪要',
      en: 'Record the sign-in before the minutes',
    });
  }
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('council_meetings')
      .set({ status: 'held', minutes, held_at: meeting.held_at ?? now })
      .where('id', '=', meeting.id)
      .execute();
    await syncServiceFigures(trx, COUNCIL_MEETINGS, [meeting.id]);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'council.meeting_hold',
      targetType: 'council_meeting',
      targetId: meeting.id,
      orgPath: meeting.org_path,
      detail: {},
    });
  });
  return getMeeting(deps, actor, meeting.id);
}

/** Keeps a photo of the meeting (the sign-in sheet, the room). */
export async function addMeetingPhoto(
  deps: AppDeps,
  actor: Actor,
  meetingId: string,
  photo: { mime: string; data: Buffer },
) {
  const { meeting } = await getMeetingInScope(deps.db, actor, meetingId);
  const id = newId();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('council_photos')
      .values({
        id,
        meeting_id: meeting.id,
        mime: photo.mime,
        data: photo.data,
        created_at: deps.clock.now().toISOString(),
      })
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'council.photo_add',
      targetType: 'council_meeting',
      targetId: meeting.id,
      orgPath: meeting.org_path,
      detail: { photoId: id },
    });
  });
  return { id };
}

export async function getMeetingPhoto(deps: AppDeps, actor: Actor, meetingId: string, photoId: string) {
  const { meeting } = await getMeetingInScope(deps.db, actor, meetingId);
  const photo = await deps.db
    .selectFrom('council_photos')
    .select(['mime', 'data'])
    .where('id', '=', photoId)
    .where('meeting_id', '=', meeting.id)
    .executeTakeFirst();
  if (photo === undefined) throw notFound({ zh: '照片', en: 'Photo' });
  return photo;
}

/** A meeting with its agenda (each item's tally and what the rules make of it), sign-in, votes and photos. */
export async function getMeeting(deps: AppDeps, actor: Actor, meetingId: string): Promise<MeetingOut> {
  const { meeting, council } = await getMeetingInScope(deps.db, actor, meetingId);
  const [items, members, attendance, votes, photos, decisions] = await Promise.all([
    deps.db
      .selectFrom('council_agenda_items')
      .selectAll()
      .where('meeting_id', '=', meeting.id)
      .orderBy('position')
      .execute(),
    deps.db
      .selectFrom('council_members')
      .selectAll()
      .where('council_id', '=', council.id)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    deps.db.selectFrom('council_attendance').selectAll().where('meeting_id', '=', meeting.id).execute(),
    deps.db.selectFrom('council_votes').selectAll().where('meeting_id', '=', meeting.id).execute(),
    deps.db
      .selectFrom('council_photos')
      .select(['id', 'created_at'])
      .where('meeting_id', '=', meeting.id)
      .orderBy('created_at')
      .execute(),
    deps.db
      .selectFrom('council_decisions')
      .select(['id', 'topic_id', 'result'])
      .where('meeting_id', '=', meeting.id)
      .execute(),
  ]);
  const topics: CouncilTopicTable[] = items.length
    ? await deps.db
        .selectFrom('council_topics')
        .selectAll()
        .where(
          'id',
          'in',
          items.map((i) => i.topic_id),
        )
        .execute()
    : [];
  const rm = await ruleMembers(deps.db, council.id, meeting.id);
  const units = countUnits(council.vote_basis, rm);
  const agenda = [];
  for (const item of items) {
    const tally = await tallyOf(deps.db, item);
    const outcome = tally === null ? null : decide(council, units, tally);
    const decision = decisions.find((d) => d.topic_id === item.topic_id);
    agenda.push({
      topicId: item.topic_id,
      title: topics.find((t) => t.id === item.topic_id)?.title ?? '',
      ballot: item.ballot,
      tally,
      hasQuorum: outcome?.hasQuorum ?? null,
      result: outcome?.result ?? null,
      decisionId: decision?.id ?? null,
    });
  }
  const active = members.filter((m) => m.left_at === null);
  return {
    id: meeting.id,
    councilId: council.id,
    councilName: council.name,
    voteBasis: council.vote_basis,
    quorum: council.quorum,
    majority: council.majority,
    title: meeting.title,
    place: meeting.place,
    startsAt: meeting.starts_at,
    status: meeting.status,
    minutes: meeting.minutes,
    heldAt: meeting.held_at,
    eligible: units.eligible,
    present: units.present,
    agenda,
    members: active.map((m) => {
      const a = attendance.find((x) => x.member_id === m.id);
      return { ...memberOut(m), attendance: a?.status ?? null, proxyName: a?.proxy_name ?? null };
    }),
    votes: votes.map((v) => ({ topicId: v.topic_id, memberId: v.member_id, choice: v.choice })),
    photoIds: photos.map((p) => p.id),
  };
}

/** A council's meetings, latest first. */
export async function listMeetings(deps: AppDeps, actor: Actor, councilId: string) {
  const council = await getCouncilInScope(deps.db, actor, councilId);
  const rows = await deps.db
    .selectFrom('council_meetings')
    .selectAll()
    .where('council_id', '=', council.id)
    .orderBy('starts_at', 'desc')
    .limit(100)
    .execute();
  return {
    items: rows.map((r) => ({
      id: r.id,
      title: r.title,
      place: r.place,
      startsAt: r.starts_at,
      status: r.status,
      heldAt: r.held_at,
    })),
  };
}
