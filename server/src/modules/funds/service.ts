import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, canAt, inScope } from '../../platform/access/scope.ts';
import type { Permission } from '../../platform/access/roles.ts';
import { requireWritten } from '../../platform/audit/guarded-write.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import { currentDay } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { conflict, forbidden, invalidField, notFound } from '../../platform/errors.ts';
import type { UploadedFile } from '../../platform/http/multipart.ts';
import { newId } from '../../platform/ids.ts';
import { sniffImageType } from '../cases/photos.ts';
import { listAdoptedDecisionsAt } from '../councils/decisions.ts';
import { decisionTitles, requireApprovingDecision } from './decisions.ts';
import { type LedgerMovement, monthOf, splitLevy, statementOf } from './ledger.ts';
import type { FundCreateBody, LevyBody, MovementBody, OwnersBody, OwnersImportBody } from './schema.ts';
import type { FundMovementTable, FundTable, MovementSource } from './tables.ts';
import { syncServiceFigures } from '../insights/service-figures.ts';
import { FUND_MOVEMENTS, FUND_OWNERS, fundOwnerKey } from './figures.ts';
import { countyKeyOf } from '../../db/county-key.ts';

export const FUND = { zh: '小区资金', en: 'Compound fund' };
const LEVY = { zh: '业主筹资', en: 'Levy' };
const MOVEMENT = { zh: '收支记录', en: 'Fund movement' };

/** A unique index refused the row (both engines' words for it). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint/.test(e.message ?? '');
}

/** The fund if it lies in the actor's scope for `permission`; 404 otherwise. */
export async function getFundInScope(deps: Pick<AppDeps, 'db'>, actor: Actor, permission: Permission, id: string) {
  const fund = await deps.db
    .selectFrom('funds')
    .selectAll()
    .where('id', '=', id)
    .where(inScope<DB, 'funds'>(actor, permission, 'org_path'))
    .executeTakeFirst();
  if (fund === undefined) throw notFound(FUND);
  return fund;
}

/** The community a compound lies in (its nearest community ancestor). */
async function communityOf(db: Kysely<DB>, path: string) {
  const segments = path.split('/').filter(Boolean);
  const ancestors = segments.map((_, i) => `/${segments.slice(0, i + 1).join('/')}/`);
  return db
    .selectFrom('org_units')
    .select(['id', 'path', 'name'])
    .where('path', 'in', ancestors)
    .where('level', '=', 'community')
    .executeTakeFirst();
}

export interface FundOut {
  id: string;
  compoundId: string;
  compoundName: string;
  name: string;
  balanceFen: number;
  ownerCount: number;
  createdAt: string;
}

