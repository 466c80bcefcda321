import crypto from 'node:crypto';
import type { Kysely } from 'kysely';

// Frozen: never import application types here.

/**
 * Issue 20, item 2: one outbox for every message. The cases module's `notifications` table (the bell
 * before the outbox) goes: each of its rows becomes an in-app outbox message (kind `case.notice`, its
 * two titles kept as written), a unit's notification one message for each of the unit's staff as of
 * now (the roles that read cases at their unit when this was written), read if it was read. Also
 * `outbox_once`: the keys of messages sent at most once (a task's reminder, a day's digest).
 */

// the roles that held case.read at their own unit when this migration was written
const CASE_READERS = [
  'admin',
  'district',
  'street',
  'community_secretary',
  'community_staff',
  'grid_worker',
  'department',
];
const PAGE = 500;

interface NotificationRow {
  id: string;
  user_id: string | null;
  org_id: string | null;
  case_id: string | null;
  title_zh: string;
  title_en: string;
  created_at: string;
  read_at: string | null;
}

/** A message id for one recipient of a unit's notification: the notification's time-ordered prefix, a tail of its own. */
function fannedId(notificationId: string, userId: string): string {
  const tail = crypto.createHash('sha256').update(`${notificationId}|${userId}`).digest('hex').slice(0, 12);
  return `${notificationId.slice(0, 24)}${tail}`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbox_once')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a frozen migration reads tables untyped
  const raw = db as Kysely<any>;
  let after = '';
  for (;;) {
    const page = (await raw
      .selectFrom('notifications')
      .select(['id', 'user_id', 'org_id', 'case_id', 'title_zh', 'title_en', 'created_at', 'read_at'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute()) as NotificationRow[];
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    const orgIds = [...new Set(page.flatMap((n) => (n.org_id === null ? [] : [n.org_id])))];
    const staff = (
      orgIds.length === 0
        ? []
        : await raw
            .selectFrom('role_assignments')
            .select(['user_id', 'org_id'])
            .distinct()
            .where('org_id', 'in', orgIds)
            .where('role', 'in', CASE_READERS)
            .execute()
    ) as { user_id: string; org_id: string }[];
    const recipients = (n: NotificationRow) =>
      n.user_id !== null
        ? [{ id: n.id, userId: n.user_id }]
        : staff.filter((s) => s.org_id === n.org_id).map((s) => ({ id: fannedId(n.id, s.user_id), userId: s.user_id }));
    const userIds = [...new Set(page.flatMap((n) => recipients(n).map((r) => r.userId)))];
    const homes = (
      userIds.length === 0
        ? []
        : await raw.selectFrom('users').select(['id', 'home_org_path']).where('id', 'in', userIds).execute()
    ) as { id: string; home_org_path: string | null }[];
    const homeOf = new Map(homes.map((u) => [u.id, u.home_org_path]));
    const rows = page.flatMap((n) =>
      recipients(n)
        .filter((r) => homeOf.has(r.userId))
        .map((r) => ({
          id: r.id,
          recipient_user_id: r.userId,
          recipient_org_path: homeOf.get(r.userId) ?? null,
          kind: 'case.notice',
          channel: 'in_app',
          is_urgent: 0,
          payload: JSON.stringify({
            params: { zh: n.title_zh, en: n.title_en, ...(n.case_id !== null ? { caseId: n.case_id } : {}) },
          }),
          address_enc: null,
          status: 'sent',
          attempts: 0,
          next_attempt_at: n.created_at,
          quiet_start_min: null,
          quiet_end_min: null,
          claim_token: null,
          claimed_at: null,
          last_error: null,
          provider_message_id: null,
          created_at: n.created_at,
          updated_at: n.created_at,
          sent_at: n.created_at,
          read_at: n.read_at,
        })),
    );
    for (let i = 0; i < rows.length; i += 100) {
      await raw
        .insertInto('outbox_messages')
        .values(rows.slice(i, i + 100))
        .execute();
    }
  }
  await db.schema.dropTable('notifications').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // the outbox keeps the moved messages; an empty notifications table comes back
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text')
    .addColumn('org_id', 'text')
    .addColumn('org_path', 'text')
    .addColumn('case_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title_zh', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .execute();
  await db.schema.dropTable('outbox_once').execute();
}
