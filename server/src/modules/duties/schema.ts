import { z } from 'zod';
import { DEPARTMENT_KINDS, type DepartmentKind } from './default-items.ts';

export const DUTY_KINDS = ['community', 'assist', 'department', 'street'] as const;
export const DUTY_KIND_NAMES: Record<(typeof DUTY_KINDS)[number], { zh: string; en: string }> = {
  community: { zh: '社区依法履职', en: "Community's statutory duty" },
  assist: { zh: '社区协助', en: 'Community assists a department' },
  department: { zh: '部门职责', en: "Department's own" },
  street: { zh: '街道职责', en: "Street's" },
};
export const DEPARTMENT_KIND_CODES = Object.keys(DEPARTMENT_KINDS) as [DepartmentKind, ...DepartmentKind[]];

const Hours = z.number().positive().max(8760);

const DutyItemFields = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^[A-Z]{1,6}-\d{1,4}$/, { message: 'Use letters, a dash and digits, e.g. HJ-001' }),
  category: z.tuple([z.string().trim().min(1).max(20), z.string().trim().min(1).max(20)]),
  name: z.string().trim().min(2).max(60),
  kind: z.enum(DUTY_KINDS),
  department: z.enum(DEPARTMENT_KIND_CODES).nullable(),
  acceptHours: Hours,
  resolveHours: Hours,
  urgentAcceptHours: Hours,
  urgentResolveHours: Hours,
  legalBasis: z.string().trim().max(500).default(''),
  description: z.string().trim().max(500).default(''),
  keywords: z.array(z.string().trim().min(1).max(20)).max(30).default([]),
  isPublic: z.boolean(),
});

/** Rules across fields, named by the field that breaks them. */
function checkDutyRules(item: Partial<z.infer<typeof DutyItemFields>>, ctx: z.RefinementCtx): void {
  const needsDepartment = item.kind === 'assist' || item.kind === 'department';
  if (item.kind !== undefined && needsDepartment && (item.department === null || item.department === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['department'],
      message: 'An assist or department item names its department',
      params: { zh: '协助事项和部门事项须指定责任部门' },
    });
  }
  if (item.kind !== undefined && !needsDepartment && item.department !== null && item.department !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['department'],
      message: 'A community or street item names no department',
      params: { zh: '社区或街道事项不指定责任部门' },
    });
  }
  const pairs = [
    ['urgentAcceptHours', item.urgentAcceptHours, item.acceptHours],
    ['urgentResolveHours', item.urgentResolveHours, item.resolveHours],
    ['acceptHours', item.acceptHours, item.resolveHours],
  ] as const;
  for (const [field, shorter, longer] of pairs) {
    if (shorter !== undefined && longer !== undefined && shorter > longer) {
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message:
          field === 'acceptHours'
            ? 'The time to accept cannot exceed the time to resolve'
            : 'An urgent deadline cannot be longer than the normal one',
        params: { zh: field === 'acceptHours' ? '签收时限不能长于办结时限' : '紧急时限不能长于普通时限' },
      });
    }
  }
}

export const DutyItemCreateBody = DutyItemFields.superRefine(checkDutyRules);
export type DutyItemCreateBody = z.infer<typeof DutyItemCreateBody>;

export const DutyItemUpdateBody = DutyItemFields.omit({ code: true })
  .partial()
  .extend({ revision: z.number().int().min(1).describe('the revision the edit is based on') })
  .superRefine(checkDutyRules);
export type DutyItemUpdateBody = z.infer<typeof DutyItemUpdateBody>;

export const DutyItemOut = z.object({
  id: z.string().describe('this revision'),
  code: z.string(),
  revision: z.number().int(),
  listVersion: z.number().int(),
  category: z.tuple([z.string(), z.string()]),
  name: z.string(),
  kind: z.enum(DUTY_KINDS),
  department: z.enum(DEPARTMENT_KIND_CODES).nullable(),
  departmentName: z.string().nullable(),
  acceptHours: z.number(),
  resolveHours: z.number(),
  urgentAcceptHours: z.number(),
  urgentResolveHours: z.number(),
  legalBasis: z.string(),
  description: z.string(),
  keywords: z.array(z.string()),
  isPublic: z.boolean(),
  isRetired: z.boolean(),
  createdAt: z.string(),
});
export type DutyItemOut = z.infer<typeof DutyItemOut>;

export const DutyListQuery = z.strictObject({
  q: z.string().trim().max(40).optional(),
  kind: z.enum(DUTY_KINDS).optional(),
  isPublic: z.enum(['true', 'false']).optional(),
  includeRetired: z.enum(['true', 'false']).optional(),
});
export type DutyListQuery = z.infer<typeof DutyListQuery>;

export const DutyList = z.object({ listVersion: z.number().int(), items: z.array(DutyItemOut) });
export const DutyCodeParams = z.strictObject({ code: z.string().regex(/^[A-Z]{1,6}-\d{1,4}$/) });
export const DutyRevisions = z.object({ items: z.array(DutyItemOut) });

export const PublicDutyItem = z.object({
  code: z.string(),
  category: z.tuple([z.string(), z.string()]),
  name: z.string(),
  description: z.string(),
  keywords: z.array(z.string()),
});
export const PublicDutyList = z.object({ items: z.array(PublicDutyItem) });

export const DutyImportResult = z.object({
  created: z.number().int(),
  revised: z.number().int(),
  unchanged: z.number().int(),
  listVersion: z.number().int(),
});
