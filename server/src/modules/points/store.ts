import { countyKeyOf } from '../../db/county-key.ts';
import type { DB } from '../../db/types.ts';
import { type Actor, canAt, inScope } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, conflict, invalidField, notFound } from '../../platform/errors.ts';
import { getAllianceResource } from '../party/alliance.ts';
import { newId } from '../../platform/ids.ts';
import { communityPathOf } from '../fieldwork/policies.ts';
import { communityAccount, isUniqueViolation, memberAccount, memberBalance, postJournal } from './ledger.ts';
import { communityOfOrg, myMember } from './service.ts';
import type { StoreItemTable, StoreRedemptionTable } from './tables.ts';
import { syncServiceFigures } from '../insights/service-figures.ts';
import { STORE_REDEMPTIONS } from './figures.ts';

/**
 * 积分超市 (issue 14, item 7). Stock moves only by conditional updates (`stock >= quantity`) and points
 * only by ledger journals, both in the redemption's one transaction: either the item leaves the shelf
 * and her points leave her account, or neither. A redemption is idempotent by her client key (the same
 * key answers the first redemption); a reversal is a compensating journal and puts the stock back.
 */

const ITEM = { zh: '兑换商品', en: 'Store item' };
const REDEMPTION = { zh: '兑换记录', en: 'Redemption' };

export const itemOut = (r: StoreItemTable) => ({
  id: r.id,
  orgId: r.org_id,
  name: r.name,
  description: r.description,
  price: r.price,
  stock: r.stock,
  stockedTotal: r.stocked_total,
  donorUnitId: r.donor_unit_id,
  donorName: r.donor_name,
  resourceId: r.resource_id,
  status: r.status,
  createdAt: r.created_at,
});

export const redemptionOut = (r: StoreRedemptionTable, itemName: string) => ({
  id: r.id,
  itemId: r.item_id,
  itemName,
  residentName: r.resident_name,
  clientKey: r.client_key,
  quantity: r.quantity,
  points: r.points,
  journalId: r.journal_id,
  status: r.status,
  createdAt: r.created_at,
  pickedUpAt: r.picked_up_at,
  pickedUpByName: r.picked_up_by_name,
  reversedAt: r.reversed_at,
  reverseReason: r.reverse_reason,
});

export interface ItemInput {
  orgId: string;
  name: string;
  description?: string | undefined;
  price: number;
  stock: number;
  donorName?: string | undefined;
  resourceId?: string | undefined;
}

/** Staff put an item on the shelf (a donation of an alliance unit, linked to its resources list). */
export async function createItem(deps: AppDeps, actor: Actor, input: ItemInput) {
  const community = await communityOfOrg(deps, input.orgId);
  if (!canAt(actor, 'points.manage', community.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  const donor = await resolveDonor(deps, community.path, input);
  const row: StoreItemTable = {
    id: newId(),
    org_id: community.id,
    org_path: community.path,
    name: input.name,
    description: input.description ?? null,
    price: input.price,
    stock: input.stock,
    stocked_total: input.stock,
    donor_unit_id: donor.unitId,
    donor_name: donor.name,
    resource_id: input.resourceId ?? null,
    status: 'active',
    created_at: deps.clock.now().toISOString(),
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('store_items').values(row).execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'store.item_create',
      targetType: 'storeItem',
      targetId: row.id,
      orgPath: row.org_path,
      detail: { price: row.price, stock: row.stock, donorUnitId: row.donor_unit_id },
    });
  });
  return itemOut(row);
}

/**
 * The donor: an entry of an alliance unit's resources list (资源清单) names its unit, whose name the shelf
 * shows; the resource must belong to an alliance of this community or of the street above it, and be
 * available. Without a resource, the name given (a resident's or a shop's donation).
 */