async function fundsOut(db: Kysely<DB>, funds: FundTable[]): Promise<FundOut[]> {
  if (funds.length === 0) return [];
  const ids = funds.map((f) => f.id);
  const [balances, owners, units] = await Promise.all([
    db
      .selectFrom('fund_movements')
      .select(['fund_id', (eb) => eb.fn.sum<number | string>('amount_fen').as('balance')])
      .where('fund_id', 'in', ids)
      .groupBy('fund_id')
      .execute(),
    db
      .selectFrom('fund_owners')
      .select(['fund_id', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('fund_id', 'in', ids)
      .groupBy('fund_id')
      .execute(),
    db
      .selectFrom('org_units')
      .select(['id', 'name'])
      .where(
        'id',
        'in',
        funds.map((f) => f.compound_id),
      )
      .execute(),
  ]);
  const balance = new Map(balances.map((b) => [b.fund_id, Number(b.balance)]));
  const ownerCount = new Map(owners.map((o) => [o.fund_id, Number(o.n)]));
  const name = new Map(units.map((u) => [u.id, u.name]));
  return funds.map((f) => ({
    id: f.id,
    compoundId: f.compound_id,
    compoundName: name.get(f.compound_id) ?? '',
    name: f.name,
    balanceFen: balance.get(f.id) ?? 0,
    ownerCount: ownerCount.get(f.id) ?? 0,
    createdAt: f.created_at,
  }));
}

/** Opens the fund of a compound (one per compound) where the actor manages funds. */
export async function createFund(deps: AppDeps, actor: Actor, body: FundCreateBody): Promise<FundOut> {
  const compound = await deps.db
    .selectFrom('org_units')
    .select(['id', 'path', 'name', 'level'])
    .where('id', '=', body.compoundId)
    .where('retired_at', 'is', null)
    .executeTakeFirst();
  if (compound === undefined || !canAt(actor, 'fund.read', compound.path))
    throw notFound({ zh: '小区', en: 'Compound' });
  if (!canAt(actor, 'fund.manage', compound.path)) throw forbidden();
  if (compound.level !== 'compound') {
    throw invalidField('compoundId', 'not_a_compound', {
      zh: '资金须建在小区之下',
      en: 'A fund belongs to a compound (小区)',
    });
  }
  const now = deps.clock.now().toISOString();
  const row: FundTable = {
    id: newId(),
    compound_id: compound.id,
    org_path: compound.path,
    name: body.name ?? `${compound.name}物业资金`,
    movement_count: 0,
    created_at: now,
    created_by_name: actor.displayName,
  };
  await deps.db.transaction().execute((trx) =>
    requireWritten(
      trx,
      trx
        .insertInto('funds')
        .values(row)
        .onConflict((oc) => oc.column('compound_id').doNothing())
        .executeTakeFirst(),
      () => conflict('CONFLICT', 'compoundId', { zh: '该小区已有资金账户', en: 'This compound already has a fund' }),
      {
        clock: deps.clock,
        who: whoFromActor(actor),
        entry: {
          action: 'fund.create',
          targetType: 'fund',
          targetId: row.id,
          orgPath: row.org_path,
          detail: { compoundId: compound.id, name: row.name },
        },
      },
    ),
  );
  return (await fundsOut(deps.db, [row]))[0]!;
}

/** The funds in the actor's scope (or below one unit), with their balances. */
export async function listFunds(deps: AppDeps, actor: Actor, orgPath?: string) {
  let q = deps.db
    .selectFrom('funds')
    .selectAll()
    .where(inScope<DB, 'funds'>(actor, 'fund.read', 'org_path'));
  if (orgPath !== undefined) q = q.where('org_path', '>=', orgPath).where('org_path', '<', `${orgPath.slice(0, -1)}0`);
  const rows = await q.orderBy('org_path').limit(500).execute();
  return { items: await fundsOut(deps.db, rows) };
}

export async function getFundOut(deps: AppDeps, actor: Actor, id: string): Promise<FundOut> {
  return (await fundsOut(deps.db, [await getFundInScope(deps, actor, 'fund.read', id)]))[0]!;
}

/**
 * Adds owner households (or corrects their floor area). A household must be one the actor sees in the
 * compound's community: the compound's owners are whom its staff say they are.
 */
export async function setOwners(deps: AppDeps, actor: Actor, fundId: string, body: OwnersBody) {
  const fund = await getFundInScope(deps, actor, 'fund.manage', fundId);
  const community = await communityOf(deps.db, fund.org_path);
  const root = community?.path ?? fund.org_path;
  const ids = [...new Set(body.owners.map((o) => o.householdId))];
  if (ids.length !== body.owners.length) {
    throw invalidField('owners', 'duplicate', { zh: '同一户出现了两次', en: 'A household is listed twice' });
  }
  const households = await deps.db
    .selectFrom('households')
    .select(['id', 'org_path'])
    .where('id', 'in', ids)
    .where('org_path', '>=', root)
    .where('org_path', '<', `${root.slice(0, -1)}0`)
    .where(inScope<DB, 'households'>(actor, 'fund.manage', 'org_path'))
    .execute();
  const found = new Map(households.map((h) => [h.id, h.org_path]));
  const missing = body.owners.findIndex((o) => !found.has(o.householdId));
  if (missing >= 0) {
    throw invalidField(`owners.${missing}.householdId`, 'not_in_community', {
      zh: '该户不在本小区所在社区',
      en: 'No such household in the compound’s community',
    });
  }
  await saveOwners(deps, actor, fund, body.owners, found, 'form');
  return listOwners(deps, actor, fund.id);
}

/** Writes owner rows (new, or the area corrected) with their figures and one audit record, in one transaction. */
async function saveOwners(
  deps: AppDeps,
  actor: Actor,
  fund: { id: string; org_path: string },
  owners: readonly { householdId: string; areaM2: number }[],
  pathOf: ReadonlyMap<string, string>,
  via: 'form' | 'list',
) {
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    for (const o of owners) {
      const area = Math.round(o.areaM2 * 100);
      const updated = await trx
        .updateTable('fund_owners')
        .set({ area_centi_m2: area })
        .where('fund_id', '=', fund.id)
        .where('household_id', '=', o.householdId)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) {
        await trx
          .insertInto('fund_owners')
          .values({
            fund_id: fund.id,
            household_id: o.householdId,
            org_path: pathOf.get(o.householdId)!,
            area_centi_m2: area,
            added_at: now,
          })
          .execute();
      }
    }
    await syncServiceFigures(
      trx,
      FUND_OWNERS,
      owners.map((o) => fundOwnerKey(fund.id, o.householdId)),
    );
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'fund.owners_set',
      targetType: 'fund',
      targetId: fund.id,
      orgPath: fund.org_path,
      detail: { households: owners.length, via },
    });
  });
}

