import { z } from 'zod';
import {
  ATTENDANCE,
  BALLOTS,
  CHOICES,
  MAJORITIES,
  MEETING_STATUSES,
  MEMBER_KINDS,
  QUORUMS,
  TOPIC_STATUSES,
  VOTE_BASES,
} from './tables.ts';

const Id = z.uuid();
const Text = (max: number) => z.string().trim().min(1).max(max);
/** a sum of money in whole fen; at most 20 million yuan per share */
const Fen = z.number().int().min(0).max(2_000_000_000);

export const IdParams = z.strictObject({ id: Id });
export const MemberParams = z.strictObject({ id: Id, memberId: Id });
export const PhotoParams = z.strictObject({ id: Id, photoId: Id });

export const CouncilCreateBody = z.strictObject({
  orgId: Id.describe('the community, compound or village group the council sits at'),
  name: Text(100).describe('e.g. 吴家园社区居民议事会'),
  voteBasis: z.enum(VOTE_BASES).describe('household: one household one vote; member: one member one vote'),
  quorum: z.enum(QUORUMS).describe('half: more than half of the voting units; two_thirds: at least two thirds'),
  majority: z.enum(MAJORITIES).describe('of the voting units present: more than half, ≥ 2/3, ≥ 3/4 say yes'),
  supportThreshold: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .describe('households supporting a topic to put it on the agenda'),
  supportDays: z.number().int().min(1).max(365).describe('days a topic collects support'),
});
export type CouncilCreateBody = z.infer<typeof CouncilCreateBody>;

export const CouncilOut = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  name: z.string(),
  voteBasis: z.enum(VOTE_BASES),
  quorum: z.enum(QUORUMS),
  majority: z.enum(MAJORITIES),
  supportThreshold: z.number().int(),
  supportDays: z.number().int(),
  memberCount: z.number().int(),
  createdAt: z.string(),
});
export type CouncilOut = z.infer<typeof CouncilOut>;
export const CouncilList = z.object({ items: z.array(CouncilOut) });

export const MemberBody = z.strictObject({
  kind: z.enum(MEMBER_KINDS),
  name: Text(100),
  organization: Text(100).optional().describe('the company, unit or office the member speaks for'),
  householdId: Id.optional().describe("a residents' representative's household (in the council's unit)"),
  userId: Id.optional().describe('her account, told of meetings through the outbox'),
});
export type MemberBody = z.infer<typeof MemberBody>;

export const MemberOut = z.object({
  id: z.string(),
  kind: z.enum(MEMBER_KINDS),
  name: z.string(),
  organization: z.string().nullable(),
  householdId: z.string().nullable(),
  hasAccount: z.boolean(),
});
export type MemberOut = z.infer<typeof MemberOut>;
export const CouncilDetail = z.object({ council: CouncilOut, members: z.array(MemberOut) });

export const TopicBody = z.strictObject({
  title: Text(100).describe('e.g. 老旧小区引入物业'),
  body: Text(2000),
});
export type TopicBody = z.infer<typeof TopicBody>;
export const ResidentTopicBody = TopicBody.extend({ councilId: Id });

export const TopicOut = z.object({
  id: z.string(),
  councilId: z.string(),
  title: z.string(),
  body: z.string(),
  proposerKind: z.enum(['resident', 'staff']),
  proposerName: z.string(),
  status: z.enum(TOPIC_STATUSES),
  threshold: z.number().int(),
  supporters: z.number().int(),
  supportUntil: z.string(),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
  closeReason: z.string().nullable(),
  isSupportedByMe: z.boolean(),
});
export type TopicOut = z.infer<typeof TopicOut>;
export const TopicList = z.object({ items: z.array(TopicOut) });
export const MyTopicList = z.object({
  isBound: z.boolean(),
  councils: z.array(
    z.object({ id: z.string(), name: z.string(), orgName: z.string(), supportThreshold: z.number().int() }),
  ),
  items: z.array(TopicOut),
});

export const SupportBody = z.strictObject({
  householdIds: z.array(Id).min(1).max(500).describe('households that signed the paper petition (联名)'),
});
export const DeclineBody = z.strictObject({ reason: Text(500) });

export const MeetingBody = z.strictObject({
  title: Text(100),
  place: Text(100),
  startsAt: z.iso.datetime({ offset: true }),
  agenda: z
    .array(z.strictObject({ topicId: Id, ballot: z.enum(BALLOTS) }))
    .min(1)
    .max(20),
});
export type MeetingBody = z.infer<typeof MeetingBody>;
export const MeetingCreated = z.object({ id: z.string(), told: z.number().int() });

export const AttendanceBody = z.strictObject({
  entries: z
    .array(z.strictObject({ memberId: Id, status: z.enum(ATTENDANCE), proxyName: Text(100).optional() }))
    .min(1)
    .max(500),
});
export type AttendanceBody = z.infer<typeof AttendanceBody>;

export const VoteBody = z.strictObject({ topicId: Id, memberId: Id, choice: z.enum(CHOICES) });
export type VoteBody = z.infer<typeof VoteBody>;

