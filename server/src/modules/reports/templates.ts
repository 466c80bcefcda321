import { type Actor, canAt, hasPermission, scopeRoots } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, type FieldError, forbidden, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { listCurrentDutyItems } from '../duties/service.ts';
import { listCareTagsAt } from '../registry/care-tags.ts';
import { METRIC_BY_ID } from './metrics.ts';
import type { MetricFilter, RosterTemplate, TemplateInput, UnitsTemplate } from './schema.ts';

const TEMPLATE = { zh: '报表模板', en: 'Report template' };

const problem = (code: string, field: string, zh: string, en: string): FieldError => ({
  code,
  field,
  message_zh: zh,
  message_en: en,
});

interface Known {
  tags: Set<string>;
  dutyCodes: Set<string>;
}

function checkFilter(filter: MetricFilter, field: string, allowed: readonly string[] | null, known: Known) {
  const errors: FieldError[] = [];
  for (const key of Object.keys(filter) as (keyof MetricFilter)[]) {
    if (filter[key] === undefined) continue;
    if (allowed !== null && !allowed.includes(key)) {
      errors.push(
        problem(
          'filter_not_allowed',
          `${field}.${key}`,
          `该指标不能按“${key}”筛选`,
          `This metric cannot be filtered by ${key}`,
        ),
      );
    }
  }
  if (filter.careTag !== undefined && !known.tags.has(filter.careTag)) {
    errors.push(
      problem(
        'unknown_care_tag',
        `${field}.careTag`,
        `未知的关爱标签：${filter.careTag}`,
        `Unknown care tag: ${filter.careTag}`,
      ),
    );
  }
  if (filter.dutyItemCode !== undefined && !known.dutyCodes.has(filter.dutyItemCode)) {
    errors.push(
      problem(
        'unknown_duty_item',
        `${field}.dutyItemCode`,
        `权责清单中没有事项 ${filter.dutyItemCode}`,
        `No duty item ${filter.dutyItemCode}`,
      ),
    );
  }
  if (filter.ageMin !== undefined && filter.ageMax !== undefined && filter.ageMin > filter.ageMax) {
    errors.push(problem('bad_age_range', `${field}.ageMin`, '最小年龄大于最大年龄', 'ageMin is above ageMax'));
  }
  return errors;
}

/** Problems of a units template: unknown metrics, filters a metric does not take, references and cycles. */
function checkUnitsTemplate(t: UnitsTemplate, known: Known): FieldError[] {
  const errors: FieldError[] = [];
  const index = new Map<string, number>();
  t.columns.forEach((col, i) => {
    if (index.has(col.key)) {
      errors.push(problem('duplicate_key', `columns.${i}.key`, `列标识重复：${col.key}`, `Duplicate key: ${col.key}`));
    }
    index.set(col.key, i);
  });
  t.columns.forEach((col, i) => {
    if ('metric' in col) {
      const metric = METRIC_BY_ID.get(col.metric);
      if (metric === undefined) {
        errors.push(
          problem(
            'unknown_metric',
            `columns.${i}.metric`,
            `未知的指标：${col.metric}`,
            `Unknown metric: ${col.metric}`,
          ),
        );
      } else if (col.filter !== undefined) {
        errors.push(...checkFilter(col.filter, `columns.${i}.filter`, metric.filters, known));
      }
    }
    if ('derived' in col) {
      for (const [j, ref] of col.derived.args.entries()) {
        const target = index.get(ref);
        if (target === undefined) {
          errors.push(
            problem(
              'unknown_reference',
              `columns.${i}.derived.args.${j}`,
              `引用了不存在的列：${ref}`,
              `No column ${ref}`,
            ),
          );
        } else if ('manual' in t.columns[target]!) {
          errors.push(
            problem(
              'manual_reference',
              `columns.${i}.derived.args.${j}`,
              `计算列不能引用手填列：${ref}`,
              `A computed column cannot use the typed column ${ref}`,
            ),
          );
        }
      }
      if ((col.derived.op === 'ratio' || col.derived.op === 'percent') && col.derived.args.length !== 2) {
        errors.push(
          problem('bad_arity', `columns.${i}.derived.args`, '比率需要恰好两列', 'A ratio takes exactly two columns'),
        );
      }
    }
  });
  const cycle = findCycle(t);
  if (cycle !== null) {
    errors.push(
      problem(
        'cyclic_reference',
        `columns.${index.get(cycle[0]!)}.derived`,
        `计算列循环引用：${cycle.join(' → ')}`,
        `Computed columns refer to each other in a cycle: ${cycle.join(' → ')}`,
      ),
    );
  }
  for (const [i, g] of (t.headerGroups ?? []).entries()) {
    const from = index.get(g.from);
    const to = index.get(g.to);
    if (from === undefined || to === undefined || from > to) {
      errors.push(
        problem(
          'bad_header_group',
          `headerGroups.${i}`,
          '表头分组的起止列不存在或顺序颠倒',
          'Header group columns are unknown or reversed',
        ),
      );
    }
  }
  const spans = (t.headerGroups ?? [])
    .map((g) => [index.get(g.from), index.get(g.to)] as const)
    .filter((s): s is readonly [number, number] => s[0] !== undefined && s[1] !== undefined)
    .sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]![0] <= spans[i - 1]![1]) {
      errors.push(problem('bad_header_group', 'headerGroups', '表头分组相互重叠', 'Header groups overlap'));
      break;
    }
  }
  return errors;
}

