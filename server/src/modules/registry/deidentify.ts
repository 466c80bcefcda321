import type { Actor } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { type ResidentOut } from './schema.ts';
import { getResidentInScope, toResidentsOut } from './residents.ts';
import { syncResidentRollups } from '../insights/rollups.ts';

/**
 * 去标识化 on request (PIPL art. 47: deletion when the purpose is fulfilled): a resident who moved out (or
 * died) at least DEIDENTIFY_AFTER_DAYS ago loses her name, ID number, phone and exact birth date; her
 * history's name values are masked, her residents' accounts unbound. What the figures count stays — status,
 * gender, birth year (the counters keep no finer age), residence type, care tags, her household — so every
 * dashboard and report over past months adds up as before. Audited with the requester's reason; not undone.
 */

export const DEIDENTIFY_AFTER_DAYS = 180;
export const DEIDENTIFIED_NAME = '已去标识化';

export async function deidentifyResident(
  deps: AppDeps,
  actor: Actor,
  id: string,
  body: { reason: string; version: number },
): Promise<ResidentOut> {
  const current = await getResidentInScope(deps, actor, id, 'resident.write');
  const now = deps.clock.now();
  if (current.deidentified_at != null) {
    throw new AppError('INVALID_STATE', { zh: '该居民已去标识化', en: 'She has already been de-identified' });
  }
  const since = current.status_date === null ? null : Date.parse(current.status_date);
  if (current.status === 'living' || since === null || now.getTime() - since < DEIDENTIFY_AFTER_DAYS * 86_400_000) {
    throw new AppError(
      'INVALID_STATE',
      {
        zh: `只有迁出或去世满 ${DEIDENTIFY_AFTER_DAYS} 天的居民可以去标识化`,
        en: `Only a resident who moved out or died at least ${DEIDENTIFY_AFTER_DAYS} days ago can be de-identified`,
      },
      [
        {
          code: 'too_recent',
          field: 'status',
          message_zh: `迁出或去世满 ${DEIDENTIFY_AFTER_DAYS} 天后方可去标识化`,
          message_en: `Possible ${DEIDENTIFY_AFTER_DAYS} days after she moved out or died`,
        },
      ],
    );
  }
  if (current.version !== body.version) {
    throw new AppError('CONFLICT', { zh: '数据已被他人修改，请刷新后重试', en: 'Changed by someone else; reload' }, [
      { code: 'stale_version', field: 'version', message_zh: '版本已过期', message_en: 'Stale version' },
    ]);
  }
  const iso = now.toISOString();
  await deps.db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('residents')
      .set({
        name: DEIDENTIFIED_NAME,
        name_initials: '',
        id_number_enc: null,
        id_number_bidx: null,
        no_id_reason: DEIDENTIFIED_NAME,
        phone_enc: null,
        phone_bidx: null,
        birth_date: `${current.birth_date.slice(0, 4)}-01-01`,
        deidentified_at: iso,
        version: current.version + 1,
        updated_at: iso,
      })
      .where('id', '=', id)
      .where('version', '=', current.version)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      throw new AppError('CONFLICT', { zh: '数据已被他人修改，请刷新后重试', en: 'Changed by someone else; reload' });
    }
    // her history keeps what happened, not what she was called
    await trx
      .updateTable('resident_changes')
      .set({ old_value: '***', new_value: '***' })
      .where('resident_id', '=', id)
      .where('field', 'in', ['name', 'birthDate'])
      .execute();
    await trx
      .updateTable('resident_bindings')
      .set({ status: 'ended', ended_at: iso, ended_by_name: DEIDENTIFIED_NAME })
      .where('resident_id', '=', id)
      .where('status', 'in', ['pending', 'bound'])
      .execute();
    await syncResidentRollups(trx, [id]);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'resident.deidentified',
      targetType: 'resident',
      targetId: id,
      orgPath: current.org_path,
      detail: { reason: body.reason },
    });
  });
  return (
    await toResidentsOut(deps, actor, [
      await deps.db.selectFrom('residents').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    ])
  )[0]!;
}