const Count = z.number().int().min(0).max(100_000);
export const TotalsBody = z.strictObject({ topicId: Id, yes: Count, no: Count, abstain: Count });
export type TotalsBody = z.infer<typeof TotalsBody>;

export const HoldBody = z.strictObject({ minutes: Text(10_000) });

const Tally = z.object({ yes: z.number().int(), no: z.number().int(), abstain: z.number().int() });
export const MeetingOut = z.object({
  id: z.string(),
  councilId: z.string(),
  councilName: z.string(),
  voteBasis: z.enum(VOTE_BASES),
  quorum: z.enum(QUORUMS),
  majority: z.enum(MAJORITIES),
  title: z.string(),
  place: z.string(),
  startsAt: z.string(),
  status: z.enum(MEETING_STATUSES),
  minutes: z.string().nullable(),
  heldAt: z.string().nullable(),
  eligible: z.number().int(),
  present: z.number().int(),
  agenda: z.array(
    z.object({
      topicId: z.string(),
      title: z.string(),
      ballot: z.enum(BALLOTS),
      tally: Tally.nullable(),
      hasQuorum: z.boolean().nullable(),
      result: z.enum(['adopted', 'rejected']).nullable(),
      decisionId: z.string().nullable(),
    }),
  ),
  members: z.array(MemberOut.extend({ attendance: z.enum(ATTENDANCE).nullable(), proxyName: z.string().nullable() })),
  votes: z.array(z.object({ topicId: z.string(), memberId: z.string(), choice: z.enum(CHOICES) })),
  photoIds: z.array(z.string()),
});
export type MeetingOut = z.infer<typeof MeetingOut>;
export const MeetingList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      place: z.string(),
      startsAt: z.string(),
      status: z.enum(MEETING_STATUSES),
      heldAt: z.string().nullable(),
    }),
  ),
});
export const PhotoCreated = z.object({ id: z.string() });

export const Funding = z
  .strictObject({
    ownersFen: Fen.describe('业主自筹, in fen'),
    subsidyFen: Fen.describe('政府补贴, in fen'),
    companyFen: Fen.describe('物业公司调配, in fen'),
  })
  .superRefine((f, ctx) => {
    if (f.ownersFen + f.subsidyFen + f.companyFen === 0) {
      ctx.addIssue({ code: 'custom', path: ['ownersFen'], message: 'the split adds up to nothing' });
    }
  });
export const DecisionBody = z.strictObject({
  topicId: Id,
  resolution: Text(2000).describe('what was decided, in plain words'),
  funding: Funding.optional().describe('who pays what (owners / government subsidy / property company), in fen'),
  isPublic: z.boolean().optional().describe("shown on the community's public page (default yes)"),
});
export type DecisionBody = z.infer<typeof DecisionBody>;

export const MilestoneBody = z.strictObject({
  title: Text(100),
  ownerName: Text(100).describe('who answers for it: a person, the property company, an office'),
  dueDate: z.iso.date(),
  caseId: Id.optional(),
  taskId: Id.optional(),
});
export type MilestoneBody = z.infer<typeof MilestoneBody>;
export const MilestoneDoneBody = z.strictObject({ isDone: z.boolean() });

export const MilestoneOut = z.object({
  id: z.string(),
  title: z.string(),
  ownerName: z.string(),
  dueDate: z.string(),
  caseId: z.string().nullable(),
  taskId: z.string().nullable(),
  isDone: z.boolean(),
  doneAt: z.string().nullable(),
});
export type MilestoneOut = z.infer<typeof MilestoneOut>;

const FundingOut = z.object({
  ownersFen: z.number().int(),
  subsidyFen: z.number().int(),
  companyFen: z.number().int(),
});
export const DecisionOut = z.object({
  id: z.string(),
  councilId: z.string(),
  meetingId: z.string(),
  topicId: z.string(),
  title: z.string(),
  resolution: z.string(),
  result: z.enum(['adopted', 'rejected']),
  eligible: z.number().int(),
  present: z.number().int(),
  yes: z.number().int(),
  no: z.number().int(),
  abstain: z.number().int(),
  funding: FundingOut.nullable(),
  isPublic: z.boolean(),
  decidedAt: z.string(),
  progress: z.number().int().describe('share of milestones done, whole percent'),
  milestones: z.array(MilestoneOut),
});
export type DecisionOut = z.infer<typeof DecisionOut>;
export const DecisionList = z.object({ items: z.array(DecisionOut) });

export const PublicDecisionList = z.object({
  community: z.object({ code: z.string(), name: z.string() }),
  items: z.array(
    z.object({
      id: z.string(),
      councilName: z.string(),
      title: z.string(),
      resolution: z.string(),
      result: z.enum(['adopted', 'rejected']),
      eligible: z.number().int(),
      present: z.number().int(),
      yes: z.number().int(),
      no: z.number().int(),
      abstain: z.number().int(),
      funding: FundingOut.nullable(),
      decidedAt: z.string(),
      progress: z.number().int(),
      milestones: z.array(
        z.object({ title: z.string(), ownerName: z.string(), dueDate: z.string(), isDone: z.boolean() }),
      ),
    }),
  ),
});
