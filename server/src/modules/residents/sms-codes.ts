import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type AuditWho, recordAudit } from '../../platform/audit/service.ts';
import { HOUR, MINUTE } from '../../platform/clock.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, type Message } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { maskPhone, normalizePhone } from '../../platform/pii/crypto.ts';
import { takeTurns } from '../../db/turns.ts';
import { sourceKey } from '../../platform/http/source.ts';
import { enqueueMessage } from '../messages/outbox.ts';
import { DEFAULT_RESIDENTS_CONFIG } from './config.ts';
import { type ClientInfo, findOrCreateResidentAccount, openResidentSession } from './accounts.ts';

/**
 * Sign-in codes by SMS (issue 20, item 1). A code is 6 digits, kept only as an HMAC of itself with its
 * row id (so a copy of the database gives nobody a code), valid for 5 minutes, one live code per number
 * (a partial unique index, so two app servers cannot both send one). Every limit is counted from rows
 * in the database, so it holds across processes:
 *
 * - per number: a code at most every 60 s, 5 an hour;
 * - per source address: codes for at most N distinct numbers an hour (TIANZIGE_SMS_NUMBERS_PER_SOURCE_HOUR);
 * - 5 wrong codes within 30 minutes lock the number (no code is sent or accepted) and void its live code.
 *
 * A refused request sends nothing; a used code never signs in twice (the update from live to used is
 * conditional on its status).
 */
export const CODE_TTL_MS = 5 * MINUTE;
export const RESEND_AFTER_MS = 60_000;
export const CODES_PER_NUMBER_HOUR = 5;
export const WRONG_CODES_TO_LOCK = 5;
export const LOCK_WINDOW_MS = 30 * MINUTE;

/** Mainland mobile numbers only: codes go by SMS. */
export const MOBILE_PATTERN = /^1[3-9]\d{9}$/;

const fieldError = (code: string, field: string, message: Message, status: 'VALIDATION' | 'RATE_LIMITED') =>
  new AppError(status, status === 'VALIDATION' ? { zh: '输入有误', en: 'Invalid input' } : message, [
    { code, field, message_zh: message.zh, message_en: message.en },
  ]);

/** The normalized mobile number, or 400 on `phone`. */
export function parseMobile(input: string): string {
  const phone = normalizePhone(input.trim());
  if (!MOBILE_PATTERN.test(phone)) {
    throw fieldError(
      'invalid_phone',
      'phone',
      { zh: '请输入 11 位手机号码', en: 'Enter an 11-digit mainland mobile number' },
      'VALIDATION',
    );
  }
  return phone;
}

const minutesUntil = (at: number, now: number) => Math.max(1, Math.ceil((at - now) / MINUTE));

const lockedError = (minutes: number, field: string) =>
  fieldError(
    'locked',
    field,
    {
      zh: `验证码输错次数过多，该号码已锁定，请 ${minutes} 分钟后再试`,
      en: `Too many wrong codes: this number is locked; try again in ${minutes} min`,
    },
    'RATE_LIMITED',
  );

const hashCode = (deps: AppDeps, id: string, code: string) => deps.pii.blindIndex('sms_code', `${id}:${code}`);
/** Whether the code is the one hashed (under any valid key: a code sent just before a key rotation still works). */
const isCodeOf = (deps: AppDeps, id: string, code: string, stored: string) =>
  deps.pii.blindIndexes('sms_code', `${id}:${code}`).some((hash) => isSameHash(hash, stored));

function isSameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** When the number's lock ends (ms), or null when it is not locked. */
async function lockedUntil(db: Kysely<DB>, phoneBidx: string[], now: number): Promise<number | null> {
  const rows = await db
    .selectFrom('sms_code_failures')
    .select('at')
    .where('phone_bidx', 'in', phoneBidx)
    .where('at', '>', new Date(now - LOCK_WINDOW_MS).toISOString())
    .orderBy('at', 'desc')
    .limit(WRONG_CODES_TO_LOCK)
    .execute();
  if (rows.length < WRONG_CODES_TO_LOCK) return null;
  return new Date(rows[rows.length - 1]!.at).getTime() + LOCK_WINDOW_MS;
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'));
}