/**
 * 批量登记: owner households from a pasted list of registry addresses and floor areas, all or none. Each
 * address must name exactly one household the actor sees in the compound's community; a row that does not
 * (none, several, or a second row for the same household) is refused by its number and field.
 */
export async function importOwners(deps: AppDeps, actor: Actor, fundId: string, body: OwnersImportBody) {
  const fund = await getFundInScope(deps, actor, 'fund.manage', fundId);
  const community = await communityOf(deps.db, fund.org_path);
  const root = community?.path ?? fund.org_path;
  const addresses = [...new Set(body.rows.map((r) => r.address))];
  const households: { id: string; org_path: string; address: string }[] = [];
  for (let i = 0; i < addresses.length; i += 500) {
    households.push(
      ...(await deps.db
        .selectFrom('households')
        .select(['id', 'org_path', 'address'])
        .where('address', 'in', addresses.slice(i, i + 500))
        .where('org_path', '>=', root)
        .where('org_path', '<', `${root.slice(0, -1)}0`)
        .where(inScope<DB, 'households'>(actor, 'fund.manage', 'org_path'))
        .execute()),
    );
  }
  const seen = new Map<string, number>();
  const owners = body.rows.map((row, i) => {
    const matches = households.filter((h) => h.address === row.address);
    if (matches.length === 0) {
      throw invalidField(`rows.${i}.address`, 'not_in_community', {
        zh: `第 ${i + 1} 行：本社区台账中没有这个地址的住户`,
        en: `Row ${i + 1}: no household at this address in the community's registry`,
      });
    }
    if (matches.length > 1) {
      throw invalidField(`rows.${i}.address`, 'ambiguous', {
        zh: `第 ${i + 1} 行：台账中有 ${matches.length} 户是这个地址，请逐户登记`,
        en: `Row ${i + 1}: ${matches.length} households share this address; add them one by one`,
      });
    }
    const earlier = seen.get(matches[0]!.id);
    if (earlier !== undefined) {
      throw invalidField(`rows.${i}.address`, 'duplicate', {
        zh: `第 ${i + 1} 行：与第 ${earlier + 1} 行是同一户`,
        en: `Row ${i + 1}: the same household as row ${earlier + 1}`,
      });
    }
    seen.set(matches[0]!.id, i);
    return { householdId: matches[0]!.id, areaM2: row.areaM2 };
  });
  await saveOwners(deps, actor, fund, owners, new Map(households.map((h) => [h.id, h.org_path])), 'list');
  return listOwners(deps, actor, fund.id);
}

/** What each household owes and paid, summed over levies and owners' movements. */
export async function householdAccounts(db: Kysely<DB>, fundId: string, householdIds?: string[]) {
  let dues = db
    .selectFrom('fund_dues')
    .select(['household_id', (eb) => eb.fn.sum<number | string>('due_fen').as('fen')])
    .where('fund_id', '=', fundId);
  let paid = db
    .selectFrom('fund_movements')
    .select(['household_id', (eb) => eb.fn.sum<number | string>('amount_fen').as('fen')])
    .where('fund_id', '=', fundId)
    .where('source', '=', 'owner');
  if (householdIds !== undefined) {
    if (householdIds.length === 0) return new Map<string, { dueFen: number; paidFen: number; arrearsFen: number }>();
    dues = dues.where('household_id', 'in', householdIds);
    paid = paid.where('household_id', 'in', householdIds);
  }
  const [d, p] = await Promise.all([dues.groupBy('household_id').execute(), paid.groupBy('household_id').execute()]);
  const out = new Map<string, { dueFen: number; paidFen: number; arrearsFen: number }>();
  const at = (id: string) => out.get(id) ?? { dueFen: 0, paidFen: 0, arrearsFen: 0 };
  for (const r of d) out.set(r.household_id, { ...at(r.household_id), dueFen: Number(r.fen) });
  for (const r of p)
    if (r.household_id !== null) out.set(r.household_id, { ...at(r.household_id), paidFen: Number(r.fen) });
  for (const v of out.values()) v.arrearsFen = Math.max(0, v.dueFen - v.paidFen);
  return out;
}

