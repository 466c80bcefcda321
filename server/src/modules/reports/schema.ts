import { z } from 'zod';

export const Month = z.string().regex(/^20\d\d-(0[1-9]|1[0-2])$/, { message: 'Use a month such as 2026-10' });
const Label = z.string().trim().min(1).max(100);
const ColumnKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, { message: 'Use lower-case letters, digits and _ (starting with a letter)' });

export const MetricFilter = z.strictObject({
  ageMin: z.number().int().min(0).max(150).optional(),
  ageMax: z.number().int().min(0).max(150).optional(),
  gender: z.enum(['male', 'female']).optional(),
  residenceType: z.enum(['registered', 'permanent', 'floating']).optional(),
  careTag: z.string().trim().min(1).max(60).optional(),
  dutyItemCode: z.string().trim().min(1).max(20).optional(),
  period: z.enum(['report', 'year_to_date', 'all']).optional(),
});
export type MetricFilter = z.infer<typeof MetricFilter>;

export const RosterFilter = z.strictObject({
  ...MetricFilter.shape,
  status: z.enum(['living', 'moved_out', 'deceased']).optional(),
  /** personal-number filters: only for holders of pii.reveal (others get 400 forbidden_field) */
  idNumberPrefix: z
    .string()
    .regex(/^\d{2,17}$/)
    .optional(),
  phonePrefix: z
    .string()
    .regex(/^\d{3,10}$/)
    .optional(),
});
export type RosterFilter = z.infer<typeof RosterFilter>;

export const ROSTER_FIELDS = [
  'name',
  'gender',
  'age',
  'birthDate',
  'address',
  'orgName',
  'residenceType',
  'careTags',
  'relation',
  'ethnicity',
  'phone',
  'idNumber',
] as const;
export type RosterField = (typeof ROSTER_FIELDS)[number];

const MetricColumn = z.strictObject({
  key: ColumnKey,
  label: Label,
  metric: z.string().min(1).max(60),
  filter: MetricFilter.optional(),
});
const DerivedColumn = z.strictObject({
  key: ColumnKey,
  label: Label,
  derived: z.strictObject({
    op: z.enum(['sum', 'difference', 'ratio', 'percent']),
    args: z.array(ColumnKey).min(1).max(20),
  }),
});
const ManualColumn = z.strictObject({ key: ColumnKey, label: Label, manual: z.literal(true) });
export const TemplateColumn = z.union([MetricColumn, DerivedColumn, ManualColumn]);
export type TemplateColumn = z.infer<typeof TemplateColumn>;

const Common = { name: z.string().trim().min(1).max(100), title: z.string().trim().min(1).max(200) };

export const UnitsTemplate = z.strictObject({
  ...Common,
  rowKind: z.literal('units'),
  rowLevel: z.enum(['county', 'street', 'community', 'grid']),
  headerGroups: z
    .array(z.strictObject({ label: Label, from: ColumnKey, to: ColumnKey }))
    .max(20)
    .optional(),
  columns: z.array(TemplateColumn).min(1).max(60),
});
export type UnitsTemplate = z.infer<typeof UnitsTemplate>;

export const RosterTemplate = z.strictObject({
  ...Common,
  rowKind: z.literal('roster'),
  filter: RosterFilter,
  fields: z.array(z.enum(ROSTER_FIELDS)).min(1).max(ROSTER_FIELDS.length),
});
export type RosterTemplate = z.infer<typeof RosterTemplate>;

export const TemplateInput = z.discriminatedUnion('rowKind', [UnitsTemplate, RosterTemplate]);
export type TemplateInput = z.infer<typeof TemplateInput>;

export const IdParams = z.strictObject({ id: z.uuid() });
export const TemplateCopyBody = z.strictObject({ name: z.string().trim().min(1).max(100).optional() });

export const TemplateSaved = z.object({ id: z.string(), version: z.number() });
export const TemplateSummary = z.object({
  id: z.string(),
  name: z.string(),
  title: z.string(),
  version: z.number(),
  rowKind: z.enum(['units', 'roster']),
  rowLevel: z.string().nullable(),
  columnCount: z.number(),
  /** the unit that made it; only it may change the template, others may copy it */
  ownerOrgId: z.string().nullable(),
  /** null when that unit lies outside the caller's scope (its name is not hers to see) */
  ownerName: z.string().nullable(),
  isOwned: z.boolean(),
  updatedAt: z.string(),
});
export const TemplateList = z.object({ items: z.array(TemplateSummary) });
export const TemplateDetail = z.looseObject({
  id: z.string(),
  version: z.number(),
  ownerOrgId: z.string().nullable(),
  ownerName: z.string().nullable(),
  isOwned: z.boolean(),
  updatedAt: z.string(),
  versions: z.array(z.object({ version: z.number(), createdAt: z.string(), createdBy: z.string().nullable() })),
});

export const MetricList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      label_zh: z.string(),
      label_en: z.string(),
      source: z.enum([
        'registry',
        'cases',
        'visits',
        'venues',
        'canteen',
        'volunteering',
        'councils',
        'funds',
        'notices',
      ]),
      unit_zh: z.string(),
      filters: z.array(z.string()),
      isRatio: z.boolean(),
    }),
  ),
});

export const GenerateBody = z.strictObject({
  templateId: z.uuid(),
  orgId: z.uuid(),
  period: Month,
  reveal: z.strictObject({ reason: z.string().trim().min(2).max(500) }).optional(),
});
export type GenerateBody = z.infer<typeof GenerateBody>;

const Cell = z.union([z.string(), z.number(), z.null()]);
export const ReportSummary = z.object({
  id: z.string(),
  templateId: z.string(),
  templateName: z.string(),
  templateVersion: z.number(),
  orgId: z.string(),
  orgName: z.string(),
  period: z.string(),
  rows: z.number(),
  columns: z.number(),
  filledCells: z.number(),
  typedCells: z.number(),
  isUnmasked: z.boolean(),
  taskId: z.string().nullable(),
  downloadUrl: z.string(),
  createdAt: z.string(),
});
export const ReportDetail = ReportSummary.extend({
  preview: z.object({ header: z.array(z.string()), rows: z.array(z.array(Cell)), totals: z.array(Cell) }),
});
export const ReportListQuery = z.strictObject({
  orgId: z.uuid().optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export const ReportList = z.object({ items: z.array(ReportSummary), total: z.number() });
