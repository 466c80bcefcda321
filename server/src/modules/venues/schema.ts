import { z } from 'zod';
import { AUDIENCES, BOOKER_KINDS, BOOKING_STATUSES, SIGNUP_STATUSES, SPACE_KINDS } from './tables.ts';

const Id = z.uuid();
const Day = z.string().max(10).describe('a day in Asia/Shanghai, YYYY-MM-DD');
const Time = z.string().max(5).describe('a time of day on the hour or half hour, HH:MM (Asia/Shanghai)');

export const IdParams = z.strictObject({ id: Id });
export const SignupParams = z.strictObject({ id: Id, signupId: Id });

export const CentreBody = z.strictObject({
  orgId: Id,
  name: z.string().trim().min(1).max(100),
  address: z.string().max(200).optional(),
});

export const SpaceBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(SPACE_KINDS),
  areaM2: z.number().int().min(1).max(100_000),
  capacity: z.number().int().min(1).max(10_000),
  equipment: z.string().max(500).optional(),
  opens: Time,
  closes: Time,
  closedWeekdays: z.array(z.number().int().min(1).max(7)).max(7),
  bookers: z.array(z.enum(BOOKER_KINDS)).max(4),
  needsApproval: z.boolean(),
  isActive: z.boolean().optional(),
});

const Space = z.object({
  id: z.string(),
  centreId: z.string(),
  name: z.string(),
  kind: z.enum(SPACE_KINDS),
  areaM2: z.number().int(),
  capacity: z.number().int(),
  equipment: z.string().nullable(),
  opens: z.string(),
  closes: z.string(),
  closedWeekdays: z.array(z.number().int()),
  bookers: z.array(z.enum(BOOKER_KINDS)),
  needsApproval: z.boolean(),
  isActive: z.boolean(),
  photoIds: z.array(z.string()).describe('GET /api/v1/venue-photos/:id (public)'),
});
export const SpaceOut = Space;
export const PhotoParams = z.strictObject({ id: Id, photoId: Id });
export const PhotoIdParams = z.strictObject({ id: Id });
export const NoBody = z.strictObject({});

export const Centre = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  name: z.string(),
  address: z.string().nullable(),
  totalAreaM2: z.number().int(),
  residentAreaM2: z.number().int(),
  residentShare: z.number().nullable().describe('share of the active rooms’ area residents may book (0–1)'),
  spaces: z.array(Space),
});
export const CentreList = z.object({ items: z.array(Centre) });
export const MyCentres = z.object({ isBound: z.boolean(), items: z.array(Centre) });
export const SpaceQr = z.object({ spaceId: z.string(), path: z.string() });

export const BookingBody = z.strictObject({
  spaceId: Id,
  date: Day,
  start: Time,
  end: Time,
  purpose: z.string().trim().min(1).max(200),
  attendees: z.number().int().min(1).max(10_000),
  repeat: z
    .strictObject({
      every: z.literal('week'),
      until: Day.optional().describe('the last day the rule may run (required)'),
    })
    .optional()
    .describe('every week on the same weekday, up to `until`'),
});
export const StaffBookingBody = BookingBody.extend({
  bookerKind: z.enum(BOOKER_KINDS).optional().describe('who the room is for: a team, a partner unit, staff'),
});

const Booking = z.object({
  id: z.string(),
  spaceId: z.string(),
  spaceName: z.string(),
  seriesId: z.string().nullable(),
  activityId: z.string().nullable(),
  bookerName: z.string().nullable(),
  bookerKind: z.enum(BOOKER_KINDS),
  purpose: z.string(),
  attendees: z.number().int(),
  startsAt: z.string(),
  endsAt: z.string(),
  status: z.enum(BOOKING_STATUSES),
  decisionNote: z.string().nullable(),
  checkedInAt: z.string().nullable(),
  isNoShow: z.boolean(),
  canCancel: z.boolean(),
});
export const BookingOut = Booking;
export const BookingBatch = z.object({ seriesId: z.string().nullable(), items: z.array(Booking) });
export const BookingList = z.object({ items: z.array(Booking) });
export const MyBookings = z.object({
  standing: z.object({
    noShows: z.number().int(),
    limit: z.number().int(),
    windowDays: z.number().int(),
    isPaused: z.boolean(),
  }),
  items: z.array(Booking),
});
export const BookingQuery = z.strictObject({
  centreId: Id.optional(),
  status: z.enum(BOOKING_STATUSES).optional(),
  from: Day.optional(),
  to: Day.optional(),
});
export const DecisionBody = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  note: z.string().max(200).optional(),
});
export const CancelBody = z.strictObject({
  wholeSeries: z.boolean().optional().describe('also every later occurrence of the weekly rule'),
  note: z.string().max(200).optional(),
});
export const QrCheckInBody = z.strictObject({ spaceId: Id, token: z.string().max(64) });
export const ScheduleQuery = z.strictObject({ from: Day.optional() });
export const Schedule = z.object({
  from: z.string(),
  items: z.array(
    z.object({
      startsAt: z.string(),
      endsAt: z.string(),
      status: z.enum(BOOKING_STATUSES),
      bookerKind: z.enum(BOOKER_KINDS),
      activityTitle: z.string().nullable(),
    }),
  ),
});

