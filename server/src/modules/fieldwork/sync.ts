import crypto from 'node:crypto';
import { countyKeyOf, countyKeyOfCase } from '../../db/county-key.ts';
import type { Actor } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { parsePart } from '../../platform/http/validation.ts';
import { newId } from '../../platform/ids.ts';
import { submitCase } from '../cases/intake.ts';
import { sniffImageType } from '../cases/photos.ts';
import { applyOwnFacts, checkFacts, initialState, insertChanges } from './changes.ts';
import { findReceipt, insertReceipt, photoIdsOf } from './receipts.ts';
import { CaseInput, HouseholdChangeInput, MAX_PHOTO_BYTES, SyncOp, type SyncResult, VisitInput } from './schema.ts';
import { getHouseholdToVisit, linkVisitCase, recordVisit, replayVisit } from './visits.ts';

export const photoTooLarge = () => {
  const zh = `照片不能超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB，已跳过这张照片，走访记录已保留`;
  const en = `A photo must be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB; it was dropped, the visit is kept`;
  return new AppError('PHOTO_TOO_LARGE', { zh, en }, [
    { code: 'photo_too_large', field: 'photo', message_zh: zh, message_en: en },
  ]);
};

const notAnImage = () => {
  const zh = '照片须为图片文件（JPEG、PNG、WebP、HEIC），已跳过';
  const en = 'The photo is not an image (JPEG, PNG, WebP or HEIC); it was dropped';
  return new AppError('PHOTO_NOT_IMAGE', { zh, en }, [
    { code: 'not_an_image', field: 'photo', message_zh: zh, message_en: en },
  ]);
};

/** Stores one photo the device queued, idempotent by its client id; an image by content, at most 10 MB. */
export async function storeSyncPhoto(
  deps: AppDeps,
  actor: Actor,
  clientId: string,
  data: Buffer,
): Promise<{ photoId: string; isNew: boolean }> {
  // New photos are the usual case: insert straight away, and look for the receipt only when that fails.
  if (data.length > MAX_PHOTO_BYTES) throw photoTooLarge();
  const mime = sniffImageType(data);
  if (mime === null) throw notAnImage();
  const id = newId();
  const now = deps.clock.now().toISOString();
  try {
    await deps.db.transaction().execute(async (trx) => {
      await insertReceipt(trx, { clientId, kind: 'photo', objectId: id, userId: actor.userId, now, countyKey: 0 });
      await trx
        .insertInto('visit_photos')
        .values({
          id,
          uploaded_by: actor.userId,
          visit_id: null,
          mime,
          size: data.length,
          sha256: crypto.createHash('sha256').update(data).digest('hex'),
          data,
          created_at: now,
          // no place until a visit names it (it then moves to the visit's county)
          county_key: 0,
        })
        .execute();
    });
  } catch (error) {
    const raced = await findReceipt(deps.db, actor, clientId, 'photo');
    if (raced !== null) return { photoId: raced.object_id, isNew: false };
    throw error;
  }
  return { photoId: id, isNew: true };
}

/** A case the device queued (a report from the street, or one tied to a visit), idempotent by client id. */
async function syncCase(deps: AppDeps, actor: Actor, clientId: string, raw: unknown): Promise<SyncResult> {
  const seen = await findReceipt(deps.db, actor, clientId, 'case');
  if (seen !== null)
    return { clientId, status: 'duplicate', id: seen.object_id, ...(await caseNumber(deps, seen.object_id)) };
  const input = parsePart(CaseInput, raw, 'body');
  const photoIds = await photoIdsOf(deps.db, actor, input.photoClientIds ?? []);
  const photos =
    photoIds.length === 0
      ? []
      : await deps.db.selectFrom('visit_photos').select(['mime', 'data']).where('id', 'in', photoIds).execute();
  const outcome = await submitCase(
    deps,
    {
      channel: 'grid_worker',
      dutyCode: input.dutyItemCode,
      description: input.description,
      priority: input.priority ?? 'normal',
      householdId: input.householdId,
      ...(input.location !== undefined ? { lng: input.location.lng, lat: input.location.lat } : {}),
      isAnonymous: false,
      externalRef: `sync:${clientId}`,
      photos: photos.map((p) => ({ mime: p.mime, data: Buffer.from(p.data) })),
      force: true,
    },
    { actor, permission: 'case.intake' },
  );
  if (outcome.kind === 'duplicates') throw new Error('intake offered duplicates despite force');
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('sync_receipts')
      .select('client_id')
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    if (existing === undefined)
      await insertReceipt(trx, {
        clientId,
        kind: 'case',
        objectId: outcome.caseId,
        userId: actor.userId,
        now,
        countyKey: countyKeyOfCase(trx, outcome.caseId),
      });
    if (input.visitClientId !== undefined) {
      const visit = await trx
        .selectFrom('sync_receipts')
        .select('object_id')
        .where('client_id', '=', input.visitClientId)
        .where('kind', '=', 'visit')
        .where('user_id', '=', actor.userId)
        .executeTakeFirst();
      if (visit !== undefined) await linkVisitCase(trx, visit.object_id, outcome.caseId, now);
    }
  });
  return {
    clientId,
    status: outcome.kind === 'created' ? 'created' : 'duplicate',
    id: outcome.caseId,
    caseId: outcome.caseId,
    caseNumber: outcome.number,
  };
}

