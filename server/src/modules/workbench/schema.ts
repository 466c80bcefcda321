import { z } from 'zod';

/** The workbench's sections, each the to-do list of one existing page. */
export const WORKBENCH_SECTIONS = [
  'cases_to_accept',
  'cases_due_soon',
  'cases_overdue',
  'household_changes',
  'visits_overdue',
  'tasks_to_answer',
  'refusals_to_review',
  'refusals_sent',
  'move_requests',
  'resident_bindings',
] as const;
export type WorkbenchSectionKey = (typeof WORKBENCH_SECTIONS)[number];

/** How many items each section lists (its count covers them all). */
export const WORKBENCH_ITEM_LIMIT = 5;

export const WorkbenchItem = z.object({
  /** the object the item opens: a case, household change, household, task or move request */
  id: z.string(),
  title: z.string(),
  detail: z.string().nullable(),
  /** the moment the item is about: a deadline, when it was due, or when it was asked */
  at: z.string().nullable(),
  /** the unit the item lies in (a household's grid, a task's community), when the page needs it */
  orgId: z.string().nullable(),
  /** a code the console names in its own words (a household change's field) */
  tag: z.string().nullable(),
});
export type WorkbenchItem = z.infer<typeof WorkbenchItem>;

export const WorkbenchSection = z.object({
  key: z.enum(WORKBENCH_SECTIONS),
  count: z.number().int(),
  /** the count stopped at the existing page's cap (cases 10,000, move requests 200) */
  isCountCapped: z.boolean(),
  items: z.array(WorkbenchItem),
});
export type WorkbenchSection = z.infer<typeof WorkbenchSection>;

export const Workbench = z.object({
  /** only the sections the caller holds the permission for, in a fixed order */
  sections: z.array(WorkbenchSection),
});
export type Workbench = z.infer<typeof Workbench>;
