import { z } from 'zod';
import { Month } from '../reports/schema.ts';

export const OrgParams = z.strictObject({ orgId: z.uuid() });
export const CasePanelQuery = z.strictObject({ from: Month.optional(), to: Month.optional() });
export const TrendsQuery = z.strictObject({ months: z.coerce.number().int().min(1).max(36).default(12) });
export const BurdenQuery = z.strictObject({ from: Month.optional(), to: Month.optional() });

const Rate = z.number().nullable();
export const UnitRef = z.object({ id: z.string(), name: z.string(), level: z.string(), code: z.string().nullable() });

export const Summary = z.object({
  unit: UnitRef,
  breadcrumb: z.array(z.object({ id: z.string(), name: z.string(), level: z.string() })),
  childLevel: z.string().nullable(),
  residents: z.number(),
  households: z.number(),
  careTagged: z.number(),
  elderlyAlone: z.number(),
  over80: z.number(),
  openCases: z.number(),
  overdueCases: z.number(),
  asOf: z.string(),
});

export const Children = z.object({
  level: z.string().nullable(),
  items: z.array(
    z.object({
      unit: UnitRef,
      residents: z.number(),
      households: z.number(),
      careTagged: z.number(),
      elderlyAlone: z.number(),
      openCases: z.number(),
      overdueCases: z.number(),
      casesReceived: z.number(),
      responseRate: Rate,
      resolutionRate: Rate,
      satisfactionRate: Rate,
      visitCoverage: Rate,
    }),
  ),
});

const Labelled = { label_zh: z.string(), label_en: z.string() };
export const Population = z.object({
  total: z.number(),
  byAgeBand: z.array(z.object({ band: z.string(), male: z.number(), female: z.number() })),
  byGender: z.object({ male: z.number(), female: z.number() }),
  byResidenceType: z.array(z.object({ type: z.string(), ...Labelled, count: z.number() })),
  byCareTag: z.array(z.object({ tag: z.string(), ...Labelled, count: z.number() })),
});

export const CasePanel = z.object({
  from: z.string(),
  to: z.string(),
  byState: z.array(z.object({ state: z.string(), ...Labelled, count: z.number() })),
  byItem: z.array(z.object({ code: z.string(), name: z.string(), count: z.number() })),
  byLevel: z.array(z.object({ level: z.string(), ...Labelled, count: z.number() })),
  rates: z.object({
    received: z.number(),
    acceptedOnTime: z.number(),
    closed: z.number(),
    solved: z.number(),
    rated: z.number(),
    satisfied: z.number(),
    responseRate: Rate,
    resolutionRate: Rate,
    satisfactionRate: Rate,
  }),
  meanHoursToAccept: z.number().nullable(),
  meanHoursToResolve: z.number().nullable(),
  overdueNow: z.number(),
  everOverdue: z.number(),
});

export const VisitPanel = z.object({
  available: z.boolean(),
  households: z.number(),
  tracked: z.number(),
  overdue: z.number(),
  dueSoon: z.number(),
  visitedThisMonth: z.number(),
  neverVisited: z.number(),
  coverage: Rate,
});

export const Trends = z.object({
  months: z.array(
    z.object({
      month: z.string(),
      casesReceived: z.number(),
      casesResolved: z.number(),
      residentsAdded: z.number(),
      householdsVisited: z.number(),
    }),
  ),
});

const BurdenFigures = {
  tasksReceived: z.number(),
  tasksAdmitted: z.number(),
  tasksRefused: z.number(),
  meetings: z.number(),
  reportsAnswered: z.number(),
  cellsGenerated: z.number(),
  cellsTyped: z.number(),
  /** meetings attended in person or by video, and their minutes (tasks/burden.ts) */
  meetingsAttended: z.number(),
  meetingMinutes: z.number(),
  documents: z.number(),
  inspections: z.number(),
  tasksOverdue: z.number(),
  /** 议事 meetings the units held themselves (councils/decisions.ts councilMeetingsHeld), beside those imposed */
  councilMeetings: z.number(),
};
export const Burden = z.object({
  from: z.string(),
  to: z.string(),
  months: z.array(z.object({ month: z.string(), ...BurdenFigures })),
  totals: z.object(BurdenFigures),
  children: z.array(z.object({ unit: UnitRef, ...BurdenFigures })),
  /** the other side: who sent the tasks these units received, the most first ("who asks the most") */
  senders: z.array(z.object({ unit: UnitRef, ...BurdenFigures })),
  /** the sending side: what the tasks sent by the unit (and the units under it) cost each unit they reached, the most first */
  sent: z.array(z.object({ unit: UnitRef, ...BurdenFigures })),
});

export const ServicePanelQuery = z.strictObject({ month: Month.optional() });
const Num = z.number();
const ServiceFigures = z.object({
  venues: z.object({
    hoursUsed: Num,
    residentHours: Num,
    staffHours: Num,
    residentShare: Rate,
    bookings: Num,
    noShows: Num,
    peopleServed: Num,
    activitiesHeld: Num,
  }),
  canteen: z.object({
    mealsOrdered: Num,
    mealsServed: Num,
    lunchServed: Num,
    dinnerServed: Num,
    delivered: Num,
    diners: Num,
    regularDiners: Num,
    elderly: Num,
    dinerShare: Rate,
    costFen: Num,
    costPerMealFen: z.number().nullable(),
    subsidyFen: Num,
    paidFen: Num,
  }),
  volunteering: z.object({
    volunteers: Num,
    volunteerHours: Num,
    pointsEarned: Num,
    pointsDeducted: Num,
    pointsSpent: Num,
    redemptions: Num,
    itemsRedeemed: Num,
    dualMembers: Num,
    dualConfirmed: Num,
    dualHours: Num,
    projects: Num,
    projectsDone: Num,
  }),
  councils: z.object({
    topics: Num,
    residentTopics: Num,
    meetingsHeld: Num,
    decisions: Num,
    adopted: Num,
    milestones: Num,
    milestonesDone: Num,
    progress: Rate,
  }),
  funds: z.object({
    ownersFen: Num,
    subsidyFen: Num,
    companyFen: Num,
    spendingFen: Num,
    balanceFen: Num,
    arrearsFen: Num,
    householdsBehind: Num,
  }),
  notices: z.object({ sent: Num, reached: Num, read: Num, readShare: Rate }),
});
export const ServicePanel = z.object({
  month: z.string(),
  unit: UnitRef,
  figures: ServiceFigures,
  children: z.array(z.object({ unit: UnitRef, figures: ServiceFigures })),
});