/** The owners with what each owes, paid and is behind by (欠缴), those most behind first. */
export async function listOwners(deps: AppDeps, actor: Actor, fundId: string) {
  const fund = await getFundInScope(deps, actor, 'fund.read', fundId);
  const rows = await deps.db
    .selectFrom('fund_owners')
    .innerJoin('households', 'households.id', 'fund_owners.household_id')
    .select(['fund_owners.household_id', 'fund_owners.area_centi_m2', 'households.address'])
    .where('fund_owners.fund_id', '=', fund.id)
    .execute();
  const accounts = await householdAccounts(deps.db, fund.id);
  const items = rows
    .map((r) => {
      const a = accounts.get(r.household_id) ?? { dueFen: 0, paidFen: 0, arrearsFen: 0 };
      return { householdId: r.household_id, address: r.address, areaM2: r.area_centi_m2 / 100, ...a };
    })
    .sort((a, b) => b.arrearsFen - a.arrearsFen || a.address.localeCompare(b.address, 'zh-CN'));
  return { items, totalArrearsFen: items.reduce((s, i) => s + i.arrearsFen, 0) };
}

/** Calls for owners' contributions: each owner household's due is fixed now (ledger.ts splitLevy). */
export async function createLevy(deps: AppDeps, actor: Actor, fundId: string, body: LevyBody) {
  const fund = await getFundInScope(deps, actor, 'fund.manage', fundId);
  if (body.decisionId !== undefined) await requireApprovingDecision(deps.db, actor, body.decisionId, fund.org_path);
  const owners = await deps.db
    .selectFrom('fund_owners')
    .select(['household_id', 'area_centi_m2'])
    .where('fund_id', '=', fund.id)
    .execute();
  if (owners.length === 0) {
    throw invalidField('basis', 'no_owners', {
      zh: '请先登记小区的业主户',
      en: 'Add the compound’s owner households first',
    });
  }
  const dues = splitLevy(
    body.basis,
    body.rateFen,
    owners.map((o) => ({ householdId: o.household_id, areaCentiM2: o.area_centi_m2 })),
  );
  const total = [...dues.values()].reduce((s, v) => s + v, 0);
  const now = deps.clock.now().toISOString();
  const id = newId();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('fund_levies')
      .values({
        id,
        fund_id: fund.id,
        org_path: fund.org_path,
        title: body.title,
        basis: body.basis,
        rate_fen: body.rateFen,
        decision_id: body.decisionId ?? null,
        due_on: body.dueOn,
        total_fen: total,
        created_at: now,
        created_by_name: actor.displayName,
      })
      .execute();
    for (const [householdId, due] of dues) {
      await trx
        .insertInto('fund_dues')
        .values({
          levy_id: id,
          fund_id: fund.id,
          household_id: householdId,
          due_fen: due,
          county_key: countyKeyOf(fund.org_path),
        })
        .execute();
    }
    await syncServiceFigures(
      trx,
      FUND_OWNERS,
      [...dues.keys()].map((h) => fundOwnerKey(fund.id, h)),
    );
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'fund.levy_create',
      targetType: 'fund',
      targetId: fund.id,
      orgPath: fund.org_path,
      detail: { levyId: id, basis: body.basis, rateFen: body.rateFen, totalFen: total },
    });
  });
  return {
    id,
    title: body.title,
    basis: body.basis,
    rateFen: body.rateFen,
    decisionId: body.decisionId ?? null,
    dueOn: body.dueOn,
    totalFen: total,
    households: dues.size,
    createdAt: now,
  };
}

/**
 * Corrects a levy (its title, basis, rate, decision or due date) while nobody has paid against it: every
 * owner household's due is fixed again from the owners as they are now. Once an owner's payment for it is
 * in the ledger, or an owner has reported paying it from her phone (a claim not yet refused), the dues are
 * what people paid against and the levy stays as it is: 409 naming `levyId` — make a new levy for the
 * difference instead. The ledger itself is never touched; the change is audited with the levy before and after.
 */
