import { type Actor, hasPermission, scopeRoots } from '../../platform/access/scope.ts';
import type { Permission } from '../../platform/access/roles.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { listCaseQueue } from '../cases/queries.ts';
import { listHouseholdChanges } from '../fieldwork/changes.ts';
import { listOverdueHouseholds } from '../fieldwork/coverage.ts';
import { listMoveRequests } from '../registry/move-requests.ts';
import { listBindingsInScope } from '../residents/bindings.ts';
import { listOpenTaskTargets, type OpenTargetKind } from '../tasks/to-do.ts';
import {
  WORKBENCH_ITEM_LIMIT as LIMIT,
  type Workbench,
  type WorkbenchItem,
  type WorkbenchSection,
  type WorkbenchSectionKey,
} from './schema.ts';

const item = (fields: Pick<WorkbenchItem, 'id' | 'title'> & Partial<WorkbenchItem>): WorkbenchItem => ({
  detail: null,
  at: null,
  orgId: null,
  tag: null,
  ...fields,
});

/** A case queue's count and first items, through the cases module's own queue query. */
async function caseSection(
  deps: AppDeps,
  actor: Actor,
  key: WorkbenchSectionKey,
  queue: 'unit' | 'due_soon' | 'overdue',
): Promise<WorkbenchSection> {
  const page = await listCaseQueue(deps, actor, {
    queue,
    ...(queue === 'unit' ? { status: 'submitted' as const } : {}),
    pageSize: LIMIT,
  });
  return {
    key,
    count: page.total,
    isCountCapped: page.isTotalCapped,
    items: page.items.map((c) =>
      item({
        id: c.id,
        title: c.dutyName === null ? c.number : `${c.number} ${c.dutyName}`,
        detail: c.description,
        at: queue === 'unit' ? c.acceptDueAt : c.resolveDueAt,
        orgId: c.handlerOrgId,
      }),
    ),
  };
}

/** Household changes waiting under each unit where she applies them (the changes page's list, summed). */
async function changesSection(deps: AppDeps, actor: Actor): Promise<WorkbenchSection> {
  const roots = scopeRoots(actor, 'household.change.apply');
  const units = roots.flatMap((root) => actor.assignments.find((a) => a.orgPath === root)?.orgId ?? []);
  const lists = await Promise.all(
    units.map((orgId) => listHouseholdChanges(deps, actor, orgId, { page: 1, pageSize: LIMIT })),
  );
  const items = lists
    .flatMap((l) => l.items)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .slice(0, LIMIT);
  return {
    key: 'household_changes',
    count: lists.reduce((n, l) => n + l.total, 0),
    isCountCapped: false,
    items: items.map((c) =>
      item({
        id: c.id,
        title: c.residentName === null ? c.address : `${c.residentName} · ${c.address}`,
        detail: c.proposedBy.name,
        at: c.createdAt,
        tag: c.field,
      }),
    ),
  };
}

async function overdueVisitsSection(deps: AppDeps, actor: Actor): Promise<WorkbenchSection> {
  const { total, items } = await listOverdueHouseholds(deps, actor, LIMIT);
  return {
    key: 'visits_overdue',
    count: total,
    isCountCapped: false,
    items: items.map((h) => item({ id: h.id, title: h.address, at: h.next_due_at, orgId: h.org_id })),
  };
}

async function taskSection(
  deps: AppDeps,
  actor: Actor,
  key: WorkbenchSectionKey,
  kind: OpenTargetKind,
): Promise<WorkbenchSection> {
  const { total, items } = await listOpenTaskTargets(deps, actor, kind, LIMIT);
  return {
    key,
    count: total,
    isCountCapped: false,
    items: items.map((t) =>
      item({
        id: t.task_id,
        title: t.title,
        detail: kind === 'to_answer' ? t.org_name : `${t.org_name}：${t.reason_zh ?? ''}`,
        at: kind === 'to_answer' ? t.due_at : t.created_at,
        orgId: t.org_id,
      }),
    ),
  };
}

/** Pending 迁入申请 asking her community for one of its residents (the move-requests page's incoming list). */
async function moveRequestsSection(deps: AppDeps, actor: Actor): Promise<WorkbenchSection> {
  const { items } = await listMoveRequests(deps, actor, { direction: 'incoming', status: 'pending' });
  return {
    key: 'move_requests',
    count: items.length,
    // listMoveRequests answers at most 200
    isCountCapped: items.length >= 200,
    items: items.slice(0, LIMIT).map((r) =>
      item({
        id: r.id,
        title: r.resident?.name ?? r.toAddress,
        detail: `${r.toOrgName} ${r.toAddress}`,
        at: r.createdAt,
      }),
    ),
  };
}

/** Residents of her scope asking to be bound to their household (the binding requests page's list). */
async function bindingRequestsSection(deps: AppDeps, actor: Actor): Promise<WorkbenchSection> {
  const { items } = await listBindingsInScope(deps, actor, { status: 'pending', limit: 200 });
  return {
    key: 'resident_bindings',
    count: items.length,
    // the list answers at most 200
    isCountCapped: items.length >= 200,
    items: items
      .slice(0, LIMIT)
      .map((r) => item({ id: r.id, title: r.residentName, detail: `${r.orgName} ${r.address}`, at: r.createdAt })),
  };
}

/** Each section, the permission that shows it, and how it is read. */
const SECTIONS: {
  key: WorkbenchSectionKey;
  permission: Permission;
  read: (deps: AppDeps, actor: Actor) => Promise<WorkbenchSection>;
}[] = [
  { key: 'cases_to_accept', permission: 'case.handle', read: (d, a) => caseSection(d, a, 'cases_to_accept', 'unit') },
  { key: 'cases_due_soon', permission: 'case.handle', read: (d, a) => caseSection(d, a, 'cases_due_soon', 'due_soon') },
  { key: 'cases_overdue', permission: 'case.handle', read: (d, a) => caseSection(d, a, 'cases_overdue', 'overdue') },
  { key: 'household_changes', permission: 'household.change.apply', read: changesSection },
  { key: 'visits_overdue', permission: 'visit.read', read: overdueVisitsSection },
  {
    key: 'tasks_to_answer',
    permission: 'task.read',
    read: (d, a) => taskSection(d, a, 'tasks_to_answer', 'to_answer'),
  },
  {
    key: 'refusals_to_review',
    permission: 'task.review',
    read: (d, a) => taskSection(d, a, 'refusals_to_review', 'to_review'),
  },
  { key: 'refusals_sent', permission: 'task.send', read: (d, a) => taskSection(d, a, 'refusals_sent', 'refused_sent') },
  { key: 'move_requests', permission: 'resident.write', read: moveRequestsSection },
  { key: 'resident_bindings', permission: 'resident.write', read: bindingRequestsSection },
];

/**
 * 工作台: the caller's to-do list — a section per permission she holds, each a count and its first items,
 * read through the owning module's own query (and so its scope), the sections concurrently.
 */
export async function getWorkbench(deps: AppDeps, actor: Actor): Promise<Workbench> {
  const shown = SECTIONS.filter((s) => hasPermission(actor, s.permission));
  return { sections: await Promise.all(shown.map((s) => s.read(deps, actor))) };
}