const whoForNumber = (phone: string, client: ClientInfo): AuditWho => ({
  actorId: null,
  actorName: `sms:${maskPhone(phone)}`,
  ...client,
});

/**
 * Sends a sign-in code to a mobile number, within the limits above; whether an account exists for it
 * changes nothing in the answer.
 */
export async function requestSmsCode(deps: AppDeps, input: { phone: string }, client: ClientInfo) {
  const phone = parseMobile(input.phone);
  // every valid key's index of the number (two during a key rotation): rows of either count; new rows take the first
  const phoneBidxes = deps.pii.blindIndexes('phone', phone);
  const phoneBidx = phoneBidxes[0]!;
  const now = deps.clock.now().getTime();
  const who = whoForNumber(phone, client);
  const refuse = async (error: AppError, reason: string) => {
    await recordAudit(deps.db, deps.clock, who, { action: 'auth.sms_code_refused', detail: { reason } });
    return error;
  };
  const perSource = (deps.config.residents ?? DEFAULT_RESIDENTS_CONFIG).smsNumbersPerSourceHour;
  // IPv6 by its /64 (platform/http/source.ts): one line holds a whole /64
  const source = sourceKey(client.ip);
  const id = newId();
  const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
  const at = new Date(now);
  let refusal: { error: AppError; reason: string } | null;
  try {
    refusal = await deps.db.transaction().execute(async (trx): Promise<typeof refusal> => {
      // requests for one number, and from one source, take turns: the limits below are counted from rows,
      // and two requests at once (a double tap, a flood, two app servers) would both pass the count
      await takeTurns(trx, deps.dialect, [
        `sms_code:phone:${phoneBidx}`,
        ...(source === null ? [] : [`sms_code:ip:${source}`]),
      ]);
      const locked = await lockedUntil(trx, phoneBidxes, now);
      if (locked !== null) return { error: lockedError(minutesUntil(locked, now), 'phone'), reason: 'locked' };
      const recent = await trx
        .selectFrom('sms_codes')
        .select('created_at')
        .where('phone_bidx', 'in', phoneBidxes)
        .where('created_at', '>', new Date(now - HOUR).toISOString())
        .orderBy('created_at', 'desc')
        .execute();
      const latest = recent[0] === undefined ? null : new Date(recent[0].created_at).getTime();
      if (latest !== null && latest + RESEND_AFTER_MS > now) {
        return { error: tooSoon(Math.ceil((latest + RESEND_AFTER_MS - now) / 1000)), reason: 'too_soon' };
      }
      if (recent.length >= CODES_PER_NUMBER_HOUR) {
        const oldest = new Date(recent[recent.length - 1]!.created_at).getTime();
        return {
          error: fieldError(
            'too_many_codes',
            'phone',
            {
              zh: `该号码一小时内最多获取 ${CODES_PER_NUMBER_HOUR} 次验证码，请 ${minutesUntil(oldest + HOUR, now)} 分钟后再试`,
              en: `At most ${CODES_PER_NUMBER_HOUR} codes an hour per number; try again in ${minutesUntil(oldest + HOUR, now)} min`,
            },
            'RATE_LIMITED',
          ),
          reason: 'per_number_hour',
        };
      }
      if (source !== null) {
        const numbers = await trx
          .selectFrom('sms_codes')
          .select('phone_bidx')
          .distinct()
          .where('ip', '=', source)
          .where('created_at', '>', new Date(now - HOUR).toISOString())
          .where('phone_bidx', 'not in', phoneBidxes)
          .execute();
        if (numbers.length >= perSource) {
          return {
            error: fieldError(
              'source_limit',
              'phone',
              {
                zh: '此网络一小时内获取验证码的号码过多，请稍后再试',
                en: 'Too many numbers asked codes from this network within an hour; try again later',
              },
              'RATE_LIMITED',
            ),
            reason: 'per_source_hour',
          };
        }
      }
      await trx
        .updateTable('sms_codes')
        .set({ status: 'void' })
        .where('phone_bidx', 'in', phoneBidxes)
        .where('status', '=', 'live')
        .execute();
      await trx
        .insertInto('sms_codes')
        .values({
          id,
          phone_bidx: phoneBidx,
          code_hash: hashCode(deps, id, code),
          status: 'live',
          ip: source,
          created_at: at.toISOString(),
          expires_at: new Date(now + CODE_TTL_MS).toISOString(),
          used_at: null,
        })
        .execute();
      // the code's parameters are erased from the outbox once sent (messages/dispatcher.ts)
      await enqueueMessage(trx, {
        now: at,
        kind: 'auth.sms_code',
        recipientUserId: null,
        phoneEnc: deps.pii.encrypt(phone),
        channels: ['sms'],
        params: { code, minutes: String(CODE_TTL_MS / MINUTE) },
      });
      await recordAudit(trx, deps.clock, who, { action: 'auth.sms_code_sent', targetType: 'sms_code', targetId: id });
      return null;
    });
  } catch (error) {
    // another request for the same number committed its live code first (another app server, a double tap)
    if (isUniqueViolation(error)) throw await refuse(tooSoon(RESEND_AFTER_MS / 1000), 'concurrent');
    throw error;
  }
  if (refusal !== null) throw await refuse(refusal.error, refusal.reason);
  return {
    sentTo: maskPhone(phone),
    expiresInSeconds: CODE_TTL_MS / 1000,
    resendAfterSeconds: RESEND_AFTER_MS / 1000,
  };
}