export async function updateLevy(deps: AppDeps, actor: Actor, fundId: string, levyId: string, body: LevyBody) {
  const fund = await getFundInScope(deps, actor, 'fund.manage', fundId);
  const levy = await deps.db
    .selectFrom('fund_levies')
    .selectAll()
    .where('id', '=', levyId)
    .where('fund_id', '=', fund.id)
    .executeTakeFirst();
  if (levy === undefined) throw notFound(LEVY);
  if (body.decisionId !== undefined) await requireApprovingDecision(deps.db, actor, body.decisionId, fund.org_path);
  const owners = await deps.db
    .selectFrom('fund_owners')
    .select(['household_id', 'area_centi_m2'])
    .where('fund_id', '=', fund.id)
    .execute();
  const dues = splitLevy(
    body.basis,
    body.rateFen,
    owners.map((o) => ({ householdId: o.household_id, areaCentiM2: o.area_centi_m2 })),
  );
  if (dues.size === 0) {
    throw invalidField('basis', 'no_owners', {
      zh: '请先登记小区的业主户',
      en: 'Add the compound’s owner households first',
    });
  }
  const total = [...dues.values()].reduce((s, v) => s + v, 0);
  await deps.db.transaction().execute(async (trx) => {
    // the fund row's lock (PostgreSQL; SQLite has one writer): no payment is recorded while we look and rewrite
    await trx
      .updateTable('funds')
      .set((eb) => ({ movement_count: eb('movement_count', '+', 0) }))
      .where('id', '=', fund.id)
      .execute();
    const [paid, claimed] = await Promise.all([
      trx.selectFrom('fund_movements').select('id').where('levy_id', '=', levy.id).limit(1).executeTakeFirst(),
      trx
        .selectFrom('fund_claims')
        .select('id')
        .where('levy_id', '=', levy.id)
        .where('status', '!=', 'rejected')
        .limit(1)
        .executeTakeFirst(),
    ]);
    if (paid !== undefined || claimed !== undefined) {
      throw conflict('INVALID_STATE', 'levyId', {
        zh: '已有业主按这项筹资缴款（或在手机上报了缴款），应缴额不能再改；差额请另发起一项筹资',
        en: 'An owner has paid against this levy (or reported paying it): its dues stand. Levy the difference separately',
      });
    }
    const before = await trx.selectFrom('fund_dues').select('household_id').where('levy_id', '=', levy.id).execute();
    await trx.deleteFrom('fund_dues').where('levy_id', '=', levy.id).execute();
    for (const [householdId, due] of dues) {
      await trx
        .insertInto('fund_dues')
        .values({
          levy_id: levy.id,
          fund_id: fund.id,
          household_id: householdId,
          due_fen: due,
          county_key: countyKeyOf(fund.org_path),
        })
        .execute();
    }
    await trx
      .updateTable('fund_levies')
      .set({
        title: body.title,
        basis: body.basis,
        rate_fen: body.rateFen,
        decision_id: body.decisionId ?? null,
        due_on: body.dueOn,
        total_fen: total,
      })
      .where('id', '=', levy.id)
      .execute();
    await syncServiceFigures(trx, FUND_OWNERS, [
      ...new Set([...before.map((d) => d.household_id), ...dues.keys()].map((h) => fundOwnerKey(fund.id, h))),
    ]);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'fund.levy_update',
      targetType: 'fund',
      targetId: fund.id,
      orgPath: fund.org_path,
      detail: {
        levyId: levy.id,
        before: {
          title: levy.title,
          basis: levy.basis,
          rateFen: levy.rate_fen,
          dueOn: levy.due_on,
          totalFen: levy.total_fen,
        },
        after: { title: body.title, basis: body.basis, rateFen: body.rateFen, dueOn: body.dueOn, totalFen: total },
      },
    });
  });
  return {
    id: levy.id,
    title: body.title,
    basis: body.basis,
    rateFen: body.rateFen,
    decisionId: body.decisionId ?? null,
    dueOn: body.dueOn,
    totalFen: total,
    households: dues.size,
    createdAt: levy.created_at,
  };
}

