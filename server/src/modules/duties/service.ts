import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, conflict, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { DEFAULT_DUTY_ITEMS, DEPARTMENT_KINDS } from './default-items.ts';
import type { DutyItemCreateBody, DutyItemOut, DutyItemUpdateBody, DutyListQuery } from './schema.ts';
import type { DutyItemTable } from './tables.ts';

const DUTY_ITEM = { zh: '权责事项', en: 'Duty item' };

export function toDutyItemOut(row: DutyItemTable): DutyItemOut {
  return {
    id: row.id,
    code: row.code,
    revision: row.revision,
    listVersion: row.list_version,
    category: [row.category_top, row.category_sub],
    name: row.name,
    kind: row.kind,
    department: row.department_kind,
    departmentName: row.department_kind === null ? null : DEPARTMENT_KINDS[row.department_kind].zh,
    acceptHours: row.accept_hours,
    resolveHours: row.resolve_hours,
    urgentAcceptHours: row.urgent_accept_hours,
    urgentResolveHours: row.urgent_resolve_hours,
    legalBasis: row.legal_basis,
    description: row.description,
    keywords: JSON.parse(row.keywords) as string[],
    isPublic: row.is_public === 1,
    isRetired: row.is_retired === 1,
    createdAt: row.created_at,
  };
}

// Intake reads the current list on every case; an edit here clears it at once, other servers within seconds.
const cache = new WeakMap<Kysely<DB>, { at: number; rows: DutyItemTable[] }>();
const CACHE_MS = 5_000;

/** The current revision of every item (retired ones included, flagged). */
export async function listCurrentDutyItems(db: Kysely<DB>): Promise<DutyItemTable[]> {
  const hit = cache.get(db);
  if (hit !== undefined && Date.now() - hit.at < CACHE_MS) return hit.rows;
  const rows = await db.selectFrom('duty_items').selectAll().where('is_current', '=', 1).orderBy('code').execute();
  cache.set(db, { at: Date.now(), rows });
  return rows;
}

export async function currentListVersion(db: Kysely<DB>): Promise<number> {
  const rows = await listCurrentDutyItems(db);
  return rows.reduce((max, r) => Math.max(max, r.list_version), 0);
}

/** The current, not retired revision of an item, or null. */
export async function findActiveDutyItem(db: Kysely<DB>, code: string): Promise<DutyItemTable | null> {
  const row = (await listCurrentDutyItems(db)).find((r) => r.code === code);
  return row === undefined || row.is_retired === 1 ? null : row;
}

