import type { DB } from '../../db/types.ts';
import { type Actor, inScope } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, conflict, forbidden, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { maskPhone } from '../../platform/pii/crypto.ts';
import { ID_NUMBER_MESSAGES, parseIdNumber } from '../registry/id-number.ts';
import {
  findLivingResidentsByIdNumber,
  findResidentSummaries,
  getHouseholdForResident,
} from '../registry/self-service.ts';
import { isResidentAccount } from './accounts.ts';
import type { BindingStatus, ResidentBindingTable } from './tables.ts';

/**
 * Binding her account to her registry record (issue 20, item 1). The look-up is by the ID number's blind
 * index and answers nothing about what it found: an ID number that is not in the registry, one whose
 * name differs, one of someone who moved away — all get the same refusal (same status, same body). ID
 * number and name found and the registry's phone for her equal to her account's: bound at once. ID and
 * name found but the phone differs or is missing: a request her community's staff confirm or reject.
 * Every attempt is audited and counted: the sixth within a day is refused before any look-up.
 */
export const BIND_ATTEMPTS_PER_DAY = 5;
const DAY_MS = 24 * 60 * 60_000;
const BINDING = { zh: '绑定申请', en: 'Binding request' };

/** The one refusal for every attempt that does not match. */
const bindRefused = () =>
  new AppError('VALIDATION', { zh: '未能核验', en: 'Could not verify' }, [
    {
      code: 'no_match',
      field: 'idNumber',
      message_zh: '姓名与身份证号未能与社区登记信息核验一致，请核对后重试，或到社区办理',
      message_en:
        'Name and ID number could not be matched with the community register; check them or visit your community',
    },
  ]);

/** Name as typed, without surrounding or doubled spaces (the registry keeps names trimmed). */
const normalizeName = (name: string) => name.trim().replace(/\s+/g, ' ');

async function requireResidentAccount(deps: AppDeps, actor: Actor) {
  // a resident's account: one she opened by code or WeChat, or one staff made for her that holds the
  // resident role alone (the README's demo residents); an account with any staff role binds nobody
  const isResidentOnly = actor.assignments.length > 0 && actor.assignments.every((a) => a.role === 'resident');
  if (!isResidentOnly && !(await isResidentAccount(deps.db, actor.userId))) throw forbidden();
  const user = await deps.db
    .selectFrom('users')
    .select(['phone_bidx', 'phone_enc', 'display_name'])
    .where('id', '=', actor.userId)
    .executeTakeFirstOrThrow();
  return user;
}