export async function listLevies(db: Kysely<DB>, fundId: string) {
  const rows = await db
    .selectFrom('fund_levies')
    .selectAll()
    .where('fund_id', '=', fundId)
    .orderBy('created_at', 'desc')
    .execute();
  const counts = await db
    .selectFrom('fund_dues')
    .select(['levy_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('fund_id', '=', fundId)
    .groupBy('levy_id')
    .execute();
  const n = new Map(counts.map((c) => [c.levy_id, Number(c.n)]));
  return {
    items: rows.map((r) => ({
      id: r.id,
      title: r.title,
      basis: r.basis,
      rateFen: r.rate_fen,
      decisionId: r.decision_id,
      dueOn: r.due_on,
      totalFen: r.total_fen,
      households: n.get(r.id) ?? 0,
      createdAt: r.created_at,
    })),
  };
}

export async function listLeviesInScope(deps: AppDeps, actor: Actor, fundId: string) {
  const fund = await getFundInScope(deps, actor, 'fund.read', fundId);
  return listLevies(deps.db, fund.id);
}

/** The one receipt photo of a movement: an image by its bytes, required for every movement. */
export function checkReceipt(files: UploadedFile[]): { mime: string; data: Buffer } {
  const file = files[0];
  if (file === undefined) {
    throw invalidField('receipt', 'required', {
      zh: '请附上收据或凭证照片',
      en: 'Attach a photo of the receipt',
    });
  }
  const mime = sniffImageType(file.data);
  if (mime === null) {
    throw invalidField('receipt', 'not_an_image', {
      zh: '凭证须为图片（JPEG、PNG、WebP、HEIC）',
      en: 'The receipt must be an image (JPEG, PNG, WebP or HEIC)',
    });
  }
  return { mime, data: file.data };
}

const notForSource = (field: string, source: MovementSource) =>
  invalidField(field, 'not_for_source', {
    zh: `${SOURCE_NAMES[source].zh}不填此项`,
    en: `Not used for ${SOURCE_NAMES[source].en}`,
  });

export const SOURCE_NAMES: Record<MovementSource, { zh: string; en: string }> = {
  owner: { zh: '业主自筹', en: 'owners’ contributions' },
  subsidy: { zh: '政府补贴', en: 'government subsidy' },
  company: { zh: '物业调配', en: 'the property company’s share' },
  spending: { zh: '支出', en: 'spending' },
};

interface MovementInput extends MovementBody {
  channel?: 'staff' | 'phone';
}

/**
 * Records one movement with its receipt. Each takes the fund's next sequence number by a conditional
 * update of the fund row, so writers on one fund queue behind each other and a spending's check of the
 * balance cannot race another spending. A client key makes the request idempotent.
 */
export async function recordMovement(
  deps: AppDeps,
  actor: Actor,
  fundId: string,
  input: MovementInput,
  receipt: { mime: string; data: Buffer },
  trxIn?: Kysely<DB>,
): Promise<{ movement: MovementOut; balanceFen: number; isNew: boolean }> {
  // inside a caller's transaction every read goes through it (SQLite has one connection)
  const db = trxIn ?? deps.db;
  const fund = await getFundInScope({ db }, actor, 'fund.manage', fundId);
  const { source } = input;
  const today = currentDay(deps.clock.now());
  if (input.occurredOn > today) {
    throw invalidField('occurredOn', 'in_future', { zh: '日期不能晚于今天', en: 'The date cannot be after today' });
  }
  // which fields belong to which source
  if (source !== 'owner' && input.householdId !== undefined) throw notForSource('householdId', source);
  if (source !== 'owner' && input.levyId !== undefined) throw notForSource('levyId', source);
  if (source !== 'spending' && input.decisionId !== undefined) throw notForSource('decisionId', source);
  if (source !== 'company' && input.companyId !== undefined) throw notForSource('companyId', source);
  let payer = input.payer ?? null;
  if (source === 'owner') {
    if (input.householdId === undefined) {
      throw invalidField('householdId', 'required', { zh: '请选择缴款的业主户', en: 'Choose the owner household' });
    }
    const owner = await db
      .selectFrom('fund_owners')
      .select('household_id')
      .where('fund_id', '=', fund.id)
      .where('household_id', '=', input.householdId)
      .executeTakeFirst();
    if (owner === undefined) {
      throw invalidField('householdId', 'not_an_owner', {
        zh: '该户不是本小区资金的业主户',
        en: 'The household is not an owner of this fund',
      });
    }
    if (input.levyId !== undefined) {
      const levy = await db
        .selectFrom('fund_levies')
        .select('id')
        .where('id', '=', input.levyId)
        .where('fund_id', '=', fund.id)
        .executeTakeFirst();
      if (levy === undefined) {
        throw invalidField('levyId', 'unknown_levy', { zh: '本资金没有这项筹资', en: 'No such levy of this fund' });
      }
    }
  }
  if (source === 'subsidy' && payer === null) {
    throw invalidField('payer', 'required', {
      zh: '请填写拨付补贴的部门',
      en: 'Name the department that paid the subsidy',
    });
  }
  if (source === 'company') {
    if (input.companyId === undefined) {
      throw invalidField('companyId', 'required', { zh: '请选择物业公司', en: 'Choose the property company' });
    }
    const company = await db
      .selectFrom('property_contracts')
      .innerJoin('property_companies', 'property_companies.id', 'property_contracts.company_id')
      .select(['property_companies.name'])
      .where('property_contracts.company_id', '=', input.companyId)
      .where('property_contracts.compound_id', '=', fund.compound_id)
      .executeTakeFirst();
    if (company === undefined) {
      throw invalidField('companyId', 'no_contract', {
        zh: '该物业公司与本小区没有合同',
        en: 'The company has no contract for this compound',
      });
    }
    payer = company.name;
  }
  let decisionId: string | null = null;
  if (source === 'spending') {
    decisionId = (await requireApprovingDecision(db, actor, input.decisionId, fund.org_path)).id;
    if (input.purpose === undefined) {
      throw invalidField('purpose', 'required', { zh: '请填写支出用途', en: 'Say what the money was spent on' });
    }
  }
  const now = deps.clock.now().toISOString();
  const amount = source === 'spending' ? -input.amountFen : input.amountFen;
  const sha256 = crypto.createHash('sha256').update(receipt.data).digest('hex');

  const write = async (trx: Kysely<DB>) => {
    if (input.clientKey !== undefined) {
      const existing = await findByClientKey(trx, fund.id, input.clientKey);
      if (existing !== undefined) return { row: existing, isNew: false };
    }
    // take the next number: the fund row's lock is held until commit (PostgreSQL), SQLite has one writer
    const bumped = await trx
      .updateTable('funds')
      .set((eb) => ({ movement_count: eb('movement_count', '+', 1) }))
      .where('id', '=', fund.id)
      .returning('movement_count')
      .executeTakeFirstOrThrow();
    if (source === 'spending') {
      const balance = await balanceIn(trx, fund.id);
      if (balance + amount < 0) {
        throw conflict('INVALID_STATE', 'amountFen', {
          zh: `余额不足：当前余额 ${(balance / 100).toFixed(2)} 元`,
          en: `Not enough in the fund: the balance is ${(balance / 100).toFixed(2)} yuan`,
        });
      }
    }
    const row: FundMovementTable = {
      id: newId(),
      fund_id: fund.id,
      seq: Number(bumped.movement_count),
      org_path: fund.org_path,
      county_key: countyKeyOf(fund.org_path),
      source,
      amount_fen: amount,
      household_id: input.householdId ?? null,
      levy_id: input.levyId ?? null,
      decision_id: decisionId,
      company_id: input.companyId ?? null,
      payer,
      purpose: input.purpose ?? null,
      occurred_on: input.occurredOn,
      month: monthOf(input.occurredOn),
      channel: input.channel ?? 'staff',
      client_key: input.clientKey ?? null,
      receipt_mime: receipt.mime,
      receipt_sha256: sha256,
      recorded_by: actor.userId,
      recorded_by_name: actor.displayName,
      created_at: now,
    };
    await trx.insertInto('fund_movements').values(row).execute();
    await syncServiceFigures(trx, FUND_MOVEMENTS, [row.id]);
    if (row.household_id !== null)
      await syncServiceFigures(trx, FUND_OWNERS, [fundOwnerKey(fund.id, row.household_id)]);
    await trx
      .insertInto('fund_receipts')
      .values({
        id: row.id,
        fund_id: fund.id,
        mime: receipt.mime,
        size: receipt.data.length,
        data: receipt.data,
        created_at: now,
      })
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'fund.movement_record',
      targetType: 'fund',
      targetId: fund.id,
      orgPath: fund.org_path,
      detail: { movementId: row.id, source, amountFen: amount, decisionId, channel: row.channel },
    });
    return { row, isNew: true };
  };

  let result: { row: FundMovementTable; isNew: boolean };
  try {
    result = trxIn !== undefined ? await write(trxIn) : await deps.db.transaction().execute(write);
  } catch (error) {
    if (isUniqueViolation(error) && input.clientKey !== undefined && trxIn === undefined) {
      const existing = await findByClientKey(deps.db, fund.id, input.clientKey);
      if (existing !== undefined) result = { row: existing, isNew: false };
      else throw error;
    } else throw error;
  }
  const [movement] = await movementsOut(db, [result.row], true);
  return { movement: movement!, balanceFen: await balanceIn(db, fund.id), isNew: result.isNew };
}

