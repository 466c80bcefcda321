import type { Actor } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { invalidField } from '../../platform/errors.ts';
import { checkIntake, type IntakeInput, submitCase } from '../cases/intake.ts';
import { getUnitWith } from '../insights/service.ts';
import type { TaskRecordBody } from './schema.ts';
import { getTarget, refuseState, toOutcome } from './service.ts';

/**
 * Each kind of task ends with the community's record: a meeting its attendance (in person, by video, or
 * written input where the sender allows it), a document "read" with a reply where one is asked, an
 * inspection its date, checklist, findings and the follow-up cases it opened (through case intake), a
 * signboard or other task a note of what was done. A report ends by its generated answer (answerTask).
 */
export async function recordTarget(deps: AppDeps, actor: Actor, taskId: string, orgId: string, body: TaskRecordBody) {
  const unit = await getUnitWith(deps.db, actor, orgId, 'task.read');
  const target = await getTarget(deps, taskId, orgId);
  if (target.status !== 'admitted') throw refuseState('该任务未获准入，无需办理', 'The task was not admitted');
  if (target.kind === 'report') {
    throw invalidField('kind', 'report_is_generated', {
      zh: '报表任务以生成报表报送',
      en: 'A report task is answered by generating its report',
    });
  }
  const expected =
    target.kind === 'meeting' || target.kind === 'document' || target.kind === 'inspection' ? target.kind : 'other';
  if (body.kind !== expected) {
    throw invalidField('kind', 'wrong_record', {
      zh: `该任务须以“${expected}”记录办结`,
      en: `This task is recorded as "${expected}"`,
    });
  }
  if (target.done_at !== null) throw refuseState('该任务已办结', 'The task was already recorded');

  let minutes: number | null = null;
  let record: Record<string, unknown>;
  const intakes: IntakeInput[] = [];
  switch (body.kind) {
    case 'meeting': {
      if (body.attendance === 'video' && target.allow_video !== 1) {
        throw invalidField('attendance', 'video_not_allowed', {
          zh: '发起方未允许视频参会',
          en: 'The sender does not allow attending by video',
        });
      }
      if (body.attendance === 'written') {
        if (target.allow_written !== 1) {
          throw invalidField('attendance', 'written_not_allowed', {
            zh: '发起方未允许以书面意见代替参会',
            en: 'The sender does not allow written input instead',
          });
        }
        if (body.writtenInput === undefined || body.writtenInput.length < 2) {
          throw invalidField('writtenInput', 'written_input_required', {
            zh: '请填写书面意见',
            en: 'Write the input you send',
          });
        }
      } else if (body.attendees.length === 0) {
        throw invalidField('attendees', 'attendees_required', {
          zh: '请填写参会人员',
          en: 'Say who attended',
        });
      }
      minutes = body.attendance === 'written' ? 0 : (target.meeting_minutes ?? 0);
      record = {
        attendance: body.attendance,
        attendees: body.attendance === 'written' ? [] : body.attendees,
        writtenInput: body.attendance === 'written' ? body.writtenInput : null,
        summary: body.summary ?? null,
      };
      break;
    }
    case 'document': {
      if (target.reply_required === 1 && (body.reply === undefined || body.reply.length < 2)) {
        throw invalidField('reply', 'reply_required', {
          zh: '该文件要求回复意见',
          en: 'This document asks for a reply',
        });
      }
      record = { read: true, reply: body.reply ?? null };
      break;
    }
    case 'inspection': {
      const asked = target.checklist === null ? [] : (JSON.parse(target.checklist) as string[]);
      const answered = new Set(body.checklist.map((c) => c.item));
      const missing = asked.findIndex((item) => !answered.has(item));
      if (missing >= 0) {
        throw invalidField('checklist', 'checklist_incomplete', {
          zh: `检查清单第 ${missing + 1} 项“${asked[missing]}”未填写`,
          en: `Checklist item ${missing + 1} "${asked[missing]}" is not answered`,
        });
      }
      for (const f of body.followUps) {
        intakes.push({
          channel: 'grid_worker',
          dutyCode: f.dutyItemCode,
          description: f.description,
          priority: 'normal',
          orgId,
          address: f.address,
          isAnonymous: false,
          photos: [],
          force: true,
        });
      }
      // every follow-up is checked before anything is written: a bad one writes nothing
      for (const [i, input] of intakes.entries()) {
        try {
          await checkIntake(deps, input, { actor, permission: 'case.intake' });
        } catch (e) {
          if (e instanceof Error && 'errors' in e) {
            const err = e as Error & { errors: { field: string }[] };
            for (const fe of err.errors) fe.field = `followUps.${i}.${fe.field}`;
          }
          throw e;
        }
      }
      record = {
        inspectedOn: body.inspectedOn,
        checklist: body.checklist,
        findings: body.findings,
        cases: [] as { id: string; number: string }[],
      };
      break;
    }
    case 'other':
      record = { note: body.note };
      break;
  }

  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('task_targets')
      .set({
        done_at: now,
        record: JSON.stringify(record),
        attendance: body.kind === 'meeting' ? body.attendance : null,
        minutes_attended: minutes,
      })
      .where('task_id', '=', taskId)
      .where('org_id', '=', orgId)
      .where('done_at', 'is', null)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) throw refuseState('该任务已办结', 'The task was already recorded');
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'task.record',
      targetType: 'task',
      targetId: taskId,
      orgId: unit.id,
      orgPath: unit.path,
      detail: { kind: body.kind, ...(body.kind === 'meeting' ? { attendance: body.attendance } : {}) },
    });
  });
  if (intakes.length > 0) {
    const cases: { id: string; number: string }[] = [];
    for (const input of intakes) {
      const outcome = await submitCase(deps, input, { actor, permission: 'case.intake' });
      if (outcome.kind !== 'duplicates') cases.push({ id: outcome.caseId, number: outcome.number });
    }
    record = { ...record, cases };
    await deps.db
      .updateTable('task_targets')
      .set({ record: JSON.stringify(record) })
      .where('task_id', '=', taskId)
      .where('org_id', '=', orgId)
      .execute();
  }
  return toOutcome(
    {
      ...target,
      done_at: now,
      record: JSON.stringify(record),
      attendance: body.kind === 'meeting' ? body.attendance : null,
      minutes_attended: minutes,
    },
    target,
    deps.clock.now(),
    [],
    actor,
  );
}
