import { z } from 'zod';
import { ETHNICITIES, RELATIONS, RESIDENCE_TYPES, STATUSES } from './vocabulary.ts';

const DateString = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Use YYYY-MM-DD' });
const Name = z.string().trim().min(1).max(40);

export const IdParams = z.strictObject({ id: z.uuid() });

export const CareTagOut = z.object({ code: z.string(), name: z.string(), isDerived: z.boolean() });
export const CareTagListItem = CareTagOut.extend({
  isBuiltin: z.boolean(),
  orgId: z.string().nullable().describe('the unit that made a custom tag; null: built-in, usable everywhere'),
  orgName: z.string().nullable(),
});
export const CareTagList = z.object({ items: z.array(CareTagListItem) });
export const CareTagListQuery = z.strictObject({
  orgId: z.uuid().optional().describe('the tags usable at this unit; default: where the caller works'),
});
export const CareTagCreateBody = z.strictObject({
  name: z.string().trim().min(2).max(20),
  orgId: z.uuid().optional().describe('the unit the tag belongs to; default: the caller’s one unit'),
});

export const ResidentFields = {
  name: Name,
  idNumber: z.string().trim().max(30).optional(),
  noIdReason: z.string().trim().min(2).max(100).optional(),
  gender: z.enum(['male', 'female']).optional(),
  birthDate: DateString.optional(),
  phone: z.string().trim().max(20).optional(),
  ethnicity: z.enum(ETHNICITIES).default('汉族'),
  relation: z.enum(RELATIONS),
  residenceType: z.enum(RESIDENCE_TYPES),
  status: z.enum(STATUSES).default('living'),
  statusDate: DateString.optional(),
  careTags: z
    .array(z.string().max(20))
    .max(20)
    .default([])
    .describe('care tags by code or name; 党员 here declares her a party member (a membership, not a care tag)'),
  isPartyMember: z
    .boolean()
    .optional()
    .describe('党员 (the registry form’s switch): a membership with her place’s party organisation, not a care tag'),
  notes: z.string().max(500).optional(),
};

export const ResidentCreateBody = z.strictObject({ householdId: z.uuid(), ...ResidentFields });
export type ResidentCreateBody = z.infer<typeof ResidentCreateBody>;

export const ResidentUpdateBody = z.strictObject({
  version: z.number().int().min(1),
  name: Name.optional(),
  idNumber: z.string().trim().max(30).nullable().optional(),
  noIdReason: z.string().trim().min(2).max(100).nullable().optional(),
  gender: z.enum(['male', 'female']).optional(),
  birthDate: DateString.optional(),
  phone: z.string().trim().max(20).nullable().optional(),
  ethnicity: z.enum(ETHNICITIES).optional(),
  relation: z.enum(RELATIONS).optional(),
  residenceType: z.enum(RESIDENCE_TYPES).optional(),
  status: z.enum(STATUSES).optional(),
  statusDate: DateString.nullable().optional(),
  careTags: z.array(z.string().max(20)).max(20).optional(),
  isPartyMember: z
    .boolean()
    .optional()
    .describe(
      '党员: true enrols her (or makes her a candidate); false withdraws a candidacy — a membership ends on the party page',
    ),
  notes: z.string().max(500).nullable().optional(),
});
export type ResidentUpdateBody = z.infer<typeof ResidentUpdateBody>;

export const ResidentOut = z.object({
  id: z.string(),
  householdId: z.string(),
  address: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  name: z.string(),
  idNumber: z.string().nullable().describe('masked: region and birth year, 6201021990********'),
  noIdReason: z.string().nullable(),
  gender: z.enum(['male', 'female']),
  birthDate: z
    .string()
    .nullable()
    .describe('null unless the caller may reveal personal numbers here (then birthYear and age only)'),
  birthYear: z.number().int(),
  age: z.number().int(),
  phone: z.string().nullable().describe('masked: 138****5678'),
  ethnicity: z.string(),
  relation: z.string(),
  residenceType: z.enum(RESIDENCE_TYPES),
  status: z.enum(STATUSES),
  statusDate: z.string().nullable(),
  careTags: z.array(CareTagOut).describe('关爱对象 tags; the registry’s 党员 is not one of them'),
  isPartyMember: z
    .boolean()
    .describe('党员: a member of a party organisation, or declared 党员 and offered to one (not a care tag)'),
  notes: z.string().nullable(),
  version: z.number().int(),
  updatedAt: z.string(),
});
export type ResidentOut = z.infer<typeof ResidentOut>;

export const ResidentSearchBody = z.strictObject({
  orgId: z.uuid().optional(),
  q: z.string().trim().min(1).max(40).optional().describe('name contains, or pinyin initials (zs → 张三)'),
  idNumber: z.string().trim().max(30).optional().describe('exact, through the blind index'),
  phone: z.string().trim().max(20).optional().describe('exact, through the blind index'),
  address: z.string().trim().min(1).max(60).optional(),
  careTag: z.string().max(20).optional(),
  ageMin: z.number().int().min(0).max(150).optional(),
  ageMax: z.number().int().min(0).max(150).optional(),
  residenceType: z.enum(RESIDENCE_TYPES).optional(),
  status: z.enum([...STATUSES, 'any']).default('living'),
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
});
export type ResidentSearchBody = z.infer<typeof ResidentSearchBody>;

