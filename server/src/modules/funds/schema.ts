import { z } from 'zod';

const Id = z.uuid();
const Day = z.iso.date();
/** Fen: whole, positive, and below 100 million yuan in one movement. */
export const MAX_AMOUNT_FEN = 10_000_000_000;
const Fen = z
  .number()
  .int({ message: 'Amounts are whole fen' })
  .positive({ message: 'The amount must be above 0' })
  .max(MAX_AMOUNT_FEN);
const Text = (max: number) => z.string().trim().min(1).max(max);
const ClientKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, { message: 'A client key is 8–64 letters, digits, - or _' });

export const MAX_RECEIPT_BYTES = 10 * 1024 * 1024;
export const RECEIPT_FILES = { field: 'receipt', maxCount: 1, maxBytes: MAX_RECEIPT_BYTES } as const;

export const IdParams = z.strictObject({ id: Id });
export const MovementParams = z.strictObject({ id: Id, movementId: Id });
export const ClaimParams = z.strictObject({ id: Id, claimId: Id });
export const LevyParams = z.strictObject({ id: Id, levyId: Id });

// ---- funds ----

export const FundCreateBody = z.strictObject({ compoundId: Id, name: Text(100).optional() });
export type FundCreateBody = z.infer<typeof FundCreateBody>;
export const FundQuery = z.strictObject({ orgId: Id.optional() });

export const Fund = z.object({
  id: z.string(),
  compoundId: z.string(),
  compoundName: z.string(),
  name: z.string(),
  balanceFen: z.number().int(),
  ownerCount: z.number().int(),
  createdAt: z.string(),
});
export const FundList = z.object({ items: z.array(Fund) });

/** floor area in m², at most two decimals */
const AreaM2 = z
  .number()
  .positive()
  .max(100_000)
  .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, {
    message: 'Area is given to 0.01 m²',
    params: { zh: '面积最多保留两位小数', code: 'too_precise' },
  });

export const OwnersBody = z.strictObject({
  owners: z
    .array(z.strictObject({ householdId: Id, areaM2: AreaM2 }))
    .min(1)
    .max(2000),
});
export type OwnersBody = z.infer<typeof OwnersBody>;

/**
 * 批量登记: a list pasted from a spreadsheet, one owner household a row by its registry address and floor
 * area. All rows or none; a row that fails is named (`rows.<i>.address` / `rows.<i>.areaM2`).
 */
export const OwnersImportBody = z.strictObject({
  rows: z
    .array(z.strictObject({ address: z.string().trim().min(1).max(200), areaM2: AreaM2 }))
    .min(1)
    .max(2000),
});
export type OwnersImportBody = z.infer<typeof OwnersImportBody>;

export const Owner = z.object({
  householdId: z.string(),
  address: z.string(),
  areaM2: z.number(),
  dueFen: z.number().int(),
  paidFen: z.number().int(),
  arrearsFen: z.number().int(),
});
export const OwnerList = z.object({ items: z.array(Owner), totalArrearsFen: z.number().int() });

// ---- levies ----

export const LEVY_BASES = ['per_household', 'per_area', 'flat'] as const;
export const LevyBody = z.strictObject({
  title: Text(100),
  basis: z.enum(LEVY_BASES),
  /** fen per household, fen per m², or the total to split evenly */
  rateFen: Fen,
  decisionId: Id.optional(),
  dueOn: Day,
});
export type LevyBody = z.infer<typeof LevyBody>;
export const Levy = z.object({
  id: z.string(),
  title: z.string(),
  basis: z.enum(LEVY_BASES),
  rateFen: z.number().int(),
  decisionId: z.string().nullable(),
  dueOn: z.string(),
  totalFen: z.number().int(),
  households: z.number().int(),
  createdAt: z.string(),
});
export const LevyList = z.object({ items: z.array(Levy) });

// ---- movements ----

