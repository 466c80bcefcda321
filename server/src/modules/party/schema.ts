import { z } from 'zod';
import {
  DUAL_STATES,
  HOURS_STATES,
  MEMBER_DUTIES,
  NEED_STATES,
  PARTY_ORG_KINDS,
  PROJECT_STATES,
  RESOURCE_STATES,
  UNIT_KINDS,
} from './tables.ts';

const Id = z.uuid();
const Text = (max: number) => z.string().trim().min(1).max(max);
const Day = z.iso.date();

export const IdParams = z.strictObject({ id: Id });

// ---- party organisations ----
export const PartyOrgBody = z.strictObject({
  orgId: Id.describe('the org unit it sits at'),
  kind: z.enum(PARTY_ORG_KINDS),
  name: Text(100),
  parentId: Id.optional(),
});
export const PartyOrgOut = z.object({
  id: z.string(),
  orgId: z.string(),
  parentId: z.string().nullable(),
  kind: z.enum(PARTY_ORG_KINDS),
  name: z.string(),
});
export const PartyOrgCreated = PartyOrgOut.extend({
  enrolled: z
    .number()
    .int()
    .describe('the registry’s 党员 under its unit who waited for an organisation and joined it'),
});
export const PartyCandidateList = z.object({
  items: z.array(
    z.object({ residentId: z.string(), name: z.string(), unitName: z.string(), source: z.string(), since: z.string() }),
  ),
});
export const PartyOrgList = z.object({
  items: z.array(PartyOrgOut.extend({ unitName: z.string(), members: z.number().int() })),
});
export const PartyMemberBody = z.strictObject({
  residentId: Id.optional().describe('a party member from the registry'),
  allianceUnitId: Id.optional().describe('or one from a partner unit (with her name)'),
  name: Text(100).optional(),
  duty: z.enum(MEMBER_DUTIES).default('member'),
  joinedOn: Day.optional(),
});
export const PartyMemberAdded = z.object({ id: z.string(), name: z.string() });
export const PartyMemberList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      residentId: z.string().nullable(),
      allianceUnitId: z.string().nullable(),
      unitName: z.string().nullable(),
      name: z.string(),
      duty: z.enum(MEMBER_DUTIES),
      joinedOn: z.string().nullable(),
    }),
  ),
});

// ---- 双报到 ----
export const DualRegisterBody = z.strictObject({
  communityCode: z
    .string()
    .regex(/^\d{12}$/, { message: 'A 12-digit community code' })
    .describe('the community where she lives, by its code (GET /api/v1/public/communities)'),
  name: Text(50),
  workUnit: Text(100).describe('her work unit (单位), which registers with the community too'),
  allianceUnitId: Id.optional().describe('her unit, when it is a member unit of the community’s alliance'),
  partyOrgName: Text(100).optional().describe('the party organisation she belongs to'),
  skills: Text(300).optional(),
});
export const DualRegistrationOut = z.object({
  id: z.string(),
  orgId: z.string(),
  communityName: z.string(),
  name: z.string(),
  workUnit: z.string(),
  allianceUnitId: z.string().nullable(),
  partyOrgName: z.string().nullable(),
  skills: z.string().nullable(),
  status: z.enum(DUAL_STATES),
  requestedAt: z.string(),
  decidedAt: z.string().nullable(),
  note: z.string().nullable(),
  posts: z.array(z.object({ id: z.string(), name: z.string() })),
  confirmedMinutes: z.number().int(),
  loggedMinutes: z.number().int(),
});
export const DualRegistrationList = z.object({ items: z.array(DualRegistrationOut) });
export const DualListQuery = z.strictObject({ status: z.enum(DUAL_STATES).optional() });
export const DecideBody = z.strictObject({
  isConfirmed: z.boolean(),
  note: Text(200).optional(),
});
export const PostsBody = z.strictObject({ postIds: z.array(Id).max(20) });
export const PostBody = z.strictObject({ name: Text(100), description: Text(500).optional() });
export const PostOut = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  isActive: z.boolean(),
});
export const PostList = z.object({ items: z.array(PostOut) });
export const OpeningBody = z.strictObject({ title: Text(100), helpWanted: Text(500) });
export const OpeningCreated = z.object({ id: z.string() });
export const OpeningList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      helpWanted: z.string(),
      communityName: z.string(),
      openedAt: z.string(),
      isMine: z.boolean(),
      claimedAt: z.string().nullable(),
    }),
  ),
});
export const OpeningClaimed = z.object({ id: z.string(), isMine: z.boolean(), claimedAt: z.string() });
export const HoursBody = z.strictObject({
  registrationId: Id,
  sourceKind: z.enum(['post', 'case']),
  sourceId: Id.describe('the post she picked, or the opened case she claimed'),
  servedOn: Day,
  minutes: z.number().int().min(1).max(1440),
  note: Text(300).optional(),
});
export const HoursLogged = z.object({ id: z.string(), status: z.enum(HOURS_STATES) });
export const HoursQuery = z.strictObject({ status: z.enum(HOURS_STATES).default('logged') });
export const HoursList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      sourceKind: z.string(),
      servedOn: z.string(),
      minutes: z.number().int(),
      note: z.string().nullable(),
      status: z.enum(HOURS_STATES),
      createdAt: z.string(),
    }),
  ),
});
export const HoursDecideBody = z.strictObject({ isConfirmed: z.boolean() });

