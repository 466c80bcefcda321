import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { DialectName } from '../src/db/database.ts';
import { LogAdapter } from '../src/modules/messages/adapters/log.ts';
import { MessageDispatcher } from '../src/modules/messages/dispatcher.ts';
import { enqueueMessage } from '../src/modules/messages/outbox.ts';
import { systemClock } from '../src/platform/clock.ts';
import { newId } from '../src/platform/ids.ts';
import { PiiCipher } from '../src/platform/pii/crypto.ts';
import { fmtMs, freshDatabase, report, timed } from './util.ts';

const MESSAGES = 20_000;
const BATCH = 200;

/**
 * The outbox delivering SMS through the `log` adapter (claim with a token, decrypt the number, send,
 * record), in messages a second, beside the bare engine doing the same row work: the same rows
 * inserted queued, then claimed and marked sent in batches of the same size with no decryption or adapter.
 */
export async function benchMessages(engine: DialectName) {
  const pii = new PiiCipher({ encryption: crypto.randomBytes(32), blindIndex: crypto.randomBytes(32) });
  const phoneEnc = pii.encrypt('13812345678');

  const platform = await freshDatabase(engine, 'messages');
  let platformMs: number;
  try {
    const db = platform.database.db;
    for (let i = 0; i < MESSAGES; i += 1000) {
      await db.transaction().execute(async (trx) => {
        for (let k = i; k < i + 1000; k++) {
          await enqueueMessage(trx, {
            now: systemClock.now(),
            kind: 'auth.sms_code',
            recipientUserId: null,
            phoneEnc,
            params: { code: String(k), minutes: '5' },
          });
        }
      });
    }
    const sms = new LogAdapter('sms', () => {});
    const dispatcher = new MessageDispatcher(
      { db, dialect: engine, clock: systemClock, pii },
      { sms, wechat: new LogAdapter('wechat', () => {}) },
      { batchSize: BATCH },
    );
    const run = await timed(() => dispatcher.drain(10_000));
    platformMs = run.ms;
    const sent = await db
      .selectFrom('outbox_messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'sent')
      .executeTakeFirstOrThrow();
    if (Number(sent.n) !== MESSAGES || run.result !== MESSAGES) {
      throw new Error(`messages bench: ${Number(sent.n)} of ${MESSAGES} sent`);
    }
  } finally {
    await platform.drop();
  }

  const bare = await freshDatabase(engine, 'messages_bare');
  let bareMs: number;
  try {
    const db = bare.database.db;
    const now = new Date().toISOString();
    for (let i = 0; i < MESSAGES; i += 1000) {
      const rows = Array.from({ length: 1000 }, (_, k) => ({
        id: newId(),
        recipient_user_id: null,
        recipient_org_path: null,
        county_key: 0,
        kind: 'auth.sms_code',
        channel: 'sms',
        is_urgent: 1,
        payload: JSON.stringify({ params: { code: String(i + k), minutes: '5' } }),
        address_enc: phoneEnc,
        status: 'queued',
        attempts: 0,
        next_attempt_at: now,
        quiet_start_min: null,
        quiet_end_min: null,
        claim_token: null,
        claimed_at: null,
        last_error: null,
        provider_message_id: null,
        created_at: now,
        updated_at: now,
        sent_at: null,
        read_at: null,
      }));
      await db.insertInto('outbox_messages').values(rows).execute();
    }
    const run = await timed(async () => {
      for (;;) {
        const { rows } = await sql<{ id: string }>`
          update outbox_messages set status = 'sending' where id in (
            select id from outbox_messages where status = 'queued' order by next_attempt_at limit ${BATCH})
          returning id`.execute(db);
        if (rows.length === 0) break;
        await db
          .updateTable('outbox_messages')
          .set({ status: 'sent' })
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .execute();
      }
    });
    bareMs = run.ms;
  } finally {
    await bare.drop();
  }

  const platformRate = (MESSAGES / platformMs) * 1000;
  const bareRate = (MESSAGES / bareMs) * 1000;
  report({
    scenario: 'messages',
    engine,
    figure: `outbox → log adapter, ${MESSAGES} SMS (msgs/s; ${fmtMs(platformMs)} vs ${fmtMs(bareMs)})`,
    platform: `${Math.round(platformRate)}/s`,
    baseline: `${Math.round(bareRate)}/s`,
    platformValue: bareMs === 0 ? 1 : platformMs,
    baselineValue: bareMs === 0 ? 1 : bareMs,
    target: '≥ 500/s',
    isMet: platformRate >= 500,
  });
}
