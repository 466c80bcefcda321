import type { Kysely } from 'kysely';

// Frozen: never import application types here.

/**
 * Issue 13, rooms and activities (阵地与活动): a service centre's spaces, bookings of them (one-off and
 * weekly), activities with sign-up and a waiting list. No two bookings overlap in a space because each
 * booking writes its 30-minute slots into `venue_slots`, whose primary key is (space, slot start): an
 * overlapping insert fails on the key in the same transaction, on both databases. A confirmed sign-up
 * holds a seat number, unique per activity, so an activity never takes more than its capacity.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('venue_centres')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', 'varchar(255)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('address', 'varchar(200)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('venue_centres_path').on('venue_centres').column('org_path').execute();

  await db.schema
    .createTable('venue_spaces')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('centre_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', 'varchar(255)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('area_m2', 'integer', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull())
    .addColumn('equipment', 'varchar(500)')
    .addColumn('opens_min', 'integer', (c) => c.notNull())
    .addColumn('closes_min', 'integer', (c) => c.notNull())
    // ISO weekdays (1 Monday … 7 Sunday) the space is closed, comma-joined; '' for none
    .addColumn('closed_weekdays', 'varchar(20)', (c) => c.notNull())
    // who may book: residents, teams, partners, staff (comma-joined)
    .addColumn('bookers', 'varchar(60)', (c) => c.notNull())
    .addColumn('needs_approval', 'integer', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull())
    // the secret printed in the room's QR code: a phone that opens it checks its booking in
    .addColumn('qr_token', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('venue_spaces_centre').on('venue_spaces').column('centre_id').execute();

  await db.schema
    .createTable('venue_series')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('space_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', 'varchar(255)', (c) => c.notNull())
    .addColumn('booker_user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('weekday', 'integer', (c) => c.notNull())
    .addColumn('first_day', 'varchar(10)', (c) => c.notNull())
    .addColumn('until_day', 'varchar(10)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('venue_bookings')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('space_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('centre_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', 'varchar(255)', (c) => c.notNull())
    .addColumn('series_id', 'varchar(36)')
    .addColumn('activity_id', 'varchar(36)')
    .addColumn('booker_user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('booker_name', 'varchar(100)', (c) => c.notNull())
    // resident, team, partner, staff
    .addColumn('booker_kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('purpose', 'varchar(200)', (c) => c.notNull())
    .addColumn('attendees', 'integer', (c) => c.notNull())
    .addColumn('starts_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('ends_at', 'varchar(32)', (c) => c.notNull())
    // pending, approved, rejected, cancelled
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('decided_by', 'varchar(36)')
    .addColumn('decided_at', 'varchar(32)')
    .addColumn('decision_note', 'varchar(200)')
    .addColumn('checked_in_at', 'varchar(32)')
    .addColumn('checked_in_via', 'varchar(16)')
    .addColumn('cancelled_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('venue_bookings_space').on('venue_bookings').columns(['space_id', 'starts_at']).execute();
  await db.schema.createIndex('venue_bookings_path').on('venue_bookings').columns(['org_path', 'starts_at']).execute();
  await db.schema
    .createIndex('venue_bookings_booker')
    .on('venue_bookings')
    .columns(['booker_user_id', 'starts_at'])
    .execute();
  await db.schema.createIndex('venue_bookings_series').on('venue_bookings').column('series_id').execute();

  await db.schema
    .createTable('venue_slots')
    .addColumn('space_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('slot_start', 'varchar(32)', (c) => c.notNull())
    .addColumn('booking_id', 'varchar(36)', (c) => c.notNull())
    .addPrimaryKeyConstraint('venue_slots_pk', ['space_id', 'slot_start'])
    .execute();
  await db.schema.createIndex('venue_slots_booking').on('venue_slots').column('booking_id').execute();

  await db.schema
    .createTable('venue_activities')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('centre_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', 'varchar(255)', (c) => c.notNull())
    .addColumn('space_id', 'varchar(36)')
    .addColumn('place', 'varchar(200)')
    .addColumn('title', 'varchar(100)', (c) => c.notNull())
    .addColumn('description', 'varchar(1000)')
    .addColumn('audience', 'varchar(16)', (c) => c.notNull())
    .addColumn('host', 'varchar(100)', (c) => c.notNull())
    .addColumn('starts_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('ends_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull())
    // published, cancelled
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('venue_activities_path')
    .on('venue_activities')
    .columns(['org_path', 'starts_at'])
    .execute();
  await db.schema
    .createIndex('venue_activities_centre')
    .on('venue_activities')
    .columns(['centre_id', 'starts_at'])
    .execute();

  await db.schema
    .createTable('venue_signups')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('activity_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    // a confirmed sign-up's seat (1 … capacity); null while waiting or after cancelling
    .addColumn('seat', 'integer')
    // confirmed, waiting, cancelled
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('queued_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('checked_in_at', 'varchar(32)')
    .addColumn('cancelled_at', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('venue_signups_person')
    .unique()
    .on('venue_signups')
    .columns(['activity_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('venue_signups_seat')
    .unique()
    .on('venue_signups')
    .columns(['activity_id', 'seat'])
    .execute();
  await db.schema.createIndex('venue_signups_user').on('venue_signups').column('user_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'venue_signups',
    'venue_activities',
    'venue_slots',
    'venue_bookings',
    'venue_series',
    'venue_spaces',
    'venue_centres',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