/** Her latest binding (open or closed), if any. */
async function findLatestBinding(deps: AppDeps, userId: string) {
  return deps.db
    .selectFrom('resident_bindings')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

async function countBindAttempts(deps: AppDeps, userId: string): Promise<number> {
  const row = await deps.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('actor_id', '=', userId)
    .where('action', '=', 'resident.bind_attempt')
    .where('at', '>', new Date(deps.clock.now().getTime() - DAY_MS).toISOString())
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Her account as the phone app needs it: how she signs in and where her binding stands. */
export async function getMyAccount(deps: AppDeps, actor: Actor) {
  const user = await requireResidentAccount(deps, actor);
  const [account, binding, attempts] = await Promise.all([
    deps.db
      .selectFrom('resident_accounts')
      .select(['wechat_openid_bidx'])
      .where('user_id', '=', actor.userId)
      .executeTakeFirst(),
    findLatestBinding(deps, actor.userId),
    countBindAttempts(deps, actor.userId),
  ]);
  return {
    displayName: user.display_name,
    phone: user.phone_enc === null ? null : maskPhone(deps.pii.decrypt(user.phone_enc)),
    hasWechat: account !== undefined && account.wechat_openid_bidx !== null,
    isBound: binding?.status === 'bound',
    binding:
      binding === undefined
        ? null
        : {
            id: binding.id,
            status: binding.status,
            createdAt: binding.created_at,
            decidedAt: binding.decided_at,
            // a refusal's note is hers to read; who decided is not
            note: binding.status === 'rejected' ? binding.decision_note : null,
          },
    bindAttemptsLeft: Math.max(0, BIND_ATTEMPTS_PER_DAY - attempts),
  };
}

/** Asks to bind her account to the registry resident with this name and ID number. */
export async function bindMyAccount(deps: AppDeps, actor: Actor, input: { name: string; idNumber: string }) {
  const user = await requireResidentAccount(deps, actor);
  const parsed = parseIdNumber(input.idNumber, deps.clock.now());
  if (!parsed.ok) throw invalidField('idNumber', parsed.problem, ID_NUMBER_MESSAGES[parsed.problem]);
  const open = await findLatestBinding(deps, actor.userId);
  if (open !== undefined && (open.status === 'bound' || open.status === 'pending')) {
    throw conflict('CONFLICT', 'idNumber', {
      zh: open.status === 'bound' ? '您已绑定住户，如需更换请先解除绑定' : '您的绑定申请正在等待社区核实',
      en:
        open.status === 'bound' ? 'You are bound already; unbind first' : 'Your binding request awaits your community',
    });
  }
  const who = whoFromActor(actor);
  // the attempt is on record before it is counted, so concurrent attempts cannot pass more than the limit
  await recordAudit(deps.db, deps.clock, who, {
    action: 'resident.bind_attempt',
    targetType: 'user',
    targetId: actor.userId,
  });
  if ((await countBindAttempts(deps, actor.userId)) > BIND_ATTEMPTS_PER_DAY) {
    throw new AppError(
      'RATE_LIMITED',
      {
        zh: '今日核验次数已用完，请明天再试或到社区办理',
        en: 'No verification attempts left today; try tomorrow or visit your community',
      },
      [
        {
          code: 'bind_limit',
          field: 'idNumber',
          message_zh: `每天最多核验 ${BIND_ATTEMPTS_PER_DAY} 次`,
          message_en: `At most ${BIND_ATTEMPTS_PER_DAY} attempts a day`,
        },
      ],
    );
  }
  const name = normalizeName(input.name);
  const found = await findLivingResidentsByIdNumber(
    deps.db,
    deps.pii.blindIndexes('id_number', parsed.facts.normalized),
  );
  const match = found.find((r) => normalizeName(r.name) === name);
  if (match === undefined) {
    await recordAudit(deps.db, deps.clock, who, {
      action: 'resident.bind_refused',
      targetType: 'user',
      targetId: actor.userId,
    });
    throw bindRefused();
  }
  // her phone's index under every valid key: the same number matches while a key rotation converts rows
  const userPhoneTokens =
    user.phone_enc === null ? [] : deps.pii.blindIndexes('phone', deps.pii.decrypt(user.phone_enc));
  const isExact = match.phone_bidx !== null && userPhoneTokens.includes(match.phone_bidx);
  const now = deps.clock.now().toISOString();
  const row: ResidentBindingTable = {
    id: newId(),
    user_id: actor.userId,
    resident_id: match.id,
    household_id: match.household_id,
    org_path: match.org_path,
    status: isExact ? 'bound' : 'pending',
    match: isExact ? 'exact' : match.phone_bidx === null || user.phone_bidx === null ? 'phone_absent' : 'phone_differs',
    created_at: now,
    decided_at: isExact ? now : null,
    decided_by: null,
    decided_by_name: null,
    decision_note: null,
    ended_at: null,
    ended_by_name: null,
  };
  try {
    await deps.db.transaction().execute(async (trx) => {
      await trx.insertInto('resident_bindings').values(row).execute();
      await recordAudit(trx, deps.clock, who, {
        action: isExact ? 'resident.bind' : 'resident.bind_requested',
        targetType: 'resident_binding',
        targetId: row.id,
        orgId: match.org_id,
        orgPath: match.org_path,
        detail: { residentId: match.id, match: row.match },
      });
    });
  } catch {
    // a second attempt of hers committed first (the one open binding per account index)
    throw conflict('CONFLICT', 'idNumber', { zh: '您已有绑定或申请', en: 'You have a binding or request already' });
  }
  return getMyAccount(deps, actor);
}

/** Ends her own binding, or withdraws her pending request. */
export async function unbindMyAccount(deps: AppDeps, actor: Actor) {
  await requireResidentAccount(deps, actor);
  const open = await findLatestBinding(deps, actor.userId);
  if (open === undefined || (open.status !== 'bound' && open.status !== 'pending')) throw notFound(BINDING);
  await endBinding(deps, actor, open, 'resident.unbind_self');
  return getMyAccount(deps, actor);
}

async function endBinding(deps: AppDeps, actor: Actor, binding: ResidentBindingTable, action: string, note?: string) {
  await deps.db.transaction().execute(async (trx) => {
    const ended = await trx
      .updateTable('resident_bindings')
      .set({ status: 'ended', ended_at: deps.clock.now().toISOString(), ended_by_name: actor.displayName })
      .where('id', '=', binding.id)
      .where('status', '=', binding.status)
      .executeTakeFirst();
    if (Number(ended.numUpdatedRows) !== 1) throw stateChanged();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action,
      targetType: 'resident_binding',
      targetId: binding.id,
      orgPath: binding.org_path,
      detail: { from: binding.status, ...(note === undefined ? {} : { note }) },
    });
  });
}