export const ActivityBody = z.strictObject({
  centreId: Id,
  spaceId: Id.optional().describe('the room it takes (booked for it); or give `place`'),
  place: z.string().trim().max(200).optional(),
  title: z.string().trim().min(1).max(100),
  description: z.string().max(1000).optional(),
  audience: z.enum(AUDIENCES),
  host: z.string().trim().min(1).max(100).describe('the centre or the team that runs it'),
  date: Day,
  start: Time,
  end: Time,
  capacity: z.number().int().min(1).max(10_000),
});

export const ActivityChangeBody = z
  .strictObject({
    title: z.string().trim().min(1).max(100).optional(),
    description: z.string().max(1000).nullable().optional(),
    audience: z.enum(AUDIENCES).optional(),
    host: z.string().trim().min(1).max(100).optional(),
    place: z.string().trim().max(200).optional().describe('only for an activity not held in a room'),
    capacity: z.number().int().min(1).max(10_000).optional(),
    date: Day.optional().describe('a new time: date, start and end together'),
    start: Time.optional(),
    end: Time.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: 'Change at least one thing',
    path: ['title'],
    params: { code: 'nothing_changed', zh: '请至少修改一项' },
  });
export const CallOffBody = z.strictObject({
  reason: z.string().trim().min(1).max(200).describe('why: the residents signed up are told'),
});
export const LiftPauseBody = z.strictObject({
  note: z.string().trim().min(1).max(500).describe('why the pause is lifted early (kept in the audit)'),
});
export const Standing = z.object({
  noShows: z.number().int(),
  limit: z.number().int(),
  windowDays: z.number().int(),
  isPaused: z.boolean(),
});

const Activity = z.object({
  id: z.string(),
  centreId: z.string(),
  centreName: z.string(),
  spaceId: z.string().nullable(),
  place: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  audience: z.enum(AUDIENCES),
  host: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  capacity: z.number().int(),
  status: z.enum(['published', 'cancelled']),
  confirmed: z.number().int(),
  waiting: z.number().int(),
  mySignup: z
    .object({ id: z.string(), status: z.enum(SIGNUP_STATUSES), position: z.number().int().nullable() })
    .nullable(),
});
export const ActivityOut = Activity;
export const ActivityList = z.object({ items: z.array(Activity) });
export const ActivityQuery = z.strictObject({ centreId: Id.optional(), from: Day.optional() });

const Signup = z.object({
  id: z.string(),
  activityId: z.string(),
  name: z.string(),
  status: z.enum(SIGNUP_STATUSES),
  position: z.number().int().nullable().describe('place on the waiting list (1 = next)'),
  queuedAt: z.string(),
  checkedInAt: z.string().nullable(),
});
export const SignupOut = Signup;
export const SignupList = z.object({ activity: Activity, items: z.array(Signup) });
export const CheckInBody = z.strictObject({ signupId: Id });

export const FiguresQuery = z.strictObject({ month: z.string().max(7).optional().describe('YYYY-MM (Asia/Shanghai)') });
const FigureRow = z.object({
  hoursUsed: z.number(),
  residentHours: z.number(),
  staffHours: z.number(),
  residentShare: z.number().nullable(),
  bookings: z.number().int(),
  noShows: z.number().int(),
  peopleServed: z.number().int(),
  activitiesHeld: z.number().int(),
});
export const Figures = z.object({
  month: z.string(),
  orgId: z.string(),
  total: FigureRow,
  centres: z.array(
    FigureRow.extend({
      centreId: z.string(),
      name: z.string(),
      orgName: z.string(),
      spaces: z.array(z.object({ spaceId: z.string(), name: z.string(), hoursUsed: z.number() })),
    }),
  ),
});

export const NoShowQuery = z.strictObject({ centreId: Id.optional() });
export const NoShowList = z.object({
  limit: z.number().int().describe('this many no-shows in the window pause booking'),
  windowDays: z.number().int(),
  items: z.array(
    z.object({
      name: z.string(),
      noShows: z.number().int(),
      liftedAt: z.string().nullable().describe('staff lifted her pause then; only no-shows after it count'),
      isPaused: z.boolean(),
      pausedUntil: z
        .string()
        .nullable()
        .describe('when the pause lifts (the oldest counted no-show leaves the window)'),
      bookings: z.array(z.object({ id: z.string(), spaceName: z.string(), startsAt: z.string(), endsAt: z.string() })),
    }),
  ),
});

export const CalendarQuery = z.strictObject({ from: Day.optional().describe('the first day shown (default today)') });
export const PublicVenueCalendar = z.object({
  community: z.object({ code: z.string(), name: z.string() }),
  from: z.string(),
  days: z.number().int(),
  centres: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      orgName: z.string(),
      address: z.string().nullable(),
      totalAreaM2: z.number().int(),
      residentShare: z.number().nullable(),
      spaces: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          kind: z.enum(SPACE_KINDS),
          areaM2: z.number().int(),
          capacity: z.number().int(),
          opens: z.string(),
          closes: z.string(),
          closedWeekdays: z.array(z.number().int()),
          isForResidents: z.boolean(),
          photoIds: z.array(z.string()),
        }),
      ),
      activities: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          host: z.string(),
          audience: z.enum(AUDIENCES),
          place: z.string(),
          startsAt: z.string(),
          endsAt: z.string(),
          capacity: z.number().int(),
          taken: z.number().int(),
        }),
      ),
      bookings: z.array(
        z.object({
          spaceName: z.string(),
          startsAt: z.string(),
          endsAt: z.string(),
          isPending: z.boolean(),
          title: z
            .string()
            .nullable()
            .describe('a team’s or meeting’s purpose; null for a resident’s booking (已预约)'),
        }),
      ),
    }),
  ),
});