async function resolveDonor(
  deps: AppDeps,
  communityPath: string,
  input: Pick<ItemInput, 'resourceId' | 'donorName'>,
): Promise<{ unitId: string | null; name: string | null }> {
  if (input.resourceId === undefined) return { unitId: null, name: input.donorName ?? null };
  const resource = await getAllianceResource(deps.db, input.resourceId);
  if (resource === undefined || !communityPath.startsWith(resource.orgPath)) {
    throw invalidField('resourceId', 'unknown_resource', {
      zh: '没有这条联盟资源（须是本社区或所在街道党建联盟的资源清单）',
      en: 'No such resource in the alliance lists of this community or its street',
    });
  }
  if (!resource.isAvailable) {
    throw invalidField('resourceId', 'withdrawn', { zh: '该资源已撤回', en: 'This resource was withdrawn' });
  }
  return { unitId: resource.unitId, name: resource.unitName };
}

/** Staff restock (adds units) or change price and status. */
export async function updateItem(
  deps: AppDeps,
  actor: Actor,
  itemId: string,
  input: { price?: number | undefined; addStock?: number | undefined; status?: 'active' | 'withdrawn' | undefined },
) {
  return deps.db.transaction().execute(async (trx) => {
    const item = await trx
      .selectFrom('store_items')
      .selectAll()
      .where('id', '=', itemId)
      .where(inScope<DB, 'store_items'>(actor, 'points.manage', 'org_path'))
      .executeTakeFirst();
    if (item === undefined) throw notFound(ITEM);
    const add = input.addStock ?? 0;
    await trx
      .updateTable('store_items')
      .set((eb) => ({
        price: input.price ?? item.price,
        status: input.status ?? item.status,
        stock: eb('stock', '+', add),
        stocked_total: eb('stocked_total', '+', add),
      }))
      .where('id', '=', item.id)
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'store.item_update',
      targetType: 'storeItem',
      targetId: item.id,
      orgPath: item.org_path,
      detail: { price: input.price, addStock: add, status: input.status },
    });
    return itemOut(await trx.selectFrom('store_items').selectAll().where('id', '=', item.id).executeTakeFirstOrThrow());
  });
}

