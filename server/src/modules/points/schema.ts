import { z } from 'zod';

const Id = z.uuid();
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'Use YYYY-MM' });
/** whole points; the largest a single price or rule may be */
const Points = z.number().int().min(1).max(100_000);

export const IdParams = z.strictObject({ id: Id });
export const OrgQuery = z.strictObject({ orgId: Id });
export const OrgMonthQuery = z.strictObject({ orgId: Id, month: Month.optional() });
export const MonthQuery = z.strictObject({ month: Month.optional() });

export const RuleBody = z.strictObject({
  orgId: Id,
  code: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, { message: 'Use lower-case letters, digits and _' }),
  name: z.string().trim().min(1).max(100),
  kind: z.enum(['earn', 'deduct']),
  source: z.enum(['volunteer', 'council', 'garbage', 'deed', 'negative']),
  unit: z.enum(['hour', 'event']),
  points: Points,
  active: z.boolean().default(true),
});
export const Rule = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  kind: z.enum(['earn', 'deduct']),
  source: z.enum(['volunteer', 'council', 'garbage', 'deed', 'negative']),
  unit: z.enum(['hour', 'event']),
  points: z.number().int(),
  active: z.boolean(),
});
export const RuleList = z.object({ items: z.array(Rule) });

export const PolicyBody = z.strictObject({
  orgId: Id,
  pool: z.enum(['resident', 'household']),
  expiryMonths: z.number().int().min(1).max(120).nullable(),
  /** rolling: N months after the month earned; year_end: at the turn of the year once N months have passed */
  expiryAt: z.enum(['rolling', 'year_end']).optional(),
});
export const Policy = z.object({
  pool: z.enum(['resident', 'household']),
  expiryMonths: z.number().int().nullable(),
  expiryAt: z.enum(['rolling', 'year_end']),
});

const Movement = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.string(),
  amount: z.number().int(),
  balanceAfter: z.number().int(),
  reason: z.string(),
  source: z.object({ kind: z.string(), id: z.string() }),
  journalId: z.string(),
  appeal: z
    .object({ id: z.string(), status: z.enum(['open', 'granted', 'refused']) })
    .nullable()
    .describe('a deduction’s appeal and its state; null when none was made'),
});
export const Statement = z.object({
  month: z.string(),
  opening: z.number().int(),
  closing: z.number().int(),
  earned: z.number().int(),
  spent: z.number().int(),
  movements: z.array(Movement),
});
export const MyPoints = z.object({
  name: z.string(),
  pooled: z.boolean(),
  balance: z.number().int(),
  ranked: z.boolean(),
  statement: Statement,
  rules: z.array(Rule),
});
export const AccountStatement = z.object({
  accountId: z.string(),
  ownerKind: z.string(),
  balance: z.number().int(),
  statement: Statement,
});
export const AccountList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      ownerKind: z.string(),
      ownerId: z.string(),
      name: z.string(),
      balance: z.number().int(),
    }),
  ),
});
export const RankingBody = z.strictObject({ optIn: z.boolean() });
export const RankingState = z.object({ ranked: z.boolean() });
export const Ranking = z.object({
  month: z.string(),
  ranked: z.boolean(),
  items: z.array(z.object({ rank: z.number().int(), name: z.string(), earned: z.number().int(), isMe: z.boolean() })),
});

export const EventBody = z.strictObject({
  residentId: Id,
  ruleCode: z.string().min(1).max(40),
  note: z.string().trim().max(500).optional(),
});
export const EventOut = z.object({ id: z.string(), amount: z.number().int(), journalId: z.string() });

export const AppealBody = z.strictObject({ journalId: Id, reason: z.string().trim().min(1).max(500) });
export const AppealOut = z.object({ id: z.string(), status: z.enum(['open', 'granted', 'refused']) });
export const AppealDecisionBody = z.strictObject({ grant: z.boolean(), note: z.string().trim().max(500).optional() });
export const AppealList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      journalId: z.string(),
      who: z.string().describe('her name, or the household address where the community pools points'),
      reason: z.string(),
      deduction: z.string(),
      amount: z.number().int(),
      status: z.enum(['open', 'granted', 'refused']),
      createdAt: z.string(),
      decidedAt: z.string().nullable(),
      decisionNote: z.string().nullable(),
    }),
  ),
});

export const MonthlyReport = z.object({
  orgId: z.string(),
  name: z.string(),
  month: z.string(),
  earned: z.number().int(),
  awards: z.number().int(),
  spent: z.number().int(),
  redemptions: z.number().int(),
  reversed: z.number().int(),
  deducted: z.number().int(),
  refunded: z.number().int(),
  expired: z.number().int(),
  activeAccounts: z.number().int(),
});

// ——— store ———

export const ItemBody = z.strictObject({
  orgId: Id,
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(1000).optional(),
  price: z.number().int().min(1, { message: 'The price is at least 1 point' }).max(100_000),
  stock: z.number().int().min(0).max(100_000),
  donorName: z.string().trim().max(100).optional(),
  resourceId: Id.optional().describe('the alliance resources-list entry it was donated from (its unit is the donor)'),
});
export const ItemPatch = z.strictObject({
  price: z.number().int().min(1, { message: 'The price is at least 1 point' }).max(100_000).optional(),
  addStock: z.number().int().min(1).max(100_000).optional(),
  status: z.enum(['active', 'withdrawn']).optional(),
});
export const Item = z.object({
  id: z.string(),
  orgId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  price: z.number().int(),
  stock: z.number().int(),
  stockedTotal: z.number().int(),
  donorUnitId: z.string().nullable(),
  donorName: z.string().nullable(),
  resourceId: z.string().nullable(),
  status: z.enum(['active', 'withdrawn']),
  createdAt: z.string(),
});
export const ItemList = z.object({ items: z.array(Item) });
export const Shelf = z.object({ balance: z.number().int(), items: z.array(Item) });

export const RedeemBody = z.strictObject({
  itemId: Id,
  quantity: z.number().int().min(1).max(100).default(1),
  clientKey: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, { message: 'A client key of 8–64 letters, digits, _ or -' })
    .describe('made by the phone once per tap: the same key again answers the first redemption'),
});
export const Redemption = z.object({
  id: z.string(),
  itemId: z.string(),
  itemName: z.string(),
  residentName: z.string(),
  clientKey: z.string(),
  quantity: z.number().int(),
  points: z.number().int(),
  journalId: z.string(),
  status: z.enum(['reserved', 'picked_up', 'reversed']),
  createdAt: z.string(),
  pickedUpAt: z.string().nullable(),
  pickedUpByName: z.string().nullable(),
  reversedAt: z.string().nullable(),
  reverseReason: z.string().nullable(),
});
export const RedeemOut = z.object({ redemption: Redemption, balance: z.number().int() });
export const RedemptionList = z.object({ items: z.array(Redemption) });
export const RedemptionQuery = z.strictObject({
  orgId: Id,
  status: z.enum(['reserved', 'picked_up', 'reversed']).optional(),
});
export const ReverseBody = z.strictObject({ reason: z.string().trim().min(1).max(200) });
