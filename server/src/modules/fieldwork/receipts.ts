import type { Kysely } from 'kysely';
import type { countyKeyOfCase } from '../../db/county-key.ts';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access/scope.ts';
import { conflict } from '../../platform/errors.ts';
import type { SyncReceiptTable } from './tables.ts';

/**
 * The receipt of an item the device queued, or null when it is new. A client id is the device's own:
 * one used by another account, or for another kind of item, is refused rather than answered.
 */
export async function findReceipt(
  db: Kysely<DB>,
  actor: Actor,
  clientId: string,
  kind: SyncReceiptTable['kind'],
): Promise<SyncReceiptTable | null> {
  const row = await db.selectFrom('sync_receipts').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  if (row === undefined) return null;
  if (row.user_id !== actor.userId || row.kind !== kind) {
    throw conflict('CONFLICT', 'clientId', {
      zh: '该客户端编号已被使用，请重新生成',
      en: 'This clientId is already in use; make a new one',
    });
  }
  return row;
}

/**
 * Writes a receipt in the transaction of what it answers for, stored with that object's county: a
 * visit's or change's (its household's place), a case's (read in the insert, `countyKeyOfCase`); a
 * photo has no place until a visit names it and is stored with county 0.
 */
export async function insertReceipt(
  trx: Kysely<DB>,
  r: {
    clientId: string;
    kind: SyncReceiptTable['kind'];
    objectId: string;
    userId: string;
    now: string;
    countyKey: number | ReturnType<typeof countyKeyOfCase>;
  },
): Promise<void> {
  await trx
    .insertInto('sync_receipts')
    .values({
      client_id: r.clientId,
      county_key: r.countyKey,
      kind: r.kind,
      object_id: r.objectId,
      user_id: r.userId,
      created_at: r.now,
    })
    .execute();
}

/** The photos this account uploaded under these client ids (unknown ones are ignored: the device dropped them). */
export async function photoIdsOf(db: Kysely<DB>, actor: Actor, clientIds: string[]): Promise<string[]> {
  if (clientIds.length === 0) return [];
  const rows = await db
    .selectFrom('sync_receipts')
    .select('object_id')
    .where('client_id', 'in', clientIds)
    .where('kind', '=', 'photo')
    .where('user_id', '=', actor.userId)
    .execute();
  return rows.map((r) => r.object_id);
}
