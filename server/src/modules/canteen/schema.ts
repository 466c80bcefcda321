import { z } from 'zod';

const Id = z.uuid();
const Day = z.iso.date().describe('a Shanghai day, YYYY-MM-DD');
const Month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
  .describe('a month, YYYY-MM');
const Meal = z.enum(['lunch', 'dinner']);
const Tier = z.enum(['standard', 'senior', 'dibao']);
const HHMM = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
  .describe('HH:MM, Shanghai time');
/** Money in fen: a whole number, never negative. */
const Fen = z.number().int().min(0).max(100_000_000);
const ClientKey = z
  .string()
  .trim()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_:-]+$/)
  .describe('made by the client once per intended action; sending it again answers the first result');

export const CanteenParams = z.strictObject({ id: Id });
export const DinerParams = z.strictObject({ id: Id, dinerId: Id });
export const OrderParams = z.strictObject({ id: Id, orderId: Id });
export const MyOrderParams = z.strictObject({ orderId: Id });
export const MyDinerParams = z.strictObject({ dinerId: Id });

export const CanteenCreateBody = z.strictObject({
  orgId: Id,
  name: z.string().trim().min(1).max(100),
  address: z.string().trim().max(200).optional(),
  subsidyAccount: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .describe('the named account billed the difference, e.g. 民政老年餐补贴'),
  lunchCutoff: HHMM.default('09:00'),
  dinnerCutoff: HHMM.default('15:00'),
  allowsWalkIns: z.boolean().default(true),
  absenceDays: z.number().int().min(1).max(60).default(3),
  minAge: z.number().int().min(0).max(120).default(60),
  eligibleTags: z.array(z.string().max(40)).max(20).default(['disabled', 'dibao']),
});

const CanteenShape = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  name: z.string(),
  address: z.string().nullable(),
  subsidyAccount: z.string(),
  lunchCutoff: z.string(),
  dinnerCutoff: z.string(),
  allowsWalkIns: z.boolean(),
  absenceDays: z.number().int(),
  minAge: z.number().int(),
  eligibleTags: z.array(z.string()),
  createdAt: z.string(),
});
export const CanteenOut = CanteenShape;
export const CanteenList = z.object({ items: z.array(CanteenShape) });

export const EligibleQuery = z.strictObject({ q: z.string().trim().max(20).optional() });
export const EligibleList = z.object({
  items: z.array(
    z.object({
      residentId: z.string(),
      name: z.string(),
      age: z.number().int(),
      gender: z.string(),
      tags: z.array(z.string()),
    }),
  ),
});

export const DinerCreateBody = z.strictObject({
  residentId: Id,
  isRegular: z.boolean().default(true),
  needsDelivery: z.boolean().default(false),
  route: z.string().trim().max(50).nullable().optional(),
  volunteer: z.string().trim().max(50).nullable().optional(),
});
export const DinerUpdateBody = z.strictObject({
  isRegular: z.boolean().optional(),
  needsDelivery: z.boolean().optional(),
  route: z.string().trim().max(50).nullable().optional(),
  volunteer: z.string().trim().max(50).nullable().optional(),
  isActive: z.boolean().optional(),
});
export const DinerRef = z.object({ id: z.string() });
export const DinerList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      residentId: z.string(),
      householdId: z.string(),
      name: z.string(),
      gender: z.string(),
      age: z.number().int(),
      address: z.string(),
      tiers: z.array(Tier),
      code: z.string(),
      isRegular: z.boolean(),
      needsDelivery: z.boolean(),
      route: z.string().nullable(),
      volunteer: z.string().nullable(),
      isActive: z.boolean(),
      balanceFen: z.number().int(),
      lastSeenDay: z.string().nullable(),
      absence: z
        .object({
          lastSeenDay: z.string(),
          raisedAt: z.string(),
          visit: z.enum(['open', 'closed', 'withdrawn']).nullable(),
          dueOn: z.string().nullable(),
        })
        .nullable()
        .describe('not seen for the canteen’s N meal days: the visit asked of her grid worker, while still away'),
      enrolledAt: z.string(),
    }),
  ),
});

export const MenuBody = z.strictObject({
  day: Day,
  meal: Meal,
  dishes: z.string().trim().min(1).max(300),
  costFen: Fen.describe("the meal's full cost in fen"),
  prices: z.strictObject({ standard: Fen, senior: Fen, dibao: Fen }).describe('what a diner of each tier pays, in fen'),
});
const MenuShape = z.object({
  id: z.string(),
  day: z.string(),
  meal: Meal,
  dishes: z.string(),
  costFen: z.number().int(),
  prices: z.object({ standard: z.number().int(), senior: z.number().int(), dibao: z.number().int() }),
  cutoffAt: z.string(),
  createdByName: z.string(),
  updatedAt: z.string(),
});
export const MenuSet = z.object({
  menu: MenuShape,
  standing: z.object({ placed: z.number().int(), skipped: z.number().int() }),
});
export const MenuQuery = z.strictObject({ from: Day, days: z.coerce.number().int().min(1).max(31).default(7) });
export const MenuList = z.object({ items: z.array(MenuShape) });

