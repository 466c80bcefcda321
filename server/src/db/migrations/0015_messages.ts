import type { Kysely } from 'kysely';
import { pathType } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 20, item 2: one outbox for every notification the platform sends. A row per message and
 * channel (in-app, SMS, WeChat), committed with the event that causes it; the dispatcher claims due
 * rows with a claim token, sends them through the channel's adapter and records the outcome.
 * Preferences choose channels per person and kind; quiet hours defer non-urgent SMS/WeChat.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbox_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // null for a number that has no account yet (a sign-up code)
    .addColumn('recipient_user_id', 'text', (c) => c.references('users.id'))
    // the recipient's home unit when enqueued: the delivery list is scoped by it
    .addColumn('recipient_org_path', pathType(db))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('is_urgent', 'integer', (c) => c.notNull().defaultTo(0))
    // JSON: { params } — the template's parameters, never a phone number
    .addColumn('payload', 'text', (c) => c.notNull())
    // the channel's address when not the recipient's own (a sign-up number), encrypted
    .addColumn('address_enc', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    // the recipient's quiet hours when enqueued (minutes of the Shanghai day), for retries too
    .addColumn('quiet_start_min', 'integer')
    .addColumn('quiet_end_min', 'integer')
    .addColumn('claim_token', 'text')
    .addColumn('claimed_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('provider_message_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('read_at', 'text')
    .execute();
  await db.schema
    .createIndex('outbox_messages_due')
    .on('outbox_messages')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('outbox_messages_recipient')
    .on('outbox_messages')
    .columns(['recipient_user_id', 'channel', 'id'])
    .execute();
  await db.schema
    .createIndex('outbox_messages_org')
    .on('outbox_messages')
    .columns(['recipient_org_path', 'id'])
    .execute();

  await db.schema
    .createTable('message_preferences')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    // comma-separated channels, '' for none
    .addColumn('channels', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_preferences_pk', ['user_id', 'kind'])
    .execute();

  await db.schema
    .createTable('message_settings')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    // both null: no quiet hours
    .addColumn('quiet_start_min', 'integer')
    .addColumn('quiet_end_min', 'integer')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('message_settings').execute();
  await db.schema.dropTable('message_preferences').execute();
  await db.schema.dropTable('outbox_messages').execute();
}