async function caseNumber(deps: AppDeps, caseId: string) {
  const row = await deps.db.selectFrom('cases').select(['id', 'number']).where('id', '=', caseId).executeTakeFirst();
  return row === undefined ? {} : { caseId: row.id, caseNumber: row.number };
}

/** A fact sent on its own: stored as a change, applied at once where the worker may, else left for staff. */
async function syncHouseholdChange(deps: AppDeps, actor: Actor, clientId: string, raw: unknown): Promise<SyncResult> {
  const seen = await findReceipt(deps.db, actor, clientId, 'household_change');
  if (seen !== null) return { clientId, status: 'duplicate', id: seen.object_id };
  const input = parsePart(HouseholdChangeInput, raw, 'body');
  const household = await getHouseholdToVisit(deps, actor, input.householdId);
  const fact = { residentId: input.residentId, field: input.field, value: input.value, baseVersion: input.baseVersion };
  const versions = await checkFacts(deps, household, [fact], '');
  const state = initialState(actor, household.org_path, fact.baseVersion, versions.get(fact.residentId)!);
  const now = deps.clock.now().toISOString();
  let written: { id: string; toApply: boolean }[] = [];
  try {
    await deps.db.transaction().execute(async (trx) => {
      written = await insertChanges(trx, deps, actor, household, null, [{ fact, state }]);
      await insertReceipt(trx, {
        clientId,
        kind: 'household_change',
        objectId: written[0]!.id,
        userId: actor.userId,
        now,
        countyKey: countyKeyOf(household.org_path),
      });
      await recordAudit(trx, deps.clock, whoFromActor(actor), {
        action: 'household.change.propose',
        targetType: 'household_change',
        targetId: written[0]!.id,
        orgId: household.org_id,
        orgPath: household.org_path,
        detail: { field: fact.field, residentId: fact.residentId, state },
      });
    });
  } catch (error) {
    const raced = await findReceipt(deps.db, actor, clientId, 'household_change');
    if (raced !== null) return { clientId, status: 'duplicate', id: raced.object_id };
    throw error;
  }
  const [change] = written;
  await applyOwnFacts(
    deps,
    actor,
    written.filter((w) => w.toApply).map((w) => w.id),
  );
  return { clientId, status: state === 'stale' ? 'stale' : 'created', id: change!.id };
}

/** An op refused: its error as the device shows it. */
function rejected(clientId: string, error: AppError, notFoundField: string): SyncResult {
  const first = error.errors[0];
  return {
    clientId,
    status: 'rejected',
    error: {
      code: error.code,
      field: first?.field ?? (error.code === 'NOT_FOUND' ? notFoundField : 'payload'),
      message_zh: first?.message_zh ?? error.messages.zh,
      message_en: first?.message_en ?? error.messages.en,
    },
  };
}

/** The payload, without a copy of the op's own client id (a device may queue the online body as it is). */
function withoutOwnId(op: SyncOp): unknown {
  const payload = op.payload;
  if (typeof payload !== 'object' || payload === null || !('clientId' in payload)) return payload;
  const { clientId, ...rest } = payload as Record<string, unknown>;
  return clientId === op.clientId ? rest : payload;
}

/** One op of the device's queue, in its own transaction(s); a refused op writes nothing. */
async function runOp(deps: AppDeps, actor: Actor, raw: unknown): Promise<SyncResult> {
  const rawId = (raw as { clientId?: unknown } | null)?.clientId;
  const fallbackId = typeof rawId === 'string' ? rawId.slice(0, 64) : '';
  let op: SyncOp;
  try {
    op = parsePart(SyncOp, raw, 'body');
  } catch (error) {
    if (error instanceof AppError) return rejected(fallbackId, error, 'payload');
    throw error;
  }
  try {
    switch (op.kind) {
      case 'visit': {
        const seen = await findReceipt(deps.db, actor, op.clientId, 'visit');
        const out =
          seen !== null
            ? await replayVisit(deps, actor, seen.object_id)
            : await recordVisit(deps, actor, op.clientId, parsePart(VisitInput, withoutOwnId(op), 'body'), false);
        const facts = await deps.db
          .selectFrom('household_changes')
          .select(['resident_id as residentId', 'field', 'state'])
          .where('visit_id', '=', out.visitId)
          .orderBy('created_at')
          .orderBy('id')
          .execute();
        return {
          clientId: op.clientId,
          status: out.status,
          id: out.visitId,
          ...(out.caseId !== null ? { caseId: out.caseId, caseNumber: out.caseNumber! } : {}),
          ...(facts.length > 0 ? { facts } : {}),
        };
      }
      case 'case':
        return await syncCase(deps, actor, op.clientId, op.payload);
      case 'household_change':
        return await syncHouseholdChange(deps, actor, op.clientId, op.payload);
    }
  } catch (error) {
    if (error instanceof AppError && error.status < 500) return rejected(op.clientId, error, 'householdId');
    throw error;
  }
}

/** The device's queue, op by op, in order; each is idempotent by its client id. */
export async function syncBatch(deps: AppDeps, actor: Actor, ops: unknown[]): Promise<{ results: SyncResult[] }> {
  const results: SyncResult[] = [];
  for (const raw of ops) results.push(await runOp(deps, actor, raw));
  return { results };
}
