import { z } from 'zod';
import { CASE_STATUSES } from '../cases/states.ts';
import { DUTY_KINDS } from '../duties/schema.ts';

/** Fewer cases of an item than this in a month, and the page shows no breakdown for it ("other"). */
export const MIN_ITEM_CASES = 5;

/** How long a community's page is kept in process and in caches, in seconds. */
export const PAGE_MAX_AGE_SECONDS = 60;

const Label = z.object({ zh: z.string(), en: z.string() });

export const CommunityCode = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^\d{12}$/, { message: 'A community code is 12 digits' }),
});
export type CommunityCode = z.infer<typeof CommunityCode>;

export const CommunityListQuery = z.strictObject({
  /** part of a name or code */
  q: z.string().trim().max(40).optional(),
});
export type CommunityListQuery = z.infer<typeof CommunityListQuery>;

export const PublicCommunity = z.object({
  code: z.string(),
  name: z.string(),
  street: z.string().nullable(),
  district: z.string().nullable(),
});
export type PublicCommunity = z.infer<typeof PublicCommunity>;

export const CommunityList = z.object({
  /** busiest first this month (the counters' cases received), then by code */
  communities: z.array(PublicCommunity.extend({ casesThisMonth: z.number().int() })),
  /** more communities match than were listed: narrow the search */
  hasMore: z.boolean(),
});

const Rate = z.object({
  key: z.enum(['response', 'resolution', 'satisfaction']),
  label: Label,
  /** 0–1, rounded to 0.001 (platform/ratio.ts); null when nothing was counted */
  value: z.number().nullable(),
  numerator: z.number().int(),
  denominator: z.number().int(),
  /** what is divided by what, in words */
  definition: Label,
});

export const CommunityPage = z.object({
  community: PublicCommunity,
  /** the Shanghai month the figures count, 'YYYY-MM' */
  month: z.string(),
  asOf: z.string(),
  /** cases received this month (merged duplicates are not received) */
  total: z.number().int(),
  byState: z.array(z.object({ state: z.enum(CASE_STATUSES), label: Label, count: z.number().int() })),
  /** items with at least MIN_ITEM_CASES cases whose item may be named in public */
  byItem: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      count: z.number().int(),
      isPlaced: z.boolean(),
      byState: z.array(z.object({ state: z.enum(CASE_STATUSES), count: z.number().int() })),
    }),
  ),
  /** every other case received: items under the threshold and items that expose a person */
  other: z.number().int(),
  minItemCases: z.number().int(),
  /** cases of the listed placed items, at points rounded to about 100 m, with how many lie there */
  points: z.array(
    z.object({ lng: z.number(), lat: z.number(), code: z.string(), state: z.enum(CASE_STATUSES), count: z.number() }),
  ),
  rates: z.object({
    received: z.number().int(),
    acceptedOnTime: z.number().int(),
    closed: z.number().int(),
    solved: z.number().int(),
    rated: z.number().int(),
    satisfied: z.number().int(),
    responseRate: z.number().nullable(),
    resolutionRate: z.number().nullable(),
    satisfactionRate: z.number().nullable(),
    explained: z.array(Rate),
  }),
  /** the community's outline and its grids' (GeoJSON geometry), for the map */
  map: z.object({
    outline: z.unknown().nullable(),
    grids: z.array(z.object({ name: z.string(), outline: z.unknown().nullable() })),
  }),
  duties: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      category: z.tuple([z.string(), z.string()]),
      kind: z.enum(DUTY_KINDS),
      kindLabel: Label,
      /** the unit that handles a case of it from this community */
      handler: z.string(),
      /** the department a community assists, for `assist` items */
      assists: z.string().nullable(),
      acceptHours: z.number(),
      resolveHours: z.number(),
      urgentAcceptHours: z.number(),
      urgentResolveHours: z.number(),
    }),
  ),
});
export type CommunityPage = z.infer<typeof CommunityPage>;
