import type { Kysely } from 'kysely';
import { countyKeyOf } from '../../db/county-key.ts';
import type { DB } from '../../db/types.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { ROLES, type Permission } from '../../platform/access/roles.ts';
import { type Channel, MESSAGE_KINDS, type MessageKind } from './kinds.ts';
import { DEFAULT_QUIET_HOURS, type QuietHours, deferPastQuietHours } from './quiet-hours.ts';

export const MESSAGE_STATUSES = ['queued', 'sending', 'sent', 'failed', 'parked'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export interface EnqueueMessageInput {
  now: Date;
  kind: MessageKind;
  /** the account it is for; null for a number that has no account yet (a sign-up code: give `phoneEnc`) */
  recipientUserId: string | null;
  params: Record<string, string>;
  /** the SMS number when not the recipient's own on file, already encrypted (deps.pii.encrypt) */
  phoneEnc?: string;
  /** the WeChat openid to send to, encrypted (deps.pii.encrypt); without it WeChat messages fail as unbound */
  wechatOpenIdEnc?: string;
  /** channels to use instead of the person's choice (a code goes by SMS whatever she chose) */
  channels?: readonly Channel[];
  /**
   * Sends the message at most once for this key, however many times or processes try (a job's
   * reminder, a day's digest): the key is claimed in the same transaction, so call it with one.
   */
  onceKey?: string;
}

/** The channels of a kind: the person's stored choice (`chosen`, comma-joined), or the kind's default; fixed kinds ignore her choice. */
function channelsFromChoice(kind: MessageKind, chosen: string | null | undefined): Channel[] {
  const def = MESSAGE_KINDS[kind];
  if (chosen === null || chosen === undefined || !def.isChoosable) return [...def.defaultChannels];
  return chosen === '' ? [] : (chosen.split(',') as Channel[]);
}

/** Quiet hours from a person's settings row: the default 22:00–08:00 without one, none if she turned them off. */
function quietHoursFromSettings(
  row: { quiet_start_min: number | null; quiet_end_min: number | null } | undefined,
): QuietHours | null {
  if (row === undefined) return DEFAULT_QUIET_HOURS;
  if (row.quiet_start_min === null || row.quiet_end_min === null) return null;
  return { startMin: row.quiet_start_min, endMin: row.quiet_end_min };
}

/** The channels a person chose for a kind, or the kind's default; fixed kinds ignore her choice. */
export async function channelsFor(db: Kysely<DB>, userId: string | null, kind: MessageKind): Promise<Channel[]> {
  if (userId === null || !MESSAGE_KINDS[kind].isChoosable) return channelsFromChoice(kind, undefined);
  const row = await db
    .selectFrom('message_preferences')
    .select('channels')
    .where('user_id', '=', userId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return channelsFromChoice(kind, row?.channels);
}

/** A person's quiet hours: her own, none if she turned them off, else the default 22:00–08:00. */
export async function quietHoursOf(db: Kysely<DB>, userId: string | null): Promise<QuietHours | null> {
  if (userId === null) return DEFAULT_QUIET_HOURS;
  const row = await db
    .selectFrom('message_settings')
    .select(['quiet_start_min', 'quiet_end_min'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return quietHoursFromSettings(row);
}

/**
 * Puts a message in the outbox, one row per channel. Call it with the caller's transaction so the
 * message commits with the event it announces (a rollback sends nothing; a restart loses nothing).
 * In-app messages are delivered by being written; SMS and WeChat wait for the dispatcher, and for the
 * end of the recipient's quiet hours unless the kind is urgent. Returns the rows' ids.
 */
export async function enqueueMessage(db: Kysely<DB>, input: EnqueueMessageInput): Promise<string[]> {
  checkParams(input);
  // one look-up per message (it runs inside every public case step): her home unit, settings and choice
  const recipient =
    input.recipientUserId === null
      ? undefined
      : (await lookUpRecipients(db, [input.recipientUserId], input.kind)).get(input.recipientUserId);
  const rows = rowsFor(input, recipient);
  if (input.onceKey !== undefined && !(await claimOnce(db, input.onceKey, input.now))) return [];
  if (rows.length === 0) return [];
  await db.insertInto('outbox_messages').values(rows).execute();
  return rows.map((r) => r.id);
}

function checkParams(input: Pick<EnqueueMessageInput, 'kind' | 'params'>): void {
  for (const name of MESSAGE_KINDS[input.kind].params) {
    if (typeof input.params[name] !== 'string') {
      throw new AppError('BAD_REQUEST', {
        zh: `消息缺少参数 ${name}`,
        en: `message parameter ${name} is missing`,
      });
    }
  }
}

interface Recipient {
  home_org_path: string | null;
  settings_user_id: string | null;
  quiet_start_min: number | null;
  quiet_end_min: number | null;
  channels: string | null;
}

/** The recipients' home units, quiet hours and channel choice for one kind, in one query. */
async function lookUpRecipients(db: Kysely<DB>, userIds: string[], kind: MessageKind) {
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('message_settings as s', 's.user_id', 'u.id')
    .leftJoin('message_preferences as p', (join) => join.onRef('p.user_id', '=', 'u.id').on('p.kind', '=', kind))
    .select(['u.id', 'u.home_org_path', 's.user_id as settings_user_id', 's.quiet_start_min', 's.quiet_end_min'])
    .select('p.channels')
    .where('u.id', 'in', userIds)
    .execute();
  return new Map<string, Recipient>(rows.map(({ id, ...r }) => [id, r]));
}

/** The outbox rows of one message: one per channel she gets it on. */
function rowsFor(input: EnqueueMessageInput, recipient: Recipient | undefined) {
  const def = MESSAGE_KINDS[input.kind];
  const chosen = input.channels ?? channelsFromChoice(input.kind, recipient?.channels);
  // a digested kind reaches SMS and WeChat only through the day's digest, never one by one
  const channels = def.isDigested ? chosen.filter((c) => c === 'in_app') : chosen;
  const hasSettings = recipient !== undefined && recipient.settings_user_id !== null;
  const quiet = def.isUrgent ? null : quietHoursFromSettings(hasSettings ? recipient : undefined);
  const now = input.now.toISOString();
  const payload = JSON.stringify({ params: input.params });
  const homePath = recipient?.home_org_path ?? null;
  return channels.map((channel) => {
    const isInApp = channel === 'in_app';
    const dueAt = isInApp ? input.now : deferPastQuietHours(input.now, quiet);
    const address = channel === 'sms' ? input.phoneEnc : channel === 'wechat' ? input.wechatOpenIdEnc : undefined;
    return {
      id: newId(),
      recipient_user_id: input.recipientUserId,
      recipient_org_path: homePath,
      // stored with the recipient's home county; a number with no account yet (a sign-up code) with county 0
      county_key: homePath === null ? 0 : countyKeyOf(homePath),
      kind: input.kind,
      channel,
      is_urgent: def.isUrgent ? 1 : 0,
      payload,
      address_enc: address ?? null,
      status: isInApp ? 'sent' : 'queued',
      attempts: 0,
      next_attempt_at: dueAt.toISOString(),
      quiet_start_min: quiet?.startMin ?? null,
      quiet_end_min: quiet?.endMin ?? null,
      claim_token: null,
      claimed_at: null,
      last_error: null,
      provider_message_id: null,
      created_at: now,
      updated_at: now,
      sent_at: isInApp ? now : null,
      read_at: null,
    };
  });
}

/** Claims a once-key; false when it was claimed before (by this process or another). */
export async function claimOnce(db: Kysely<DB>, key: string, now: Date): Promise<boolean> {
  const result = await db
    .insertInto('outbox_once')
    .values({ key, created_at: now.toISOString() })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** The roles that carry a permission at their own unit. */
export function rolesWith(permission: Permission): string[] {
  return Object.values(ROLES)
    .filter((r) => r.permissions.includes(permission))
    .map((r) => r.id);
}

/**
 * The staff of some units: the enabled users assigned at one of them (the unit itself, not above it) in
 * a role that carries `permission` there. A resident assigned to her community is not its staff.
 */
export async function listUnitStaff(db: Kysely<DB>, orgIds: readonly string[], permission: Permission) {
  if (orgIds.length === 0) return [];
  const rows = await db
    .selectFrom('role_assignments as a')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .select('a.user_id')
    .distinct()
    .where('a.org_id', 'in', [...orgIds])
    .where('a.role', 'in', rolesWith(permission))
    .where('u.is_disabled', '=', 0)
    .execute();
  return rows.map((r) => r.user_id);
}

type UnitStaffMessage = Omit<EnqueueMessageInput, 'recipientUserId' | 'phoneEnc' | 'wechatOpenIdEnc' | 'onceKey'> & {
  orgIds: readonly string[];
  permission: Permission;
};

/**
 * `enqueueForUnitStaff` for many messages at once (a group commit's batch of intakes): the staff of each
 * set of units and their choices are looked up once, and the rows go in a few wide inserts.
 */
export async function enqueueManyForUnitStaff(db: Kysely<DB>, inputs: readonly UnitStaffMessage[]): Promise<void> {
  const staffOf = new Map<string, string[]>();
  const recipientsOf = new Map<MessageKind, Map<string, Recipient>>();
  const rows: ReturnType<typeof rowsFor> = [];
  for (const { orgIds, permission, ...message } of inputs) {
    checkParams(message);
    const unitsKey = `${permission}\n${[...orgIds].sort().join(',')}`;
    let staff = staffOf.get(unitsKey);
    if (staff === undefined) staffOf.set(unitsKey, (staff = await listUnitStaff(db, orgIds, permission)));
    if (staff.length === 0) continue;
    let known = recipientsOf.get(message.kind);
    if (known === undefined) recipientsOf.set(message.kind, (known = new Map<string, Recipient>()));
    const unknown = staff.filter((u) => !known.has(u));
    if (unknown.length > 0) for (const [id, r] of await lookUpRecipients(db, unknown, message.kind)) known.set(id, r);
    for (const userId of staff) rows.push(...rowsFor({ ...message, recipientUserId: userId }, known.get(userId)));
  }
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('outbox_messages')
      .values(rows.slice(i, i + 500))
      .execute();
}

/**
 * Tells the staff of some units (those holding `permission` there) one message each, in the caller's
 * transaction: one query for the staff, one for their choices, one insert (it runs inside case intake).
 */
export async function enqueueForUnitStaff(
  db: Kysely<DB>,
  input: Omit<EnqueueMessageInput, 'recipientUserId' | 'phoneEnc' | 'wechatOpenIdEnc' | 'onceKey'> & {
    orgIds: readonly string[];
    permission: Permission;
  },
): Promise<void> {
  const { orgIds, permission, ...message } = input;
  checkParams(message);
  const staff = await listUnitStaff(db, orgIds, permission);
  if (staff.length === 0) return;
  const recipients = await lookUpRecipients(db, staff, message.kind);
  const rows = staff.flatMap((userId) => rowsFor({ ...message, recipientUserId: userId }, recipients.get(userId)));
  if (rows.length > 0) await db.insertInto('outbox_messages').values(rows).execute();
}
