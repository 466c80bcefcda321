import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access/scope.ts';
import { requireWritten } from '../../platform/audit/guarded-write.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import { currentDay } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { ClaimBody } from './schema.ts';
import {
  FUND,
  getFundInScope,
  householdAccounts,
  isUniqueViolation,
  listLevies,
  readLedger,
  recordMovement,
} from './service.ts';
import type { FundClaimTable, FundTable } from './tables.ts';

const CLAIM = { zh: '缴款登记', en: 'Payment claim' };

/** The households she is bound to now. */
async function myHouseholds(db: Kysely<DB>, actor: Actor): Promise<string[]> {
  const rows = await db
    .selectFrom('resident_bindings')
    .select('household_id')
    .distinct()
    .where('user_id', '=', actor.userId)
    .where('status', '=', 'bound')
    .execute();
  return rows.map((r) => r.household_id);
}

/** The funds whose owners include a household she is bound to. */
export async function listMyFunds(deps: AppDeps, actor: Actor) {
  const households = await myHouseholds(deps.db, actor);
  if (households.length === 0) return { items: [] };
  const funds = await deps.db
    .selectFrom('funds')
    .innerJoin('fund_owners', 'fund_owners.fund_id', 'funds.id')
    .selectAll('funds')
    .distinct()
    .where('fund_owners.household_id', 'in', households)
    .orderBy('funds.name')
    .execute();
  const items = [];
  for (const f of funds) items.push((await readLedger(deps.db, f, undefined, { showsHouseholds: false })).fund);
  return { items };
}

/** Her fund and her household(s) in it; 404 unless she is bound to an owner household of it. */
async function getMyFund(deps: AppDeps, actor: Actor, fundId: string): Promise<{ fund: FundTable; mine: string[] }> {
  const households = await myHouseholds(deps.db, actor);
  const fund = await deps.db.selectFrom('funds').selectAll().where('id', '=', fundId).executeTakeFirst();
  if (fund === undefined || households.length === 0) throw notFound(FUND);
  const owners = await deps.db
    .selectFrom('fund_owners')
    .select('household_id')
    .where('fund_id', '=', fund.id)
    .where('household_id', 'in', households)
    .execute();
  if (owners.length === 0) throw notFound(FUND);
  return { fund, mine: owners.map((o) => o.household_id) };
}

const claimOut = (r: FundClaimTable, addresses: Map<string, string>) => ({
  id: r.id,
  fundId: r.fund_id,
  householdId: r.household_id,
  household: addresses.get(r.household_id) ?? null,
  amountFen: r.amount_fen,
  paidOn: r.paid_on,
  note: r.note,
  status: r.status,
  movementId: r.movement_id,
  decisionNote: r.decision_note,
  createdAt: r.created_at,
});

async function claimsOut(db: Kysely<DB>, rows: FundClaimTable[]) {
  const ids = [...new Set(rows.map((r) => r.household_id))];
  const addresses =
    ids.length === 0
      ? new Map<string, string>()
      : new Map(
          (await db.selectFrom('households').select(['id', 'address']).where('id', 'in', ids).execute()).map((h) => [
            h.id,
            h.address,
          ]),
        );
  return rows.map((r) => claimOut(r, addresses));
}

/**
 * What an owner sees on her phone: the fund's statement (of a month or its whole life), income by
 * source, spending by decision, the movements (other households' payments without their address), and
 * her own household's dues, payments, arrears and claims.
 */
export async function getMyFundLedger(deps: AppDeps, actor: Actor, fundId: string, month?: string) {
  const { fund, mine } = await getMyFund(deps, actor, fundId);
  const ledger = await readLedger(deps.db, fund, month, { showsHouseholds: false, ownHouseholds: new Set(mine) });
  const accounts = await householdAccounts(deps.db, fund.id, mine);
  const sum = { dueFen: 0, paidFen: 0, arrearsFen: 0 };
  for (const a of accounts.values()) {
    sum.dueFen += a.dueFen;
    sum.paidFen += a.paidFen;
    sum.arrearsFen += a.arrearsFen;
  }
  const claims = await deps.db
    .selectFrom('fund_claims')
    .selectAll()
    .where('fund_id', '=', fund.id)
    .where('user_id', '=', actor.userId)
    .orderBy('created_at', 'desc')
    .limit(50)
    .execute();
  return { ...ledger, mine: sum, claims: await claimsOut(deps.db, claims) };
}

/**
 * 我已缴费: an owner says from her phone that she paid (with the receipt's photo); her community's
 * staff confirm it into the ledger. The client key makes a retried send count once.
 */