const tooSoon = (seconds: number) =>
  fieldError(
    'too_soon',
    'phone',
    { zh: `验证码已发送，请 ${seconds} 秒后再获取`, en: `A code was just sent; ask again in ${seconds} s` },
    'RATE_LIMITED',
  );

const CODE_MESSAGES = {
  no_code: { zh: '请先获取验证码', en: 'Ask for a code first' },
  expired: { zh: '验证码已过期，请重新获取', en: 'The code has expired; ask for a new one' },
  used: { zh: '验证码已使用过，请重新获取', en: 'The code has already been used; ask for a new one' },
  replaced: {
    zh: '已发送新的验证码，请输入最新收到的一条',
    en: 'A newer code was sent; enter the latest one',
  },
} as const;

type Verdict =
  | {
      kind: 'ok';
      user: Awaited<ReturnType<typeof findOrCreateResidentAccount>>;
      session: { token: string; csrfToken: string };
    }
  | { kind: keyof typeof CODE_MESSAGES }
  | { kind: 'wrong'; left: number }
  | { kind: 'locked'; minutes: number };

/**
 * Checks a code and signs her in to her resident account (made on first use). Wrong, expired, used and
 * replaced codes are each a 400 on `code`; the fifth wrong code within 30 minutes locks the number (429)
 * and voids its code. Her code is spent in the same transaction that opens her session.
 */
