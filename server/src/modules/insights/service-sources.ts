import { CANTEEN_DINERS, CANTEEN_LEDGER, CANTEEN_ORDERS } from '../canteen/figures.ts';
import { COUNCIL_DECISIONS, COUNCIL_MEETINGS, COUNCIL_MILESTONES, COUNCIL_TOPICS } from '../councils/figures.ts';
import { FUND_MOVEMENTS, FUND_OWNERS } from '../funds/figures.ts';
import { NOTICES_SENT, NOTICE_HOUSEHOLDS } from '../notices/figures.ts';
import { ALLIANCE_PROJECTS, DUAL_REGISTRATIONS, SERVICE_HOURS } from '../party/figures.ts';
import { POINTS_JOURNALS, STORE_REDEMPTIONS } from '../points/figures.ts';
import { VENUE_ACTIVITIES, VENUE_BOOKINGS, VENUE_SIGNUPS } from '../venues/figures.ts';
import { VOLUNTEER_SIGNUPS } from '../volunteering/figures.ts';
import type { ServiceSource } from './service-figures.ts';

/**
 * Every service figure source (service-figures.ts), the list `rebuildRollups` walks. A function, not a
 * constant: the sources' modules import the mechanism, which the rebuild imports, so the list is read
 * when a rebuild runs, never while modules load. Each source owns its facts (no two share one).
 */
export const serviceSources = (): readonly ServiceSource[] => [
  VENUE_BOOKINGS,
  VENUE_ACTIVITIES,
  VENUE_SIGNUPS,
  CANTEEN_ORDERS,
  CANTEEN_DINERS,
  CANTEEN_LEDGER,
  POINTS_JOURNALS,
  STORE_REDEMPTIONS,
  VOLUNTEER_SIGNUPS,
  SERVICE_HOURS,
  DUAL_REGISTRATIONS,
  ALLIANCE_PROJECTS,
  COUNCIL_TOPICS,
  COUNCIL_MEETINGS,
  COUNCIL_DECISIONS,
  COUNCIL_MILESTONES,
  FUND_MOVEMENTS,
  FUND_OWNERS,
  NOTICES_SENT,
  NOTICE_HOUSEHOLDS,
];
