import { type Kysely, sql } from 'kysely';
import { pathType } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 20, item 1: residents' own accounts. Sign-in codes sent by SMS (only a keyed hash of each is
 * kept; one live code per number, enforced by a partial unique index so that two app servers cannot
 * both send one), wrong attempts per number (the lock), the resident account's sign-in handles (phone
 * and WeChat openid, as blind indexes) and her binding to a registry resident and household.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sms_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('phone_bidx', 'text', (c) => c.notNull())
    // HMAC of the code with the row id: the code itself is never stored
    .addColumn('code_hash', 'text', (c) => c.notNull())
    // live | used | void (replaced by a newer code, or burned by the lock)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema
    .createIndex('sms_codes_one_live')
    .on('sms_codes')
    .column('phone_bidx')
    .unique()
    .where(sql.ref('status'), '=', 'live')
    .execute();
  await db.schema.createIndex('sms_codes_phone').on('sms_codes').columns(['phone_bidx', 'created_at']).execute();
  await db.schema.createIndex('sms_codes_ip').on('sms_codes').columns(['ip', 'created_at']).execute();

  await db.schema
    .createTable('sms_code_failures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('phone_bidx', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .execute();
  await db.schema
    .createIndex('sms_code_failures_phone')
    .on('sms_code_failures')
    .columns(['phone_bidx', 'at'])
    .execute();

  await db.schema
    .createTable('resident_accounts')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('phone_bidx', 'text', (c) => c.unique())
    .addColumn('wechat_openid_bidx', 'text', (c) => c.unique())
    .addColumn('wechat_openid_enc', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('resident_bindings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('resident_id', 'text', (c) => c.notNull())
    .addColumn('household_id', 'text', (c) => c.notNull())
    // the household's unit when asked: her community's staff decide and list by it
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    // pending | bound | rejected | ended
    .addColumn('status', 'text', (c) => c.notNull())
    // exact | phone_differs | phone_absent
    .addColumn('match', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_by_name', 'text')
    .addColumn('decision_note', 'text')
    .addColumn('ended_at', 'text')
    .addColumn('ended_by_name', 'text')
    .execute();
  await db.schema
    .createIndex('resident_bindings_one_open')
    .on('resident_bindings')
    .column('user_id')
    .unique()
    .where(sql.ref('status'), 'in', sql`('pending', 'bound')`)
    .execute();
  await db.schema
    .createIndex('resident_bindings_org')
    .on('resident_bindings')
    .columns(['org_path', 'status', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('resident_bindings').execute();
  await db.schema.dropTable('resident_accounts').execute();
  await db.schema.dropTable('sms_code_failures').execute();
  await db.schema.dropTable('sms_codes').execute();
}