export async function verifySmsCode(deps: AppDeps, input: { phone: string; code: string }, client: ClientInfo) {
  const phone = parseMobile(input.phone);
  const code = input.code.trim();
  if (!/^\d{6}$/.test(code)) {
    throw fieldError('invalid_code', 'code', { zh: '验证码为 6 位数字', en: 'The code has 6 digits' }, 'VALIDATION');
  }
  // every valid key's index of the number (two during a key rotation): rows of either count; new rows take the first
  const phoneBidxes = deps.pii.blindIndexes('phone', phone);
  const phoneBidx = phoneBidxes[0]!;
  const who = whoForNumber(phone, client);
  const verdict: Verdict = await deps.db.transaction().execute(async (trx): Promise<Verdict> => {
    const now = deps.clock.now().getTime();
    let recentCodes = trx
      .selectFrom('sms_codes')
      .selectAll()
      .where('phone_bidx', 'in', phoneBidxes)
      .where('created_at', '>', new Date(now - HOUR).toISOString())
      .orderBy('created_at', 'desc');
    // attempts on one number take turns (SQLite's writer lock does this on its own)
    if (deps.dialect === 'postgres') recentCodes = recentCodes.forUpdate();
    const codes = await recentCodes.execute();
    const locked = await lockedUntil(trx, phoneBidxes, now);
    if (locked !== null) return { kind: 'locked', minutes: minutesUntil(locked, now) };
    const latest = codes[0];
    if (latest === undefined) return { kind: 'no_code' };
    const match = codes.find((c) => isCodeOf(deps, c.id, code, c.code_hash));
    const isLive = (c: typeof latest) => c.status === 'live' && new Date(c.expires_at).getTime() > now;
    if (match !== undefined) {
      if (match.status === 'used') return { kind: 'used' };
      if (match.status === 'void') return { kind: match === latest ? 'expired' : 'replaced' };
      if (!isLive(match)) return { kind: 'expired' };
      const spent = await trx
        .updateTable('sms_codes')
        .set({ status: 'used', used_at: new Date(now).toISOString() })
        .where('id', '=', match.id)
        .where('status', '=', 'live')
        .executeTakeFirst();
      if (Number(spent.numUpdatedRows) !== 1) return { kind: 'used' };
      await trx.deleteFrom('sms_code_failures').where('phone_bidx', 'in', phoneBidxes).execute();
      const user = await findOrCreateResidentAccount(trx, deps, who, { kind: 'phone', phone });
      const session = await openResidentSession(trx, deps, user.user, client, 'sms');
      return { kind: 'ok', user, session };
    }
    // no code could succeed: nothing to guess, so nothing counted
    if (!isLive(latest)) return { kind: 'expired' };
    await trx
      .insertInto('sms_code_failures')
      .values({ id: newId(), phone_bidx: phoneBidx, at: new Date(now).toISOString(), ip: client.ip })
      .execute();
    await recordAudit(trx, deps.clock, who, {
      action: 'auth.sms_code_wrong',
      targetType: 'sms_code',
      targetId: latest.id,
    });
    const failures = await trx
      .selectFrom('sms_code_failures')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('phone_bidx', 'in', phoneBidxes)
      .where('at', '>', new Date(now - LOCK_WINDOW_MS).toISOString())
      .executeTakeFirstOrThrow();
    const count = Number(failures.n);
    if (count < WRONG_CODES_TO_LOCK) return { kind: 'wrong', left: WRONG_CODES_TO_LOCK - count };
    await trx.updateTable('sms_codes').set({ status: 'void' }).where('id', '=', latest.id).execute();
    await recordAudit(trx, deps.clock, who, {
      action: 'auth.sms_locked',
      detail: { minutes: LOCK_WINDOW_MS / MINUTE },
    });
    return { kind: 'locked', minutes: LOCK_WINDOW_MS / MINUTE };
  });
  switch (verdict.kind) {
    case 'ok':
      return { user: verdict.user.user, isNewAccount: verdict.user.isNew, ...verdict.session };
    case 'locked':
      throw lockedError(verdict.minutes, 'code');
    case 'wrong':
      throw fieldError(
        'wrong_code',
        'code',
        {
          zh: `验证码不正确，还可再试 ${verdict.left} 次`,
          en: `Wrong code; ${verdict.left} ${verdict.left === 1 ? 'try' : 'tries'} left`,
        },
        'VALIDATION',
      );
    case 'no_code':
    case 'expired':
    case 'used':
    case 'replaced':
      throw fieldError(`code_${verdict.kind}`, 'code', CODE_MESSAGES[verdict.kind], 'VALIDATION');
  }
}