const OrderShape = z.object({
  id: z.string(),
  dinerId: z.string(),
  menuId: z.string(),
  day: z.string(),
  meal: Meal,
  status: z.enum(['ordered', 'cancelled']),
  source: z.enum(['phone', 'staff', 'standing', 'walk_in']),
  tier: Tier,
  priceFen: z.number().int(),
  subsidyFen: z.number().int(),
  orderedByName: z.string(),
  createdAt: z.string(),
  servedAt: z.string().nullable(),
  delivery: z.enum(['delivered', 'not_home']).nullable(),
});
export const OrderBody = z.strictObject({ dinerId: Id, menuId: Id, clientKey: ClientKey.optional() });
export const MyOrderBody = z.strictObject({ menuId: Id, clientKey: ClientKey });
export const ComplaintBody = z.strictObject({
  dinerId: Id.describe('her own diner record: which canteen'),
  description: z.string().trim().min(5).max(1000).describe('what happened: the meal, the day, what was wrong'),
  clientKey: ClientKey,
});
export const ComplaintFiled = z.object({ caseId: z.string(), caseNumber: z.string(), isNew: z.boolean() });
export const OrderPlaced = z.object({ order: OrderShape, isNew: z.boolean() });
export const OrderOut = OrderShape;
export const OrderQuery = z.strictObject({ day: Day, meal: Meal.optional() });
export const OrderList = z.object({
  items: z.array(OrderShape.extend({ name: z.string(), needsDelivery: z.boolean() })),
});

export const StandingBody = z.strictObject({
  dinerId: Id,
  meal: Meal,
  weekdays: z
    .string()
    .regex(/^[1-7]{0,7}$/)
    .describe("ISO weekdays the order stands for ('12345' every weekday; '' ends it)"),
});
export const StandingOut = z.object({ dinerId: z.string(), meal: Meal, weekdays: z.string() });
export const StandingList = z.object({ items: z.array(StandingOut) });

export const TopUpBody = z.strictObject({
  dinerId: Id,
  amountFen: z.number().int().max(100_000_000).describe('fen paid in; more than 0'),
  clientKey: ClientKey,
  note: z.string().trim().max(200).optional(),
});
export const TopUpOut = z.object({ id: z.string(), balanceFen: z.number().int(), isNew: z.boolean() });
export const Statement = z.object({
  balanceFen: z.number().int(),
  items: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['topup', 'meal', 'refund']),
      amountFen: z.number().int(),
      day: z.string(),
      orderId: z.string().nullable(),
      note: z.string().nullable(),
      actorName: z.string(),
      at: z.string(),
    }),
  ),
});

export const DeliveryQuery = z.strictObject({ day: Day, meal: Meal });
export const DeliveryList = z.object({
  day: z.string(),
  meal: Meal,
  total: z.number().int(),
  delivered: z.number().int(),
  groups: z.array(
    z.object({
      route: z.string().nullable(),
      volunteer: z.string().nullable(),
      stops: z.array(
        z.object({
          orderId: z.string(),
          dinerId: z.string(),
          name: z.string(),
          address: z.string(),
          delivery: z.enum(['delivered', 'not_home']).nullable(),
          deliveryAt: z.string().nullable(),
        }),
      ),
    }),
  ),
});
export const DeliveryBody = z.strictObject({ mark: z.enum(['delivered', 'not_home']) });
export const DeliveryMarked = z.object({
  orderId: z.string(),
  delivery: z.enum(['delivered', 'not_home']),
  deliveryAt: z.string(),
});

export const SignInBody = z.strictObject({
  meal: Meal,
  dinerId: Id.optional(),
  code: z.string().trim().min(4).max(16).optional().describe("the diner's code, as scanned from her phone"),
});
export const SignedIn = z.object({
  order: OrderShape,
  name: z.string(),
  isWalkIn: z.boolean(),
  wasServed: z.boolean(),
});

export const MonthQuery = z.strictObject({ month: Month });
export const Bills = z.object({
  month: z.string(),
  subsidyAccount: z.string(),
  items: z.array(
    z.object({
      dinerId: z.string(),
      name: z.string(),
      meals: z.number().int(),
      costFen: z.number().int(),
      paidByDinerFen: z.number().int(),
      paidBySubsidyFen: z.number().int(),
    }),
  ),
});
export const Reconciliation = z.object({
  month: z.string(),
  canteenId: z.string(),
  subsidyAccount: z.string(),
  meals: z.number().int(),
  prepaid: z.object({
    openingFen: z.number().int(),
    topUpsFen: z.number().int(),
    chargedFen: z.number().int(),
    refundedFen: z.number().int(),
    closingFen: z.number().int(),
  }),
  mealCostFen: z.number().int(),
  paidByDinersFen: z.number().int(),
  paidBySubsidyFen: z.number().int(),
  isBalanced: z.boolean(),
});

export const MyCanteen = z.object({
  today: z.string().describe('today in Lanzhou, YYYY-MM-DD'),
  items: z.array(
    z.object({
      dinerId: z.string(),
      name: z.string(),
      canteen: CanteenShape,
      code: z.string(),
      balanceFen: z.number().int(),
      menus: z.array(
        MenuShape.extend({
          myTier: Tier,
          myPriceFen: z.number().int(),
          myOrderId: z.string().nullable(),
          isOpen: z.boolean(),
        }),
      ),
      orders: z.array(OrderShape),
    }),
  ),
});