/** One revision by id (a case shows the item as it was routed). */
export async function getDutyRevision(db: Kysely<DB>, id: string): Promise<DutyItemTable | null> {
  return (await db.selectFrom('duty_items').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

function matches(row: DutyItemTable, q: string): boolean {
  const text = `${row.code} ${row.name} ${row.category_top} ${row.category_sub} ${row.keywords} ${row.description}`;
  return text.toLowerCase().includes(q.toLowerCase());
}

/** The duty list as staff see it, filtered. */
export async function listDutyItems(db: Kysely<DB>, query: DutyListQuery) {
  const rows = (await listCurrentDutyItems(db)).filter(
    (r) =>
      (query.includeRetired === 'true' || r.is_retired === 0) &&
      (query.kind === undefined || r.kind === query.kind) &&
      (query.isPublic === undefined || (r.is_public === 1) === (query.isPublic === 'true')) &&
      (query.q === undefined || matches(r, query.q)),
  );
  return { listVersion: await currentListVersion(db), items: rows.map(toDutyItemOut) };
}

/** The items a resident or an Open311 client may choose. */
export async function listPublicDutyItems(db: Kysely<DB>, q?: string) {
  return (await listCurrentDutyItems(db)).filter(
    (r) => r.is_public === 1 && r.is_retired === 0 && (q === undefined || matches(r, q)),
  );
}

export async function listDutyRevisions(db: Kysely<DB>, code: string): Promise<DutyItemOut[]> {
  const rows = await db
    .selectFrom('duty_items')
    .selectAll()
    .where('code', '=', code)
    .orderBy('revision', 'desc')
    .execute();
  if (rows.length === 0) throw notFound(DUTY_ITEM);
  return rows.map(toDutyItemOut);
}

type DutyFields = Omit<DutyItemCreateBody, 'code'>;

function fieldsToRow(f: DutyFields) {
  return {
    category_top: f.category[0],
    category_sub: f.category[1],
    name: f.name,
    kind: f.kind,
    department_kind: f.department,
    accept_hours: f.acceptHours,
    resolve_hours: f.resolveHours,
    urgent_accept_hours: f.urgentAcceptHours,
    urgent_resolve_hours: f.urgentResolveHours,
    legal_basis: f.legalBasis,
    description: f.description,
    keywords: JSON.stringify(f.keywords),
    is_public: f.isPublic ? 1 : 0,
  };
}

function rowToFields(row: DutyItemTable): DutyFields {
  const out = toDutyItemOut(row);
  return {
    category: out.category,
    name: out.name,
    kind: out.kind,
    department: out.department,
    acceptHours: out.acceptHours,
    resolveHours: out.resolveHours,
    urgentAcceptHours: out.urgentAcceptHours,
    urgentResolveHours: out.urgentResolveHours,
    legalBasis: out.legalBasis,
    description: out.description,
    keywords: out.keywords,
    isPublic: out.isPublic,
  };
}

const sameFields = (a: DutyFields, b: DutyFields) => JSON.stringify(a) === JSON.stringify(b);

async function nextListVersion(trx: Kysely<DB>): Promise<number> {
  const row = await trx
    .selectFrom('duty_items')
    .select((eb) => eb.fn.max('list_version').as('v'))
    .executeTakeFirst();
  return Number(row?.v ?? 0) + 1;
}

/** Writes a new revision of `code` and makes it current (inside the caller's transaction). */
async function writeRevision(
  trx: Kysely<DB>,
  options: {
    code: string;
    fields: DutyFields;
    isRetired: boolean;
    listVersion: number;
    actorId: string | null;
    now: string;
  },
): Promise<DutyItemTable> {
  const last = await trx
    .selectFrom('duty_items')
    .select((eb) => eb.fn.max('revision').as('r'))
    .where('code', '=', options.code)
    .executeTakeFirst();
  await trx.updateTable('duty_items').set({ is_current: 0 }).where('code', '=', options.code).execute();
  const row: DutyItemTable = {
    id: newId(),
    code: options.code,
    revision: Number(last?.r ?? 0) + 1,
    is_current: 1,
    list_version: options.listVersion,
    ...fieldsToRow(options.fields),
    is_retired: options.isRetired ? 1 : 0,
    created_by: options.actorId,
    created_at: options.now,
  };
  await trx.insertInto('duty_items').values(row).execute();
  return row;
}

/** The list shipped with the platform, written once on first start. */
export async function ensureDefaultDutyList(deps: Pick<AppDeps, 'db' | 'clock'>): Promise<void> {
  const any = await deps.db.selectFrom('duty_items').select('id').executeTakeFirst();
  if (any !== undefined) return;
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    for (const item of DEFAULT_DUTY_ITEMS) {
      const { code, category, ...rest } = item;
      await writeRevision(trx, {
        code,
        fields: { ...rest, category: [...category] },
        isRetired: false,
        listVersion: 1,
        actorId: null,
        now,
      });
    }
  });
  cache.delete(deps.db);
}