export const ResidentPage = z.object({
  items: z.array(ResidentOut),
  total: z
    .number()
    .int()
    .describe('matches, counted up to 1,000 (or to the end of this page, if further); exact when isTotalExact'),
  isTotalExact: z.boolean().describe('false when there are more matches than total ("1,000+")'),
  hasMore: z.boolean().describe('whether a next page has rows'),
});

export const RevealBody = z.strictObject({
  field: z.enum(['idNumber', 'phone']),
  reason: z.string().trim().min(2).max(200),
});
export const Revealed = z.object({ field: z.enum(['idNumber', 'phone']), value: z.string().nullable() });

export const DeidentifyBody = z.strictObject({
  reason: z.string().trim().min(2).max(200).describe('who asked, and why (PIPL art. 47)'),
  version: z.number().int().min(1),
});

export const MoveBody = z.strictObject({ householdId: z.uuid(), version: z.number().int().min(1) });

export const ResidentChangeOut = z.object({
  at: z.string(),
  actorName: z.string().nullable(),
  kind: z.string(),
  field: z.string().nullable(),
  oldValue: z.string().nullable(),
  newValue: z.string().nullable(),
});
export const ResidentHistory = z.object({ items: z.array(ResidentChangeOut) });

export const HouseholdCreateBody = z.strictObject({
  orgId: z.uuid().describe('a grid, or a community whose grid is found from the coordinates'),
  address: z.string().trim().min(2).max(120),
  buildingName: z.string().trim().min(1).max(40).optional(),
  unitNo: z.string().trim().max(10).optional(),
  roomNo: z.string().trim().max(10).optional(),
  lng: z.number().min(73).max(136).optional(),
  lat: z.number().min(3).max(54).optional(),
});
export type HouseholdCreateBody = z.infer<typeof HouseholdCreateBody>;

export const HouseholdUpdateBody = z.strictObject({
  version: z.number().int().min(1),
  address: z.string().trim().min(2).max(120).optional(),
  unitNo: z.string().trim().max(10).nullable().optional(),
  roomNo: z.string().trim().max(10).nullable().optional(),
  orgId: z.uuid().optional(),
});
export type HouseholdUpdateBody = z.infer<typeof HouseholdUpdateBody>;

export const HouseholdOut = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  address: z.string(),
  buildingName: z.string().nullable(),
  unitNo: z.string().nullable(),
  roomNo: z.string().nullable(),
  lng: z.number().nullable(),
  lat: z.number().nullable(),
  memberCount: z.number().int(),
  headName: z.string().nullable(),
  version: z.number().int(),
  updatedAt: z.string(),
});
export type HouseholdOut = z.infer<typeof HouseholdOut>;

export const HouseholdListQuery = z.strictObject({
  orgId: z.uuid().optional(),
  q: z.string().trim().min(1).max(60).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export const HouseholdPage = z.object({ items: z.array(HouseholdOut), total: z.number().int() });
export const HouseholdDetail = HouseholdOut.extend({
  members: z.array(ResidentOut),
  history: z.array(ResidentChangeOut.extend({ residentName: z.string() })),
});

export const MoveRequestCreateBody = z.strictObject({
  idNumber: z.string().trim().max(30).describe('the number that was "registered elsewhere"; an exact look-up, limited'),
  householdId: z.uuid().describe('the household in the caller’s community she is to move to'),
  reason: z.string().trim().min(2).max(200).optional(),
});
export type MoveRequestCreateBody = z.infer<typeof MoveRequestCreateBody>;

export const MoveRequestListQuery = z.strictObject({
  direction: z.enum(['incoming', 'outgoing']).default('incoming'),
  status: z.enum(['pending', 'accepted', 'declined']).optional(),
});
export type MoveRequestListQuery = z.infer<typeof MoveRequestListQuery>;

export const MoveRequestDecisionBody = z.strictObject({ note: z.string().trim().min(1).max(200).optional() });

export const MoveRequestOut = z.object({
  id: z.string(),
  status: z.enum(['pending', 'accepted', 'declined']),
  reason: z.string().nullable(),
  toHouseholdId: z.string(),
  toAddress: z.string(),
  toOrgName: z.string(),
  requestedBy: z.string().nullable(),
  createdAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  resident: z
    .object({
      id: z.string(),
      name: z.string(),
      gender: z.enum(['male', 'female']),
      idNumber: z.string().nullable(),
      birthYear: z.number().int(),
      age: z.number().int(),
      address: z.string(),
    })
    .nullable()
    .describe('only for whoever may read her where she now is'),
});
export const MoveRequestList = z.object({ items: z.array(MoveRequestOut) });
