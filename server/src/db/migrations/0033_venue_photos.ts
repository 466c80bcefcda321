import { type Kysely, sql } from 'kysely';
import { isPostgres } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 13, rooms: photos of a service centre's rooms (what the phone, the console and the public page
 * show of a room), a few per room, the image bytes kept in the database like notices' attachments.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('venue_space_photos')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('space_id', 'varchar(36)', (c) => c.notNull().references('venue_spaces.id'))
    .addColumn('org_path', 'varchar(255)', (c) => c.notNull())
    .addColumn('mime', 'varchar(100)', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('data', isPostgres(db) ? sql`bytea` : sql`blob`, (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('venue_space_photos_space')
    .on('venue_space_photos')
    .columns(['space_id', 'position'])
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('venue_space_photos').execute();
}
