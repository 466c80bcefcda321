import type { Me } from '../api/types';

/**
 * Where each user works: the console's sections and the permission that shows each (the console draws
 * them as its menu, with icons, in console/app/Shell.tsx), and who belongs on the phone instead. Both
 * apps decide with these where a user lands after sign-in.
 */

export type SectionGroup = 'home' | 'registry' | 'cases' | 'fieldwork' | 'insights' | 'system';

export interface Section {
  path: string;
  group: SectionGroup;
  /** a key of the console's dictionary */
  label: string;
  /** absent: shown to everyone signed in */
  permission?: string;
  /** hidden from holders of this permission (who have a fuller page for the same thing) */
  hiddenWith?: string;
}

/** The console's menu: each section and the permission that shows it; the first shown is where sign-in lands. */
export const SECTIONS = [
  // every staff role starts the day on her to-do list
  { path: '/workbench', group: 'home', label: 'nav.workbench' },
  { path: '/orgs', group: 'registry', label: 'nav.orgs', permission: 'org.read' },
  { path: '/cases', group: 'cases', label: 'nav.cases', permission: 'case.read' },
  { path: '/cases/rates', group: 'cases', label: 'nav.caseRates', permission: 'case.read' },
  { path: '/insights', group: 'insights', label: 'nav.insights', permission: 'insight.read' },
  { path: '/reports', group: 'insights', label: 'nav.reports', permission: 'report.generate' },
  { path: '/tasks', group: 'insights', label: 'nav.tasks', permission: 'task.read' },
  // departments send tasks but do not receive them
  { path: '/tasks', group: 'insights', label: 'nav.tasks', permission: 'task.send', hiddenWith: 'task.read' },
  { path: '/burden', group: 'insights', label: 'nav.burden', permission: 'insight.read' },
  { path: '/registry/households', group: 'registry', label: 'nav.households', permission: 'resident.read' },
  { path: '/registry/residents', group: 'registry', label: 'nav.residents', permission: 'resident.read' },
  { path: '/registry/imports', group: 'registry', label: 'nav.imports', permission: 'resident.import' },
  { path: '/registry/move-requests', group: 'registry', label: 'nav.moveRequests', permission: 'resident.write' },
  {
    path: '/registry/resident-bindings',
    group: 'registry',
    label: 'nav.residentBindings',
    permission: 'resident.write',
  },
  { path: '/registry/care-tags', group: 'registry', label: 'nav.careTags', permission: 'caretag.manage' },
  { path: '/fieldwork/coverage', group: 'fieldwork', label: 'nav.fieldworkCoverage', permission: 'visit.read' },
  { path: '/fieldwork/linkage', group: 'fieldwork', label: 'nav.fieldworkLinkage', permission: 'visit.read' },
  {
    path: '/fieldwork/changes',
    group: 'fieldwork',
    label: 'nav.fieldworkChanges',
    permission: 'household.change.apply',
  },
  { path: '/fieldwork/policies', group: 'fieldwork', label: 'nav.fieldworkPolicies', permission: 'visit.manage' },
  // 积分, 积分超市 and volunteering (issue 14)
  { path: '/points', group: 'fieldwork', label: 'nav.points', permission: 'points.manage' },
  { path: '/party', group: 'fieldwork', label: 'nav.party', permission: 'party.manage' },
  { path: '/funds', group: 'fieldwork', label: 'nav.funds', permission: 'fund.read' },
  // the two phone apps, listed in the console's menu for those who work at a desk too
  { path: '/m/field', group: 'fieldwork', label: 'nav.fieldworkPhone', permission: 'visit.record' },
  {
    path: '/m/households',
    group: 'fieldwork',
    label: 'nav.gridHouseholds',
    permission: 'resident.read',
    hiddenWith: 'resident.write',
  },
  { path: '/duties', group: 'cases', label: 'nav.duties' },
  { path: '/hotline', group: 'cases', label: 'nav.hotline', permission: 'case.intake' },
  // 说文解策 notices (issue 15): sent to households, read receipts, home visits for the unread, questions
  { path: '/notices', group: 'cases', label: 'nav.notices', permission: 'notice.send' },
  // 议事 councils (issue 15): topics, meetings, votes, decisions and their follow-up
  { path: '/councils', group: 'cases', label: 'nav.councils', permission: 'council.manage' },
  // 幸福食堂 (issue 13): menus, diners, sign-in, delivery, bills
  { path: '/canteen', group: 'fieldwork', label: 'nav.canteen', permission: 'canteen.read' },
  // 阵地与活动 (issue 13): the centre's rooms, bookings, door check-in, activities
  { path: '/venues', group: 'fieldwork', label: 'nav.venues', permission: 'venue.manage' },
  { path: '/users', group: 'system', label: 'nav.users', permission: 'user.read' },
  { path: '/audit', group: 'system', label: 'nav.audit', permission: 'audit.read' },
  { path: '/apikeys', group: 'system', label: 'nav.apikeys', permission: 'apikey.own' },
  { path: '/webhooks', group: 'system', label: 'nav.webhooks', permission: 'webhook.manage' },
] as const satisfies readonly Section[];

/** Whether a section belongs in the menu of a user with these permissions. */
export const isShown = (can: (permission: string) => boolean) => (s: Section) =>
  (s.permission === undefined || can(s.permission)) && (s.hiddenWith === undefined || !can(s.hiddenWith));

/** The console page a user with desk work starts on; null for one whose every section is open to all. */
export const consoleStartOf = (can: (permission: string) => boolean): string | null =>
  (SECTIONS as readonly Section[]).find((s) => s.permission !== undefined && isShown(can)(s))?.path ?? null;

/**
 * A resident has no work in the desktop console (its sections open to everyone, like the duty list,
 * are reference, not work): she belongs on the phone pages.
 */
export const isResidentOnly = (can: (permission: string) => boolean) =>
  can('case.report') && consoleStartOf(can) === null;

/**
 * Permissions that field work on the phone covers, with the read-only reference a worker may open in
 * the console now and then (org tree, case queue, dashboards); anyone holding more has desk work.
 */
const FIELD_WORK = new Set([
  'visit.record',
  'visit.read',
  'org.read',
  'resident.read',
  'case.read',
  'case.intake',
  'case.report',
  'apikey.own',
  'insight.read',
  // the notices sent to her grid's households, whose unread ones she explains at the door
  'notice.read',
]);

/** A grid worker or linked party member whose work is all at the door: she signs in to the phone app. */
export const isFieldWorkOnly = (me: Me) =>
  me.permissions.includes('visit.record') && me.permissions.every((p) => FIELD_WORK.has(p));