export async function submitClaim(
  deps: AppDeps,
  actor: Actor,
  fundId: string,
  body: ClaimBody,
  receipt: { mime: string; data: Buffer },
) {
  const { fund, mine } = await getMyFund(deps, actor, fundId);
  if (body.paidOn > currentDay(deps.clock.now())) {
    throw invalidField('paidOn', 'in_future', { zh: '日期不能晚于今天', en: 'The date cannot be after today' });
  }
  if (body.levyId !== undefined) {
    const levies = await listLevies(deps.db, fund.id);
    if (!levies.items.some((l) => l.id === body.levyId)) {
      throw invalidField('levyId', 'unknown_levy', { zh: '本资金没有这项筹资', en: 'No such levy of this fund' });
    }
  }
  const existing = await deps.db
    .selectFrom('fund_claims')
    .selectAll()
    .where('user_id', '=', actor.userId)
    .where('client_key', '=', body.clientKey)
    .executeTakeFirst();
  if (existing !== undefined) return { claim: (await claimsOut(deps.db, [existing]))[0]!, isNew: false };
  const householdId = mine[0]!;
  const household = await deps.db
    .selectFrom('households')
    .select('org_path')
    .where('id', '=', householdId)
    .executeTakeFirstOrThrow();
  const now = deps.clock.now().toISOString();
  const row: FundClaimTable = {
    id: newId(),
    fund_id: fund.id,
    org_path: household.org_path,
    household_id: householdId,
    user_id: actor.userId,
    levy_id: body.levyId ?? null,
    amount_fen: body.amountFen,
    paid_on: body.paidOn,
    note: body.note ?? null,
    receipt_id: newId(),
    status: 'pending',
    movement_id: null,
    decided_by_name: null,
    decision_note: null,
    client_key: body.clientKey,
    created_at: now,
    decided_at: null,
  };
  try {
    await deps.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('fund_receipts')
        .values({
          id: row.receipt_id,
          fund_id: fund.id,
          mime: receipt.mime,
          size: receipt.data.length,
          data: receipt.data,
          created_at: now,
        })
        .execute();
      await trx.insertInto('fund_claims').values(row).execute();
      await recordAudit(trx, deps.clock, whoFromActor(actor), {
        action: 'fund.claim_submit',
        targetType: 'fund',
        targetId: fund.id,
        orgPath: household.org_path,
        detail: { claimId: row.id, amountFen: row.amount_fen },
      });
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const again = await deps.db
      .selectFrom('fund_claims')
      .selectAll()
      .where('user_id', '=', actor.userId)
      .where('client_key', '=', body.clientKey)
      .executeTakeFirstOrThrow();
    return { claim: (await claimsOut(deps.db, [again]))[0]!, isNew: false };
  }
  return { claim: (await claimsOut(deps.db, [row]))[0]!, isNew: true };
}

/** Owners' claims waiting for staff (and the latest decided), for a fund in scope. */
export async function listClaims(deps: AppDeps, actor: Actor, fundId: string) {
  const fund = await getFundInScope(deps, actor, 'fund.read', fundId);
  const rows = await deps.db
    .selectFrom('fund_claims')
    .selectAll()
    .where('fund_id', '=', fund.id)
    .orderBy('status', 'desc') // pending before confirmed and rejected
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute();
  return { items: await claimsOut(deps.db, rows) };
}

/**
 * Staff confirm an owner's claim (it becomes an owner movement, with her receipt, channel `phone`) or
 * turn it down with a note. A claim is decided once: the conditional update lets one decision win.
 */
export async function decideClaim(
  deps: AppDeps,
  actor: Actor,
  fundId: string,
  claimId: string,
  body: { isConfirmed: boolean; note?: string | undefined },
) {
  const fund = await getFundInScope(deps, actor, 'fund.manage', fundId);
  const claim = await deps.db
    .selectFrom('fund_claims')
    .selectAll()
    .where('id', '=', claimId)
    .where('fund_id', '=', fund.id)
    .executeTakeFirst();
  if (claim === undefined) throw notFound(CLAIM);
  if (claim.status !== 'pending') {
    throw new AppError('INVALID_STATE', { zh: '该缴款登记已处理', en: 'This claim has already been decided' }, [
      {
        code: 'already_decided',
        field: 'isConfirmed',
        message_zh: '该缴款登记已处理',
        message_en: 'This claim has already been decided',
      },
    ]);
  }
  if (!body.isConfirmed && body.note === undefined) {
    throw invalidField('note', 'required', { zh: '请说明不予确认的原因', en: 'Say why the claim is turned down' });
  }
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await requireWritten(
      trx,
      trx
        .updateTable('fund_claims')
        .set({
          status: body.isConfirmed ? 'confirmed' : 'rejected',
          decided_at: now,
          decided_by_name: actor.displayName,
          decision_note: body.note ?? null,
        })
        .where('id', '=', claim.id)
        .where('status', '=', 'pending')
        .executeTakeFirst(),
      () => new AppError('INVALID_STATE', { zh: '该缴款登记已处理', en: 'This claim has already been decided' }),
    );
    if (body.isConfirmed) {
      const receipt = await trx
        .selectFrom('fund_receipts')
        .select(['mime', 'data'])
        .where('id', '=', claim.receipt_id)
        .executeTakeFirstOrThrow();
      const { movement } = await recordMovement(
        deps,
        actor,
        fund.id,
        {
          source: 'owner',
          amountFen: claim.amount_fen,
          occurredOn: claim.paid_on,
          householdId: claim.household_id,
          levyId: claim.levy_id ?? undefined,
          payer: claim.note ?? undefined,
          channel: 'phone',
          clientKey: `claim-${claim.id}`,
        },
        { mime: receipt.mime, data: Buffer.from(receipt.data) },
        trx,
      );
      await trx.updateTable('fund_claims').set({ movement_id: movement.id }).where('id', '=', claim.id).execute();
    }
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: body.isConfirmed ? 'fund.claim_confirm' : 'fund.claim_reject',
      targetType: 'fund',
      targetId: fund.id,
      orgPath: fund.org_path,
      detail: { claimId: claim.id },
    });
  });
  const row = await deps.db.selectFrom('fund_claims').selectAll().where('id', '=', claim.id).executeTakeFirstOrThrow();
  return (await claimsOut(deps.db, [row]))[0]!;
}
