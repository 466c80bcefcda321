import type { Kysely } from 'kysely';
import { pathType } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 20, item 4: signed outbound webhooks. A subscriber is a receiver (URL, secret kept encrypted,
 * events it wants) set up at an org unit; it hears of the cases under that unit. A delivery is one
 * event for one subscriber, written in the event's transaction; the dispatcher claims due rows with a
 * claim token, POSTs them, and records the outcome (delivered, queued again with backoff, parked).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_subscribers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    // the signing secret, encrypted (AES-256-GCM, the PII key): shown once, needed for every signature
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    // comma-separated event types it wants
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull().references('org_units.id'))
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_subscribers_org').on('webhook_subscribers').columns(['org_path']).execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subscriber_id', 'text', (c) => c.notNull().references('webhook_subscribers.id'))
    // one event reaches several subscribers: the same event id in each delivery's body
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text')
    // the JSON body sent, exactly as signed (never a reporter's name or number)
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('claim_token', 'text')
    .addColumn('claimed_at', 'text')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_subscriber')
    .on('webhook_deliveries')
    .columns(['subscriber_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhook_subscribers').execute();
}