/** The first cycle among computed columns, as the keys along it, or null. */
export function findCycle(t: UnitsTemplate): string[] | null {
  const refs = new Map<string, string[]>();
  for (const col of t.columns) refs.set(col.key, 'derived' in col ? col.derived.args : []);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (key: string): string[] | null => {
    if (state.get(key) === 'done') return null;
    if (state.get(key) === 'open') return [...stack.slice(stack.indexOf(key)), key];
    state.set(key, 'open');
    stack.push(key);
    for (const next of refs.get(key) ?? []) {
      if (!refs.has(next)) continue;
      const found = visit(next);
      if (found !== null) return found;
    }
    stack.pop();
    state.set(key, 'done');
    return null;
  };
  for (const key of refs.keys()) {
    const found = visit(key);
    if (found !== null) return found;
  }
  return null;
}

function checkRosterTemplate(t: RosterTemplate, actor: Actor, known: Known): FieldError[] {
  const errors = checkFilter(t.filter, 'filter', null, known);
  const canReveal = hasPermission(actor, 'pii.reveal');
  for (const key of ['idNumberPrefix', 'phonePrefix'] as const) {
    if (t.filter[key] !== undefined && !canReveal) {
      errors.push(
        problem(
          'forbidden_field',
          `filter.${key}`,
          `您无权按${key === 'idNumberPrefix' ? '身份证号' : '手机号'}筛选（需要查看个人号码的权限）`,
          `You may not filter on ${key === 'idNumberPrefix' ? 'ID numbers' : 'phone numbers'} (needs pii.reveal)`,
        ),
      );
    }
  }
  if (new Set(t.fields).size !== t.fields.length) {
    errors.push(problem('duplicate_key', 'fields', '字段重复', 'A field is listed twice'));
  }
  return errors;
}

/**
 * 400 naming every problem of a template, or nothing. A care tag filter names a tag usable at the
 * template's owner unit (`ownerPath`): another community's custom tag is unknown here.
 */
export async function validateTemplate(
  deps: AppDeps,
  actor: Actor,
  t: TemplateInput,
  ownerPath: string,
): Promise<void> {
  const [tags, items] = await Promise.all([listCareTagsAt(deps.db, ownerPath), listCurrentDutyItems(deps.db)]);
  const known: Known = { tags: new Set(tags.map((x) => x.code)), dutyCodes: new Set(items.map((i) => i.code)) };
  const errors = t.rowKind === 'units' ? checkUnitsTemplate(t, known) : checkRosterTemplate(t, actor, known);
  if (errors.length > 0) {
    throw new AppError('VALIDATION', { zh: '报表模板有误', en: 'Invalid report template' }, errors);
  }
}

/**
 * The unit a new template belongs to: the unit of her first assignment where she may build templates
 * (a department clerk's department, a secretary's community).
 */
async function ownerUnitOf(deps: AppDeps, actor: Actor): Promise<{ id: string; path: string }> {
  const roots = scopeRoots(actor, 'report.template');
  const a = actor.assignments.find((x) => roots.includes(x.orgPath));
  if (a !== undefined) return { id: a.orgId, path: a.orgPath };
  // the command line (demo data) holds no role: its templates belong to the top of the tree
  const root =
    actor.via === 'cli'
      ? await deps.db
          .selectFrom('org_units')
          .select(['id', 'path'])
          .where('parent_id', 'is', null)
          .orderBy('path')
          .executeTakeFirst()
      : undefined;
  if (root === undefined) throw forbidden();
  return root;
}

/** The owner unit's name, only when the unit is one she may read (names stay in scope). */
const ownerNameFor = (actor: Actor, path: string | null, name: string | null | undefined) =>
  path !== null && canAt(actor, 'org.read', path) ? (name ?? null) : null;

/** True when the actor may change the template: she holds `report.template` at its owner unit. */
export function isTemplateOwner(actor: Actor, row: { owner_org_path: string | null }): boolean {
  return row.owner_org_path !== null && canAt(actor, 'report.template', row.owner_org_path);
}