export async function createDutyItem(deps: AppDeps, actor: Actor, body: DutyItemCreateBody): Promise<DutyItemOut> {
  const { code, ...fields } = body;
  const row = await deps.db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('duty_items').select('id').where('code', '=', code).executeTakeFirst();
    if (existing !== undefined) {
      throw conflict('CONFLICT', 'code', { zh: `事项编码 ${code} 已存在`, en: `Duty item ${code} exists` });
    }
    const now = deps.clock.now().toISOString();
    const created = await writeRevision(trx, {
      code,
      fields,
      isRetired: false,
      listVersion: await nextListVersion(trx),
      actorId: actor.userId,
      now,
    });
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'duty.create',
      targetType: 'duty_item',
      targetId: created.id,
      detail: { code },
    });
    return created;
  });
  cache.delete(deps.db);
  return toDutyItemOut(row);
}

/** Edits an item as a new revision; cases routed under the old one keep pointing at it. */
export async function reviseDutyItem(
  deps: AppDeps,
  actor: Actor,
  code: string,
  body: DutyItemUpdateBody | { revision: number; isRetired: boolean },
): Promise<DutyItemOut> {
  const row = await deps.db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('duty_items')
      .selectAll()
      .where('code', '=', code)
      .where('is_current', '=', 1)
      .executeTakeFirst();
    if (current === undefined) throw notFound(DUTY_ITEM);
    if (current.revision !== body.revision) {
      throw conflict('CONFLICT', 'revision', {
        zh: '该事项已被他人修改，请刷新后重试',
        en: 'The item was changed by someone else; reload and retry',
      });
    }
    const isRetiring = 'isRetired' in body;
    const isRetired = isRetiring ? body.isRetired : current.is_retired === 1;
    const edits = isRetiring ? {} : stripUndefined({ ...body, revision: undefined });
    const fields: DutyFields = { ...rowToFields(current), ...edits };
    const merged = {
      ...fields,
      department: fields.kind === 'community' || fields.kind === 'street' ? null : fields.department,
    };
    if ((merged.kind === 'assist' || merged.kind === 'department') && merged.department === null) {
      throw new AppError('VALIDATION', { zh: '输入有误', en: 'Invalid input' }, [
        {
          code: 'custom',
          field: 'department',
          message_zh: '协助事项和部门事项须指定责任部门',
          message_en: 'An assist or department item names its department',
        },
      ]);
    }
    const now = deps.clock.now().toISOString();
    const written = await writeRevision(trx, {
      code,
      fields: merged,
      isRetired,
      listVersion: await nextListVersion(trx),
      actorId: actor.userId,
      now,
    });
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: isRetired && current.is_retired === 0 ? 'duty.retire' : 'duty.revise',
      targetType: 'duty_item',
      targetId: written.id,
      detail: { code, revision: written.revision },
    });
    return written;
  });
  cache.delete(deps.db);
  return toDutyItemOut(row);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Applies a whole list (from a spreadsheet): new codes are created, changed items get a new
 * revision, the rest are left alone. One transaction: a bad row stores nothing.
 */
export async function applyDutyList(
  deps: AppDeps,
  actor: Actor,
  items: DutyItemCreateBody[],
): Promise<{ created: number; revised: number; unchanged: number; listVersion: number }> {
  const result = await deps.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('duty_items').selectAll().where('is_current', '=', 1).execute();
    const byCode = new Map(current.map((r) => [r.code, r]));
    const listVersion = await nextListVersion(trx);
    const now = deps.clock.now().toISOString();
    let created = 0;
    let revised = 0;
    let unchanged = 0;
    for (const { code, ...fields } of items) {
      const existing = byCode.get(code);
      if (existing !== undefined && existing.is_retired === 0 && sameFields(rowToFields(existing), fields)) {
        unchanged += 1;
        continue;
      }
      await writeRevision(trx, { code, fields, isRetired: false, listVersion, actorId: actor.userId, now });
      if (existing === undefined) created += 1;
      else revised += 1;
    }
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'duty.import',
      targetType: 'duty_list',
      detail: { created, revised, unchanged, listVersion },
    });
    return { created, revised, unchanged, listVersion: created + revised > 0 ? listVersion : listVersion - 1 };
  });
  cache.delete(deps.db);
  return result;
}
