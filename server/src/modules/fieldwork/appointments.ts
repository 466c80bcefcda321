import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import { SHANGHAI_OFFSET_MS } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { enqueueMessage } from '../messages/outbox.ts';
import type { VisitAppointmentTable } from './tables.ts';
import { getHouseholdInScope } from './visits.ts';

/** An appointment is made at least this far ahead (she needs to be told in time) … */
export const MIN_NOTICE_MS = 30 * 60_000;
/** … and at most this far: further out, plans change. */
export const MAX_AHEAD_MS = 60 * 24 * 3_600_000;

const APPOINTMENT = { zh: '走访预约', en: 'Visit appointment' };

/** The time as the household reads it: Shanghai, `12月8日 14:30` (the English text reads the same digits). */
export function appointmentTime(iso: string): string {
  const local = new Date(new Date(iso).getTime() + SHANGHAI_OFFSET_MS);
  const hh = String(local.getUTCHours()).padStart(2, '0');
  const mm = String(local.getUTCMinutes()).padStart(2, '0');
  return `${local.getUTCMonth() + 1}月${local.getUTCDate()}日 ${hh}:${mm}`;
}

export interface AppointmentOut {
  id: string;
  householdId: string;
  at: string;
  note: string | null;
  status: VisitAppointmentTable['status'];
  workerName: string;
  createdAt: string;
  cancelledAt: string | null;
}

const toOut = (r: VisitAppointmentTable): AppointmentOut => ({
  id: r.id,
  householdId: r.household_id,
  at: r.at,
  note: r.note,
  status: r.status,
  workerName: r.worker_name,
  createdAt: r.created_at,
  cancelledAt: r.cancelled_at,
});

/** The accounts bound to a household now: who hears of its appointments. */
async function boundAccounts(db: Kysely<DB> | Transaction<DB>, householdId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('resident_bindings')
    .select('user_id')
    .distinct()
    .where('household_id', '=', householdId)
    .where('status', '=', 'bound')
    .execute();
  return rows.map((r) => r.user_id);
}

/**
 * 预约走访: the grid worker (anyone who may record visits at the household) says when she will come;
 * every account bound to the household is told through the outbox, in the same transaction.
 */
export async function createAppointment(
  deps: AppDeps,
  actor: Actor,
  householdId: string,
  input: { at: string; note?: string | undefined },
): Promise<{ appointment: AppointmentOut; told: number }> {
  const household = await getHouseholdInScope(deps, actor, 'visit.record', householdId);
  const now = deps.clock.now();
  const at = new Date(input.at);
  if (at.getTime() < now.getTime() + MIN_NOTICE_MS) {
    throw invalidField('at', 'too_soon', {
      zh: '预约时间至少要在 30 分钟之后',
      en: 'An appointment must be at least 30 minutes ahead',
    });
  }
  if (at.getTime() > now.getTime() + MAX_AHEAD_MS) {
    throw invalidField('at', 'too_far', {
      zh: '预约时间不能超过 60 天之后',
      en: 'An appointment can be at most 60 days ahead',
    });
  }
  const row: VisitAppointmentTable = {
    id: newId(),
    household_id: household.id,
    org_path: household.org_path,
    worker_user_id: actor.userId,
    worker_name: actor.displayName,
    at: at.toISOString(),
    note: input.note === undefined || input.note === '' ? null : input.note,
    status: 'planned',
    created_at: now.toISOString(),
    cancelled_at: null,
  };
  const told = await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('visit_appointments').values(row).execute();
    const accounts = await boundAccounts(trx, household.id);
    for (const userId of accounts) {
      await enqueueMessage(trx, {
        now,
        kind: 'visit.appointment',
        recipientUserId: userId,
        params: { worker: actor.displayName, time: appointmentTime(row.at) },
      });
    }
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'visit.appointment_create',
      targetType: 'household',
      targetId: household.id,
      orgPath: household.org_path,
      detail: { appointmentId: row.id, told: accounts.length },
    });
    return accounts.length;
  });
  return { appointment: toOut(row), told };
}

/** Calls an appointment off; those told of it are told again. Cancelling twice changes nothing. */
export async function cancelAppointment(
  deps: AppDeps,
  actor: Actor,
  householdId: string,
  appointmentId: string,
): Promise<{ appointment: AppointmentOut; told: number }> {
  const household = await getHouseholdInScope(deps, actor, 'visit.record', householdId);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('visit_appointments')
      .selectAll()
      .where('id', '=', appointmentId)
      .where('household_id', '=', household.id)
      .executeTakeFirst();
    if (row === undefined) throw notFound(APPOINTMENT);
    if (row.status === 'cancelled') return { appointment: toOut(row), told: 0 };
    const updated = await trx
      .updateTable('visit_appointments')
      .set({ status: 'cancelled', cancelled_at: now.toISOString() })
      .where('id', '=', row.id)
      .where('status', '=', 'planned')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      return { appointment: toOut({ ...row, status: 'cancelled' }), told: 0 };
    }
    // a past appointment is history: nobody needs telling it will not happen
    const accounts = row.at > now.toISOString() ? await boundAccounts(trx, household.id) : [];
    for (const userId of accounts) {
      await enqueueMessage(trx, {
        now,
        kind: 'visit.appointment_cancelled',
        recipientUserId: userId,
        params: { worker: row.worker_name, time: appointmentTime(row.at) },
      });
    }
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'visit.appointment_cancel',
      targetType: 'household',
      targetId: household.id,
      orgPath: household.org_path,
      detail: { appointmentId: row.id, told: accounts.length },
    });
    return {
      appointment: toOut({ ...row, status: 'cancelled', cancelled_at: now.toISOString() }),
      told: accounts.length,
    };
  });
}

/** A household's appointments still ahead (and those of the last day), soonest first. */
export async function listAppointments(deps: AppDeps, actor: Actor, householdId: string) {
  const household = await getHouseholdInScope(deps, actor, 'visit.read', householdId);
  const since = new Date(deps.clock.now().getTime() - 24 * 3_600_000).toISOString();
  const rows = await deps.db
    .selectFrom('visit_appointments')
    .selectAll()
    .where('household_id', '=', household.id)
    .where('at', '>=', since)
    .orderBy('at')
    .orderBy('id')
    .limit(50)
    .execute();
  return { items: rows.map(toOut) };
}

/** Her own household's appointments ahead, for a bound resident (nothing for one not bound). */
export async function listMyAppointments(deps: AppDeps, actor: Actor) {
  const now = deps.clock.now().toISOString();
  const rows = await deps.db
    .selectFrom('visit_appointments')
    .innerJoin('resident_bindings', 'resident_bindings.household_id', 'visit_appointments.household_id')
    .selectAll('visit_appointments')
    .where('resident_bindings.user_id', '=', actor.userId)
    .where('resident_bindings.status', '=', 'bound')
    .where('visit_appointments.status', '=', 'planned')
    .where('visit_appointments.at', '>=', now)
    .orderBy('visit_appointments.at')
    .limit(20)
    .execute();
  return { items: rows.map(toOut) };
}