/** Saves a new template (version 1), owned by the actor's unit. */
export async function createTemplate(deps: AppDeps, actor: Actor, input: TemplateInput) {
  const owner = await ownerUnitOf(deps, actor);
  await validateTemplate(deps, actor, input, owner.path);
  const id = newId();
  const now = deps.clock.now().toISOString();
  const definition = JSON.stringify(input);
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('report_templates')
      .values({
        id,
        name: input.name,
        version: 1,
        row_kind: input.rowKind,
        definition,
        created_by: actor.userId,
        owner_org_id: owner.id,
        owner_org_path: owner.path,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await trx
      .insertInto('report_template_versions')
      .values({
        template_id: id,
        version: 1,
        definition,
        created_by: actor.userId,
        created_by_name: actor.displayName,
        created_at: now,
      })
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'report.template.create',
      targetType: 'report_template',
      targetId: id,
      orgId: owner.id,
      orgPath: owner.path,
      detail: { name: input.name },
    });
  });
  return { id, version: 1 };
}

/**
 * Saves a new version of a template; reports keep pointing at the version they were made from. Only
 * its owner unit may: every unit can see a template (the catalogue is shared), so another unit's is
 * 403 TEMPLATE_NOT_OWNED, and it may copy it instead.
 */
export async function updateTemplate(deps: AppDeps, actor: Actor, id: string, input: TemplateInput) {
  const current = await getTemplateRow(deps, id);
  if (!isTemplateOwner(actor, current) || current.owner_org_path === null) throw notOwned();
  await validateTemplate(deps, actor, input, current.owner_org_path);
  const now = deps.clock.now().toISOString();
  const version = current.version + 1;
  const definition = JSON.stringify(input);
  await deps.db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('report_templates')
      .set({ name: input.name, version, row_kind: input.rowKind, definition, updated_at: now })
      .where('id', '=', id)
      .where('version', '=', current.version)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      throw new AppError('CONFLICT', {
        zh: '模板已被他人修改，请刷新后重试',
        en: 'The template changed; reload and retry',
      });
    }
    await trx
      .insertInto('report_template_versions')
      .values({
        template_id: id,
        version,
        definition,
        created_by: actor.userId,
        created_by_name: actor.displayName,
        created_at: now,
      })
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'report.template.update',
      targetType: 'report_template',
      targetId: id,
      ...(current.owner_org_id !== null && current.owner_org_path !== null
        ? { orgId: current.owner_org_id, orgPath: current.owner_org_path }
        : {}),
      detail: { version },
    });
  });
  return { id, version };
}

/** A copy of any template in the catalogue, as version 1 of a new template of the actor's unit. */
export async function copyTemplate(deps: AppDeps, actor: Actor, id: string, name: string | undefined) {
  const source = await getTemplateRow(deps, id);
  const definition = JSON.parse(source.definition) as TemplateInput;
  return createTemplate(deps, actor, { ...definition, name: name ?? `${source.name}（副本）`.slice(0, 100) });
}

const notOwned = () =>
  new AppError('TEMPLATE_NOT_OWNED', {
    zh: '该模板属于其他单位，只能复制后修改',
    en: 'This template belongs to another unit; copy it to change it',
  });

export async function getTemplateRow(deps: AppDeps, id: string) {
  const row = await deps.db.selectFrom('report_templates').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw notFound(TEMPLATE);
  return row;
}

/** The shared catalogue, each template with its owner unit and whether the actor may change it. */
export async function listTemplates(deps: AppDeps, actor: Actor) {
  const rows = await deps.db
    .selectFrom('report_templates')
    .leftJoin('org_units as o', 'o.id', 'report_templates.owner_org_id')
    .selectAll('report_templates')
    .select('o.name as owner_name')
    .orderBy('report_templates.name')
    .orderBy('report_templates.id')
    .execute();
  return {
    items: rows.map((r) => {
      const t = JSON.parse(r.definition) as TemplateInput;
      return {
        id: r.id,
        name: r.name,
        title: t.title,
        version: r.version,
        rowKind: r.row_kind,
        rowLevel: t.rowKind === 'units' ? t.rowLevel : null,
        columnCount: t.rowKind === 'units' ? t.columns.length : t.fields.length,
        ownerOrgId: r.owner_org_id,
        ownerName: ownerNameFor(actor, r.owner_org_path, r.owner_name),
        isOwned: isTemplateOwner(actor, r),
        updatedAt: r.updated_at,
      };
    }),
  };
}

export async function getTemplateDetail(deps: AppDeps, actor: Actor, id: string) {
  const row = await getTemplateRow(deps, id);
  const owner =
    row.owner_org_id === null
      ? undefined
      : await deps.db.selectFrom('org_units').select('name').where('id', '=', row.owner_org_id).executeTakeFirst();
  const versions = await deps.db
    .selectFrom('report_template_versions')
    .select(['version', 'created_at', 'created_by_name'])
    .where('template_id', '=', id)
    .orderBy('version', 'desc')
    .execute();
  return {
    ...(JSON.parse(row.definition) as TemplateInput),
    id: row.id,
    version: row.version,
    ownerOrgId: row.owner_org_id,
    ownerName: ownerNameFor(actor, row.owner_org_path, owner?.name),
    isOwned: isTemplateOwner(actor, row),
    updatedAt: row.updated_at,
    versions: versions.map((v) => ({ version: v.version, createdAt: v.created_at, createdBy: v.created_by_name })),
  };
}
