import type { Kysely } from 'kysely';

// Frozen: never import application types here.

/**
 * Issue 18, item 2: intake's duplicate check (cases/intake.ts findDuplicates: open cases of the same item
 * within 200 m) sought `cases_item_created` — every case of the item in the last 30 days, city-wide, each
 * read from the table to test its state and place — so a flood of one item after a storm made every intake
 * slower than the one before. Keyed by item, state and latitude, the check reads only the item's open cases
 * in a band ±300 m wide, their longitude from the index itself: it grows with what is open there, not with
 * the cases taken in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('cases_item_open_place')
    .on('cases')
    .columns(['duty_code', 'status', 'lat', 'lng'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('cases_item_open_place').execute();
}
