import type { Actor } from '../../platform/access/scope.ts';
import { canAt } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor, type AuditWho } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, type FieldError, forbidden, notFound } from '../../platform/errors.ts';
import { findGeometryProblem } from './geometry.ts';
import { getOrgInScope, insertSubUnit, toOrgUnit } from './service.ts';
import type { OrgLevel } from './tables.ts';

const LEVEL_ALIASES: Record<string, OrgLevel> = {
  grid: 'grid',
  网格: 'grid',
  compound: 'compound',
  小区: 'compound',
  group: 'group',
  村民小组: 'group',
};
const MAX_FEATURES = 2000;

function fail(errors: FieldError[]): never {
  throw new AppError(
    'VALIDATION',
    { zh: 'GeoJSON 文件有误，未导入任何内容', en: 'The GeoJSON file has problems; nothing was imported' },
    errors,
  );
}

const problemAt = (index: number, field: string, code: string, zh: string, en: string): FieldError => ({
  code,
  field: `features[${index}].${field}`,
  message_zh: `第 ${index + 1} 个要素：${zh}`,
  message_en: `Feature ${index}: ${en}`,
});

/**
 * Imports grids, compounds or villager groups under one community from a GeoJSON FeatureCollection.
 * Every feature is checked first; one bad feature (reported by index and reason) stores nothing.
 */
export async function importGridFile(deps: AppDeps, actor: Actor | null, input: { text: string; underCode: string }) {
  const unit =
    actor === null
      ? await deps.db
          .selectFrom('org_units')
          .selectAll()
          .where('code', '=', input.underCode)
          .where('retired_at', 'is', null)
          .executeTakeFirst()
      : await getOrgInScope(deps.db, actor, { code: input.underCode }).catch(() => undefined);
  if (unit === undefined)
    throw notFound({ zh: `区划代码 ${input.underCode} 对应的单位`, en: `Unit ${input.underCode}` });
  if (actor !== null && !canAt(actor, 'org.manage', unit.path)) throw forbidden();
  if (unit.level !== 'community') {
    fail([
      {
        code: 'not_community',
        field: 'under',
        message_zh: '网格只能导入到社区或村之下',
        message_en: 'Grids are imported under a community or village',
      },
    ]);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(input.text);
  } catch {
    fail([
      {
        code: 'invalid_json',
        field: 'file',
        message_zh: '文件不是有效的 JSON',
        message_en: 'The file is not valid JSON',
      },
    ]);
  }
  const collection = doc as { type?: unknown; features?: unknown };
  if (collection.type !== 'FeatureCollection' || !Array.isArray(collection.features)) {
    fail([
      {
        code: 'not_feature_collection',
        field: 'file',
        message_zh: '文件须为 GeoJSON FeatureCollection',
        message_en: 'The file must be a GeoJSON FeatureCollection',
      },
    ]);
  }
  const features = collection.features as unknown[];
  if (features.length === 0 || features.length > MAX_FEATURES) {
    fail([
      {
        code: 'feature_count',
        field: 'features',
        message_zh: `要素数须在 1 到 ${MAX_FEATURES} 之间`,
        message_en: `Between 1 and ${MAX_FEATURES} features`,
      },
    ]);
  }
  const errors: FieldError[] = [];
  const units: { name: string; level: OrgLevel; geometry: unknown }[] = [];
  const names = new Set<string>();
  features.forEach((f, i) => {
    const feature = (typeof f === 'object' && f !== null ? f : {}) as {
      type?: unknown;
      properties?: unknown;
      geometry?: unknown;
    };
    const props = (
      typeof feature.properties === 'object' && feature.properties !== null ? feature.properties : {}
    ) as Record<string, unknown>;
    const rawName = props.name ?? props['名称'];
    const name = typeof rawName === 'string' ? rawName.trim() : '';
    const level = LEVEL_ALIASES[typeof props.level === 'string' ? props.level : 'grid'];
    if (feature.type !== 'Feature') errors.push(problemAt(i, 'type', 'not_feature', '不是 Feature', 'not a Feature'));
    if (name === '' || name.length > 60)
      errors.push(
        problemAt(i, 'properties.name', 'bad_name', '名称须为 1 到 60 个字符', 'name must be 1–60 characters'),
      );
    else if (names.has(name))
      errors.push(problemAt(i, 'properties.name', 'duplicate_name', `名称“${name}”重复`, `duplicate name "${name}"`));
    names.add(name);
    if (level === undefined)
      errors.push(
        problemAt(
          i,
          'properties.level',
          'bad_level',
          '层级须为 grid、compound 或 group',
          'level must be grid, compound or group',
        ),
      );
    const problem = findGeometryProblem(feature.geometry);
    if (problem !== null) errors.push(problemAt(i, 'geometry', problem.code, problem.message.zh, problem.message.en));
    if (level !== undefined) units.push({ name, level, geometry: feature.geometry });
  });
  if (errors.length > 0) fail(errors);

  const who: AuditWho =
    actor === null ? { actorId: null, actorName: 'cli', ip: null, userAgent: 'tianzige-cli' } : whoFromActor(actor);
  const now = deps.clock.now().toISOString();
  const created = await deps.db.transaction().execute(async (trx) => {
    const rows = [];
    for (const u of units) rows.push(await insertSubUnit(trx, now, { parent: unit, ...u }));
    await recordAudit(trx, deps.clock, who, {
      action: 'org.import_grids',
      targetType: 'org',
      targetId: unit.id,
      orgId: unit.id,
      orgPath: unit.path,
      detail: { count: rows.length },
    });
    return rows;
  });
  return { created: created.map((r) => toOrgUnit({ ...r, has_children: 0 })) };
}