const stateChanged = () =>
  new AppError('INVALID_STATE', { zh: '该申请的状态已变化，请刷新', en: 'The request has changed; reload' });

/** Her household, masked as a grid worker sees it; 404 while she is not bound. */
export async function getMyHousehold(deps: AppDeps, actor: Actor) {
  await requireResidentAccount(deps, actor);
  const binding = await findLatestBinding(deps, actor.userId);
  const notBound = () => new AppError('NOT_FOUND', { zh: '尚未绑定住户', en: 'Not bound to a household' });
  if (binding?.status !== 'bound') throw notBound();
  const household = await getHouseholdForResident(deps, binding.resident_id);
  if (household === undefined) throw notBound();
  return household;
}

// ——— staff ———

/** Binding requests (and bindings) of residents in the actor's `resident.write` scope, newest first. */
export async function listBindingsInScope(
  deps: AppDeps,
  actor: Actor,
  filter: { status: BindingStatus; limit: number },
) {
  const rows = await deps.db
    .selectFrom('resident_bindings')
    .innerJoin('users as u', 'u.id', 'resident_bindings.user_id')
    .selectAll('resident_bindings')
    .select(['u.display_name', 'u.phone_enc as account_phone_enc'])
    .where(inScope<DB, 'resident_bindings'>(actor, 'resident.write', 'resident_bindings.org_path'))
    .where('resident_bindings.status', '=', filter.status)
    .orderBy('resident_bindings.created_at', 'desc')
    .limit(filter.limit)
    .execute();
  const residents = await findResidentSummaries(
    deps,
    rows.map((r) => r.resident_id),
  );
  const registryPhones = await deps.db
    .selectFrom('residents')
    .select(['id', 'phone_enc'])
    .where('id', 'in', rows.length === 0 ? [''] : rows.map((r) => r.resident_id))
    .execute();
  const phoneOf = new Map(registryPhones.map((r) => [r.id, r.phone_enc]));
  const masked = (enc: string | null | undefined) => (enc == null ? null : maskPhone(deps.pii.decrypt(enc)));
  return {
    items: rows.map((r) => ({
      id: r.id,
      status: r.status,
      match: r.match,
      createdAt: r.created_at,
      decidedAt: r.decided_at,
      decidedByName: r.decided_by_name,
      accountName: r.display_name,
      accountPhone: masked(r.account_phone_enc),
      residentId: r.resident_id,
      residentName: residents.get(r.resident_id)?.name ?? '',
      registryPhone: masked(phoneOf.get(r.resident_id)),
      address: residents.get(r.resident_id)?.address ?? '',
      orgName: residents.get(r.resident_id)?.orgName ?? '',
    })),
  };
}

async function getBindingInScope(deps: AppDeps, actor: Actor, id: string) {
  const row = await deps.db
    .selectFrom('resident_bindings')
    .selectAll()
    .where('id', '=', id)
    .where(inScope<DB, 'resident_bindings'>(actor, 'resident.write', 'resident_bindings.org_path'))
    .executeTakeFirst();
  if (row === undefined) throw notFound(BINDING);
  return row;
}

/** Her community confirms (bound) or rejects a pending request. */
export async function decideBinding(
  deps: AppDeps,
  actor: Actor,
  id: string,
  input: { decision: 'confirm' | 'reject'; note?: string | undefined },
) {
  const binding = await getBindingInScope(deps, actor, id);
  if (binding.status !== 'pending') throw stateChanged();
  const status = input.decision === 'confirm' ? 'bound' : 'rejected';
  await deps.db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('resident_bindings')
      .set({
        status,
        decided_at: deps.clock.now().toISOString(),
        decided_by: actor.userId,
        decided_by_name: actor.displayName,
        decision_note: input.note ?? null,
      })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) throw stateChanged();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: input.decision === 'confirm' ? 'resident.bind_confirm' : 'resident.bind_reject',
      targetType: 'resident_binding',
      targetId: id,
      orgPath: binding.org_path,
      detail: { residentId: binding.resident_id },
    });
  });
  return { id, status };
}

/** Staff end a binding (she moved away, it was wrong). */
export async function endBindingByStaff(deps: AppDeps, actor: Actor, id: string, note?: string) {
  const binding = await getBindingInScope(deps, actor, id);
  if (binding.status !== 'bound' && binding.status !== 'pending') throw stateChanged();
  await endBinding(deps, actor, binding, 'resident.unbind', note);
  return { id, status: 'ended' as const };
}
