import { z } from 'zod';
import { Rates } from '../cases/schema.ts';

const Id = z.uuid();
const Text = (max: number) => z.string().trim().min(1).max(max);

export const CompanyBody = z.strictObject({
  orgId: Id,
  name: Text(100),
  /** 统一社会信用代码 */
  creditCode: z
    .string()
    .regex(/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/, { message: 'Not a unified social credit code' })
    .optional(),
  contactName: Text(50).optional(),
});
export type CompanyBody = z.infer<typeof CompanyBody>;

export const FEE_UNITS = ['per_m2_month', 'per_month'] as const;
export const ContractBody = z.strictObject({
  companyId: Id,
  compoundId: Id,
  services: z.array(Text(40)).min(1).max(20),
  /** fen per m² per month, or fen per month for the whole compound */
  feeFen: z.number().int({ message: 'Fees are whole fen' }).positive().max(10_000_000_000),
  feeUnit: z.enum(FEE_UNITS),
  startsOn: z.iso.date(),
  endsOn: z.iso.date(),
});
export type ContractBody = z.infer<typeof ContractBody>;

export const Contract = z.object({
  id: z.string(),
  companyId: z.string(),
  companyName: z.string(),
  compoundId: z.string(),
  compoundName: z.string(),
  services: z.array(z.string()),
  feeFen: z.number().int(),
  feeUnit: z.enum(FEE_UNITS),
  startsOn: z.string(),
  endsOn: z.string(),
  isCurrent: z.boolean(),
});
export const Company = z.object({
  id: z.string(),
  name: z.string(),
  creditCode: z.string().nullable(),
  contactName: z.string().nullable(),
  contracts: z.array(Contract),
});
export const CompanyList = z.object({ items: z.array(Company) });
export const CompanyFigures = z.object({
  companyId: z.string(),
  name: z.string(),
  dutyCodes: z.array(z.string()),
  items: z.array(z.object({ contract: Contract, rates: Rates })),
});