function findByClientKey(db: Kysely<DB>, fundId: string, clientKey: string) {
  return db
    .selectFrom('fund_movements')
    .selectAll()
    .where('fund_id', '=', fundId)
    .where('client_key', '=', clientKey)
    .executeTakeFirst();
}

/** The balance: the sum of the fund's movements. */
export async function balanceIn(db: Kysely<DB>, fundId: string): Promise<number> {
  const row = await db
    .selectFrom('fund_movements')
    .select((eb) => eb.fn.sum<number | string | null>('amount_fen').as('balance'))
    .where('fund_id', '=', fundId)
    .executeTakeFirst();
  return Number(row?.balance ?? 0);
}

export interface MovementOut {
  id: string;
  seq: number;
  source: MovementSource;
  amountFen: number;
  occurredOn: string;
  householdId: string | null;
  household: string | null;
  levyId: string | null;
  decisionId: string | null;
  decision: string | null;
  companyId: string | null;
  payer: string | null;
  purpose: string | null;
  channel: 'staff' | 'phone';
  recordedByName: string;
  createdAt: string;
}

/**
 * Movements as the API shows them. Staff see which household paid; an owner (`showsHouseholds` false)
 * sees only that an owner paid, except for her own household's (`ownHouseholds`).
 */
export async function movementsOut(
  db: Kysely<DB>,
  rows: FundMovementTable[],
  showsHouseholds: boolean,
  ownHouseholds: Set<string> = new Set(),
): Promise<MovementOut[]> {
  const householdIds = [...new Set(rows.map((r) => r.household_id).filter((h): h is string => h !== null))];
  const addresses =
    householdIds.length === 0
      ? new Map<string, string>()
      : new Map(
          (await db.selectFrom('households').select(['id', 'address']).where('id', 'in', householdIds).execute()).map(
            (h) => [h.id, h.address],
          ),
        );
  const titles = await decisionTitles(
    db,
    rows.map((r) => r.decision_id).filter((d): d is string => d !== null),
  );
  return rows.map((r) => {
    const isShown = r.household_id !== null && (showsHouseholds || ownHouseholds.has(r.household_id));
    return {
      id: r.id,
      seq: r.seq,
      source: r.source,
      amountFen: r.amount_fen,
      occurredOn: r.occurred_on,
      householdId: isShown ? r.household_id : null,
      household: isShown ? (addresses.get(r.household_id!) ?? null) : null,
      levyId: r.levy_id,
      decisionId: r.decision_id,
      decision: r.decision_id === null ? null : (titles.get(r.decision_id) ?? null),
      companyId: r.company_id,
      payer: r.source === 'owner' && !isShown ? null : r.payer,
      purpose: r.purpose,
      channel: r.channel,
      recordedByName: showsHouseholds ? r.recorded_by_name : '',
      createdAt: r.created_at,
    };
  });
}

