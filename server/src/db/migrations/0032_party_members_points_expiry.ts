import type { Kysely } from 'kysely';
import { pathType } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 14, items 1 and 6.
 *
 * The registry's 党员 is a membership, not a care tag: a resident declared 党员 (by import or on the
 * registry form) becomes a member of the party organisation of her place, or — where her place has none
 * yet — a *candidate* the party page offers to staff (`party_candidates`, one row per resident).
 *
 * Points expire by policy either N months after the month earned (`rolling`) or at the turn of the year
 * once N months have passed (`year_end`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('party_candidates')
    .addColumn('resident_id', 'varchar(36)', (c) => c.primaryKey())
    // her household's place, for scope
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    // registry | import | tag (a 党员 care tag of older data)
    .addColumn('source', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('party_candidates_path').on('party_candidates').column('org_path').execute();

  await db.schema
    .alterTable('points_policies')
    .addColumn('expiry_at', 'varchar(16)', (c) => c.notNull().defaultTo('rolling'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('points_policies').dropColumn('expiry_at').execute();
  await db.schema.dropTable('party_candidates').execute();
}