export const SOURCES = ['owner', 'subsidy', 'company', 'spending'] as const;
export const MovementBody = z.strictObject({
  source: z.enum(SOURCES),
  amountFen: Fen,
  occurredOn: Day,
  /** an owner's contribution: her household (an owner of the fund) */
  householdId: Id.optional(),
  levyId: Id.optional(),
  /** spending: the council decision that approved it */
  decisionId: Id.optional(),
  /** the property company's share */
  companyId: Id.optional(),
  /** who paid: the subsidising department, or a note on an owner's payment */
  payer: Text(100).optional(),
  purpose: Text(200).optional(),
  clientKey: ClientKey.optional(),
});
export type MovementBody = z.infer<typeof MovementBody>;

export const Movement = z.object({
  id: z.string(),
  seq: z.number().int(),
  source: z.enum(SOURCES),
  amountFen: z.number().int(),
  occurredOn: z.string(),
  householdId: z.string().nullable(),
  household: z.string().nullable(),
  levyId: z.string().nullable(),
  decisionId: z.string().nullable(),
  decision: z.string().nullable(),
  companyId: z.string().nullable(),
  payer: z.string().nullable(),
  purpose: z.string().nullable(),
  channel: z.enum(['staff', 'phone']),
  recordedByName: z.string(),
  createdAt: z.string(),
});
export const MovementRecorded = z.object({ movement: Movement, balanceFen: z.number().int() });

export const LedgerQuery = z.strictObject({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'A month is YYYY-MM' })
    .optional(),
});

const SourceTotals = z.object({
  owner: z.number().int(),
  subsidy: z.number().int(),
  company: z.number().int(),
});
export const DecisionSpending = z.object({
  decisionId: z.string(),
  decision: z.string(),
  spentFen: z.number().int(),
  movements: z.number().int(),
});
/** A month's statement (or the whole life of the fund): opening + income − spending = closing, to the fen. */
export const Statement = z.object({
  month: z.string().nullable(),
  openingFen: z.number().int(),
  incomeFen: SourceTotals,
  incomeTotalFen: z.number().int(),
  spendingFen: z.number().int(),
  spendingByDecision: z.array(DecisionSpending),
  closingFen: z.number().int(),
  movementCount: z.number().int(),
  isBalanced: z.boolean(),
});
export const Ledger = z.object({
  fund: Fund,
  statement: Statement,
  months: z.array(z.string()),
  movements: z.array(Movement),
});

// ---- the owner's phone ----

export const ClaimBody = z.strictObject({
  amountFen: Fen,
  paidOn: Day,
  levyId: Id.optional(),
  note: Text(200).optional(),
  clientKey: ClientKey,
});
export type ClaimBody = z.infer<typeof ClaimBody>;
export const Claim = z.object({
  id: z.string(),
  fundId: z.string(),
  householdId: z.string(),
  household: z.string().nullable(),
  amountFen: z.number().int(),
  paidOn: z.string(),
  note: z.string().nullable(),
  status: z.enum(['pending', 'confirmed', 'rejected']),
  movementId: z.string().nullable(),
  decisionNote: z.string().nullable(),
  createdAt: z.string(),
});
export const ClaimList = z.object({ items: z.array(Claim) });
export const ClaimDecisionBody = z.strictObject({
  isConfirmed: z.boolean(),
  note: Text(200).optional(),
});
export const MyFund = z.object({
  fund: Fund,
  statement: Statement,
  months: z.array(z.string()),
  movements: z.array(Movement),
  mine: z.object({ dueFen: z.number().int(), paidFen: z.number().int(), arrearsFen: z.number().int() }),
  claims: z.array(Claim),
});
export const MyFundList = z.object({ items: z.array(Fund) });
export const DecisionList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      decidedAt: z.string(),
      ownersFen: z.number().int().nullable(),
      subsidyFen: z.number().int().nullable(),
      companyFen: z.number().int().nullable(),
    }),
  ),
});