/**
 * The ledger: the statement of a month (or of the whole life), the months that have movements, and the
 * movements (of the month, or the latest 200).
 */
export async function readLedger(
  db: Kysely<DB>,
  fund: FundTable,
  month: string | undefined,
  view: { showsHouseholds: boolean; ownHouseholds?: Set<string> },
) {
  const all = await db
    .selectFrom('fund_movements')
    .select(['source', 'amount_fen', 'month', 'decision_id'])
    .where('fund_id', '=', fund.id)
    .execute();
  const figures = statementOf(
    all.map((m): LedgerMovement => ({
      source: m.source,
      amountFen: Number(m.amount_fen),
      month: m.month,
      decisionId: m.decision_id,
    })),
    month ?? null,
  );
  const titles = await decisionTitles(
    db,
    figures.spendingByDecision.map((d) => d.decisionId),
  );
  let q = db.selectFrom('fund_movements').selectAll().where('fund_id', '=', fund.id);
  if (month !== undefined) q = q.where('month', '=', month);
  const rows = await q
    .orderBy('seq', 'desc')
    .limit(month === undefined ? 200 : 2000)
    .execute();
  const [fundOut] = await fundsOut(db, [fund]);
  return {
    fund: fundOut!,
    statement: {
      ...figures,
      spendingByDecision: figures.spendingByDecision.map((d) => ({
        ...d,
        decision: titles.get(d.decisionId) ?? d.decisionId,
      })),
    },
    months: [...new Set(all.map((m) => m.month))].sort().reverse(),
    movements: await movementsOut(db, rows, view.showsHouseholds, view.ownHouseholds),
  };
}

export async function getLedger(deps: AppDeps, actor: Actor, fundId: string, month?: string) {
  const fund = await getFundInScope(deps, actor, 'fund.read', fundId);
  return readLedger(deps.db, fund, month, { showsHouseholds: true });
}

/** A movement's receipt photo, for staff who may read the fund. */
export async function getReceipt(deps: AppDeps, actor: Actor, fundId: string, movementId: string) {
  const fund = await getFundInScope(deps, actor, 'fund.read', fundId);
  const row = await deps.db
    .selectFrom('fund_receipts')
    .select(['mime', 'data'])
    .where('id', '=', movementId)
    .where('fund_id', '=', fund.id)
    .executeTakeFirst();
  if (row === undefined) throw notFound(MOVEMENT);
  return row;
}

/** The adopted council decisions a spending of this fund may name: taken at its compound or a unit above. */
export async function listApprovingDecisions(deps: AppDeps, actor: Actor, fundId: string) {
  const fund = await getFundInScope(deps, actor, 'fund.read', fundId);
  const segments = fund.org_path.split('/').filter(Boolean);
  const ancestors = segments.map((_, i) => `/${segments.slice(0, i + 1).join('/')}/`);
  return { items: await listAdoptedDecisionsAt(deps.db, ancestors) };
}