export async function listItemsForStaff(deps: AppDeps, actor: Actor, orgId: string) {
  const community = await communityOfOrg(deps, orgId);
  if (!canAt(actor, 'points.manage', community.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  const rows = await deps.db
    .selectFrom('store_items')
    .selectAll()
    .where('org_path', '=', community.path)
    .orderBy('created_at', 'desc')
    .limit(500)
    .execute();
  return { items: rows.map(itemOut) };
}

/** The shelf of her community's store, with her balance. */
export async function listMyStore(deps: AppDeps, actor: Actor) {
  const member = await myMember(deps.db, actor);
  const rows = await deps.db
    .selectFrom('store_items')
    .selectAll()
    .where('org_path', '=', member.communityPath)
    .where('status', '=', 'active')
    .orderBy('price')
    .limit(500)
    .execute();
  const account = await deps.db.transaction().execute((trx) => memberAccount(trx, deps.clock.now(), member));
  const { balance } = await memberBalance(deps.db, account.id);
  return { balance, items: rows.map(itemOut) };
}

const outOfStock = () =>
  new AppError('CONFLICT', { zh: '库存不足', en: 'Out of stock' }, [
    {
      code: 'out_of_stock',
      field: 'quantity',
      message_zh: '库存不足，已被兑完',
      message_en: 'Not enough left in stock',
    },
  ]);

async function findByKey(deps: AppDeps, userId: string, clientKey: string) {
  return deps.db
    .selectFrom('store_redemptions as r')
    .innerJoin('store_items as i', 'i.id', 'r.item_id')
    .selectAll('r')
    .select('i.name as item_name')
    .where('r.user_id', '=', userId)
    .where('r.client_key', '=', clientKey)
    .executeTakeFirst();
}

/**
 * She redeems `quantity` of an item of her community's store. One transaction: the stock's conditional
 * update (none left: 409 on quantity), the ledger journal (her balance short: 400 on quantity), the
 * redemption row (unique per her client key). The same key again answers the first redemption.
 */
export async function redeem(
  deps: AppDeps,
  actor: Actor,
  input: { itemId: string; quantity: number; clientKey: string },
): Promise<{ redemption: ReturnType<typeof redemptionOut>; balance: number; isNew: boolean }> {
  const member = await myMember(deps.db, actor);
  const again = async () => {
    const prior = await findByKey(deps, actor.userId, input.clientKey);
    if (prior === undefined) return undefined;
    if (prior.item_id !== input.itemId || prior.quantity !== input.quantity) {
      throw conflict('CONFLICT', 'clientKey', {
        zh: '这个请求号已用于另一次兑换',
        en: 'This client key was used for another redemption',
      });
    }
    const { balance } = await memberBalance(deps.db, prior.account_id);
    return { redemption: redemptionOut(prior, prior.item_name), balance, isNew: false };
  };
  const prior = await again();
  if (prior !== undefined) return prior;

  const item = await deps.db.selectFrom('store_items').selectAll().where('id', '=', input.itemId).executeTakeFirst();
  if (item === undefined || item.org_path !== member.communityPath || communityPathOf(item.org_path) === null) {
    throw notFound(ITEM);
  }
  if (item.status !== 'active') {
    throw conflict('INVALID_STATE', 'itemId', { zh: '该商品已下架', en: 'This item was withdrawn' });
  }
  const now = deps.clock.now();
  const points = item.price * input.quantity;
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const taken = await trx
        .updateTable('store_items')
        .set((eb) => ({ stock: eb('stock', '-', input.quantity) }))
        .where('id', '=', item.id)
        .where('status', '=', 'active')
        .where('stock', '>=', input.quantity)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 0) throw outOfStock();
      const account = await memberAccount(trx, now, member);
      const store = await communityAccount(trx, now, member.communityPath, 'store');
      const id = newId();
      const { journalId, balances } = await postJournal(trx, now, {
        communityPath: member.communityPath,
        kind: 'redeem',
        reason: `兑换 ${item.name} × ${input.quantity}`,
        source: { kind: 'store_redemption', id },
        actor: { id: actor.userId, name: actor.displayName },
        balanceField: 'quantity',
        postings: [
          { accountId: account.id, amount: -points },
          { accountId: store.id, amount: points },
        ],
      });
      const row: StoreRedemptionTable = {
        id,
        county_key: countyKeyOf(member.communityPath),
        item_id: item.id,
        org_path: member.communityPath,
        account_id: account.id,
        user_id: actor.userId,
        resident_id: member.residentId,
        resident_name: member.residentName,
        client_key: input.clientKey,
        quantity: input.quantity,
        points,
        journal_id: journalId,
        status: 'reserved',
        created_at: now.toISOString(),
        picked_up_at: null,
        picked_up_by_name: null,
        reversed_at: null,
        reversed_by_name: null,
        reverse_reason: null,
      };
      await trx.insertInto('store_redemptions').values(row).execute();
      await syncServiceFigures(trx, STORE_REDEMPTIONS, [row.id]);
      await recordAudit(trx, deps.clock, whoFromActor(actor), {
        action: 'store.redeem',
        targetType: 'storeRedemption',
        targetId: id,
        orgPath: member.communityPath,
        detail: { itemId: item.id, quantity: input.quantity, points },
      });
      return { redemption: redemptionOut(row, item.name), balance: balances.get(account.id)!, isNew: true };
    });
  } catch (error) {
    // the same key raced itself: the other request's redemption is the answer
    if (isUniqueViolation(error)) {
      const out = await again();
      if (out !== undefined) return out;
      throw conflict('CONFLICT', 'clientKey', { zh: '请稍后重试', en: 'Please try again' });
    }
    throw error;
  }
}

export async function listMyRedemptions(deps: AppDeps, actor: Actor) {
  const rows = await deps.db
    .selectFrom('store_redemptions as r')
    .innerJoin('store_items as i', 'i.id', 'r.item_id')
    .selectAll('r')
    .select('i.name as item_name')
    .where('r.user_id', '=', actor.userId)
    .orderBy('r.created_at', 'desc')
    .limit(100)
    .execute();
  return { items: rows.map((r) => redemptionOut(r, r.item_name)) };
}