// ---- 党建联盟 ----
export const AllianceBody = z.strictObject({ orgId: Id, name: Text(100) });
export const AllianceOut = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  name: z.string(),
  canManage: z.boolean(),
  units: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.enum(UNIT_KINDS),
      contactName: z.string().nullable(),
      isActive: z.boolean(),
      joinedAt: z.string(),
    }),
  ),
  council: z.array(z.object({ id: z.string(), unitId: z.string(), name: z.string(), post: z.string() })),
});
export const AllianceList = z.object({ items: z.array(AllianceOut) });
export const UnitBody = z.strictObject({
  name: Text(100),
  kind: z.enum(UNIT_KINDS),
  contactName: Text(50).optional(),
});
export const CouncilBody = z.strictObject({ unitId: Id, name: Text(100), post: Text(50) });
export const NeedBody = z.strictObject({ title: Text(100), description: Text(1000).optional() });
export const ResourceBody = z.strictObject({
  unitId: Id,
  title: Text(100),
  description: Text(1000).optional(),
});
export const ProjectBody = z.strictObject({
  title: Text(100),
  description: Text(1000).optional(),
  ownerUnitId: Id,
  needId: Id.optional(),
  resourceId: Id.optional(),
  milestones: z
    .array(z.strictObject({ title: Text(100), dueOn: Day.optional() }))
    .max(20)
    .default([]),
});
export const Created = z.object({ id: z.string() });
export const ProjectStatusBody = z.strictObject({ status: z.enum(PROJECT_STATES), version: z.number().int() });
export const ProjectStatusOut = z.object({ id: z.string(), status: z.enum(PROJECT_STATES), version: z.number().int() });
export const MilestoneDone = z.object({ id: z.string(), doneAt: z.string() });
export const AllianceLists = z.object({
  allianceId: z.string(),
  needs: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      description: z.string().nullable(),
      status: z.enum(NEED_STATES),
      createdAt: z.string(),
    }),
  ),
  resources: z.array(
    z.object({
      id: z.string(),
      unitId: z.string(),
      unitName: z.string(),
      title: z.string(),
      description: z.string().nullable(),
      status: z.enum(RESOURCE_STATES),
      createdAt: z.string(),
    }),
  ),
  projects: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      description: z.string().nullable(),
      ownerUnitId: z.string().nullable(),
      ownerName: z.string(),
      needId: z.string().nullable(),
      resourceId: z.string().nullable(),
      status: z.enum(PROJECT_STATES),
      version: z.number().int(),
      createdAt: z.string(),
      doneAt: z.string().nullable(),
      milestones: z.array(
        z.object({ id: z.string(), title: z.string(), dueOn: z.string().nullable(), doneAt: z.string().nullable() }),
      ),
    }),
  ),
});
