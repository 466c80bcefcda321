import { z } from 'zod';

export const ORG_LEVELS = [
  'nation',
  'province',
  'city',
  'county',
  'street',
  'community',
  'grid',
  'compound',
  'group',
  'department',
] as const;
/** Levels created below a community, by hand or from GeoJSON. */
export const SUB_LEVELS = ['grid', 'compound', 'group'] as const;

export const LEVEL_NAMES: Record<(typeof ORG_LEVELS)[number], { zh: string; en: string }> = {
  nation: { zh: '全国', en: 'Nation' },
  province: { zh: '省', en: 'Province' },
  city: { zh: '市', en: 'City' },
  county: { zh: '区县', en: 'County/district' },
  street: { zh: '街道/乡镇', en: 'Street/town' },
  community: { zh: '社区/村', en: 'Community/village' },
  grid: { zh: '网格', en: 'Grid' },
  compound: { zh: '小区', en: 'Compound' },
  group: { zh: '村民小组', en: 'Villager group' },
  department: { zh: '职能部门', en: 'Department' },
};

export const OrgIdParams = z.strictObject({ id: z.uuid() });
export const OrgCodeParams = z.strictObject({ code: z.string().regex(/^\d{2,15}$/) });

export const OrgUnit = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  level: z.enum(ORG_LEVELS),
  name: z.string(),
  fullName: z.string(),
  code: z.string().nullable(),
  hasChildren: z.boolean(),
  hasGeometry: z.boolean(),
});
export type OrgUnit = z.infer<typeof OrgUnit>;

export const OrgList = z.object({ items: z.array(OrgUnit) });

export const OrgSearchQuery = z.strictObject({
  q: z.string().trim().min(1).max(50),
  level: z.enum(ORG_LEVELS).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const OrgStats = z.object({
  counts: z.record(z.string(), z.number().int()),
  users: z.number().int(),
});

const Position = z.tuple([z.number(), z.number()]).or(z.tuple([z.number(), z.number(), z.number()]));
/** Shape only; closure, territory and self-intersection are checked by findGeometryProblem. */
export const AreaGeometryInput = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('Polygon'), coordinates: z.array(z.array(Position).max(20_000)).min(1).max(100) }),
  z.strictObject({
    type: z.literal('MultiPolygon'),
    coordinates: z
      .array(z.array(z.array(Position).max(20_000)).min(1).max(100))
      .min(1)
      .max(100),
  }),
]);

const UnitName = z.string().trim().min(1).max(60);

export const OrgCreateBody = z.strictObject({
  parentId: z.uuid(),
  level: z.enum(SUB_LEVELS),
  name: UnitName,
  geometry: AreaGeometryInput.optional(),
});
export type OrgCreateBody = z.infer<typeof OrgCreateBody>;

export const OrgUpdateBody = z.strictObject({
  name: UnitName.optional(),
  geometry: AreaGeometryInput.nullable().optional(),
});
export type OrgUpdateBody = z.infer<typeof OrgUpdateBody>;

export const OrgMap = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      properties: z.object({
        id: z.string(),
        name: z.string(),
        level: z.enum(ORG_LEVELS),
        code: z.string().nullable(),
      }),
      geometry: z.unknown(),
    }),
  ),
});

export const UnitsAtLevelQuery = z.strictObject({ level: z.enum(ORG_LEVELS) });
export const UnitsAtLevel = z.object({
  items: z.array(z.object({ id: z.string(), name: z.string(), code: z.string().nullable() })),
});