export async function listRedemptions(
  deps: AppDeps,
  actor: Actor,
  orgId: string,
  status?: StoreRedemptionTable['status'],
) {
  const community = await communityOfOrg(deps, orgId);
  if (!canAt(actor, 'points.manage', community.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  let q = deps.db
    .selectFrom('store_redemptions as r')
    .innerJoin('store_items as i', 'i.id', 'r.item_id')
    .selectAll('r')
    .select('i.name as item_name')
    .where('r.org_path', '=', community.path);
  if (status !== undefined) q = q.where('r.status', '=', status);
  const rows = await q.orderBy('r.created_at', 'desc').limit(500).execute();
  return { items: rows.map((r) => redemptionOut(r, r.item_name)) };
}

async function redemptionInScope(trx: Parameters<typeof recordAudit>[0], actor: Actor, id: string) {
  const row = await trx
    .selectFrom('store_redemptions')
    .innerJoin('store_items', 'store_items.id', 'store_redemptions.item_id')
    .selectAll('store_redemptions')
    .select('store_items.name as item_name')
    .where('store_redemptions.id', '=', id)
    .where(inScope<DB, 'store_redemptions'>(actor, 'points.manage', 'store_redemptions.org_path'))
    .executeTakeFirst();
  if (row === undefined) throw notFound(REDEMPTION);
  return row;
}

/** Staff hand the item over: reserved → picked up (once). */
export async function confirmPickup(deps: AppDeps, actor: Actor, id: string) {
  const now = deps.clock.now().toISOString();
  return deps.db.transaction().execute(async (trx) => {
    const row = await redemptionInScope(trx, actor, id);
    const updated = await trx
      .updateTable('store_redemptions')
      .set({ status: 'picked_up', picked_up_at: now, picked_up_by_name: actor.displayName })
      .where('id', '=', row.id)
      .where('status', '=', 'reserved')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      throw conflict('INVALID_STATE', 'id', { zh: '该兑换已领取或已撤销', en: 'Already picked up or reversed' });
    }
    await syncServiceFigures(trx, STORE_REDEMPTIONS, [row.id]);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'store.pickup',
      targetType: 'storeRedemption',
      targetId: row.id,
      orgPath: row.org_path,
    });
    return redemptionOut(
      { ...row, status: 'picked_up', picked_up_at: now, picked_up_by_name: actor.displayName },
      row.item_name,
    );
  });
}

/**
 * Staff reverse a redemption not yet picked up: a compensating journal gives her points back (the
 * original movements stay), and the stock returns — in one transaction.
 */
export async function reverseRedemption(deps: AppDeps, actor: Actor, id: string, reason: string) {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const row = await redemptionInScope(trx, actor, id);
    const updated = await trx
      .updateTable('store_redemptions')
      .set({
        status: 'reversed',
        reversed_at: now.toISOString(),
        reversed_by_name: actor.displayName,
        reverse_reason: reason,
      })
      .where('id', '=', row.id)
      .where('status', '=', 'reserved')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      throw conflict('INVALID_STATE', 'id', {
        zh: '只能撤销尚未领取的兑换',
        en: 'Only a redemption not yet picked up can be reversed',
      });
    }
    await syncServiceFigures(trx, STORE_REDEMPTIONS, [row.id]);
    const store = await communityAccount(trx, now, row.org_path, 'store');
    await postJournal(trx, now, {
      communityPath: row.org_path,
      kind: 'reverse',
      reason: `撤销兑换：${reason}`.slice(0, 200),
      source: { kind: 'store_redemption', id: row.id },
      reversesId: row.journal_id,
      actor: { id: actor.userId, name: actor.displayName },
      postings: [
        { accountId: row.account_id, amount: row.points },
        { accountId: store.id, amount: -row.points },
      ],
    });
    await trx
      .updateTable('store_items')
      .set((eb) => ({ stock: eb('stock', '+', row.quantity) }))
      .where('id', '=', row.item_id)
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'store.reverse',
      targetType: 'storeRedemption',
      targetId: row.id,
      orgPath: row.org_path,
      detail: { points: row.points },
    });
    return redemptionOut(
      { ...row, status: 'reversed', reversed_at: now.toISOString(), reverse_reason: reason },
      row.item_name,
    );
  });
}
