import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, canAt, inScopeWithin } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { currentDay } from '../../platform/calendar.ts';
import { ratio } from '../../platform/ratio.ts';
import { visitWindow } from '../fieldwork/standing.ts';
import { readCounters } from '../insights/counters.ts';
import { getUnitWith } from '../insights/service.ts';
import { listUnitsAtLevel } from '../orgs/subtree-index.ts';
import type { OrgUnitTable } from '../orgs/tables.ts';
import { listCareTags } from '../registry/care-tags.ts';
import { fileDisclosure, shapePersonal, shownBirth } from '../registry/disclosure.ts';
import { GENDER_NAMES, RESIDENCE_TYPE_NAMES } from '../registry/vocabulary.ts';
import { METRIC_BY_ID, type Value, evaluateMetric } from './metrics.ts';
import type { GenerateBody, RosterField, RosterTemplate, TemplateInput, UnitsTemplate } from './schema.ts';
import type { ReportTable } from './tables.ts';
import { getTemplateRow } from './templates.ts';
import { type ReportTableData, writeReportWorkbook } from './workbook.ts';

const LEVEL_ORDER = ['nation', 'province', 'city', 'county', 'street', 'community', 'grid'];
const LEVEL_ZH: Record<string, string> = { county: '区县', street: '街道', community: '社区', grid: '网格' };
const MAX_ROSTER_ROWS = 50_000;

type Cell = string | number | null;

interface Built {
  table: ReportTableData;
  filled: number;
  typed: number;
  /** personal numbers in clear in the file */
  isUnmasked: boolean;
}

const periodLabel = (period: string) => `${period.slice(0, 4)}年${Number(period.slice(5, 7))}月`;
const dateLabel = (day: string) => `${day.slice(0, 4)}年${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`;

/** Evaluates computed columns in dependency order (validation guarantees there is no cycle). */
function computeDerived(t: UnitsTemplate, values: Map<string, Value>) {
  const pending = t.columns.filter((c) => 'derived' in c);
  for (let guard = 0; pending.length > 0 && guard < 100; guard++) {
    for (let i = pending.length - 1; i >= 0; i--) {
      const col = pending[i]!;
      if (!('derived' in col)) continue;
      const args = col.derived.args.map((k) => values.get(k));
      if (args.some((a) => a === undefined)) continue;
      const nums = (args as Value[]).map((a) => (a.den === null ? a.num : a.den === 0 ? 0 : a.num / a.den));
      let v: Value;
      switch (col.derived.op) {
        case 'sum':
          v = { num: nums.reduce((s, n) => s + n, 0), den: null };
          break;
        case 'difference':
          v = { num: nums.slice(1).reduce((s, n) => s - n, nums[0]!), den: null };
          break;
        case 'ratio':
        case 'percent':
          v = { num: nums[0]!, den: nums[1]! };
          break;
      }
      values.set(col.key, v);
      pending.splice(i, 1);
    }
  }
}

// counts in hours carry one decimal: their sums are rounded back to what they add up to
const show = (v: Value | undefined): Cell =>
  v === undefined ? null : v.den === null ? Math.round(v.num * 100) / 100 : ratio(v.num, v.den);

async function buildUnitsTable(
  deps: AppDeps,
  t: UnitsTemplate,
  unit: OrgUnitTable,
  period: string,
  today: string,
): Promise<Built> {
  if (LEVEL_ORDER.indexOf(t.rowLevel) < LEVEL_ORDER.indexOf(unit.level)) {
    throw invalidField('orgId', 'wrong_level', {
      zh: `该模板按${LEVEL_ZH[t.rowLevel]}列行，所选单位在其之下`,
      en: `The template lists ${t.rowLevel} units; the unit chosen lies below that level`,
    });
  }
  const rowUnits =
    t.rowLevel === unit.level
      ? [{ id: unit.id, name: unit.name, code: unit.code, path: unit.path }]
      : await listUnitsAtLevel(deps.db, unit.path, t.rowLevel);
  const facts = new Set<string>();
  for (const col of t.columns) if ('metric' in col) for (const f of METRIC_BY_ID.get(col.metric)!.facts) facts.add(f);
  const counters = await readCounters(
    deps.database,
    rowUnits.map((u) => u.path),
    [...facts],
  );
  const ctx = { period, visits: visitWindow(deps.clock.now()) };
  const totals = new Map<string, Value>();
  const rows: Cell[][] = [];
  for (const [i, u] of rowUnits.entries()) {
    const c = counters.get(u.path)!;
    const values = new Map<string, Value>();
    for (const col of t.columns) {
      if (!('metric' in col)) continue;
      const v = evaluateMetric(col.metric, col.filter ?? {}, c, ctx);
      values.set(col.key, v);
      const sum = totals.get(col.key);
      totals.set(
        col.key,
        sum === undefined
          ? { ...v }
          : { num: sum.num + v.num, den: sum.den === null || v.den === null ? null : sum.den + v.den },
      );
    }
    computeDerived(t, values);
    rows.push([i + 1, u.name, ...t.columns.map((col) => ('manual' in col ? null : show(values.get(col.key))))]);
  }
  computeDerived(t, totals);
  const isPercent = (key: string): boolean => {
    const col = t.columns.find((c) => c.key === key);
    if (col === undefined || 'manual' in col) return false;
    if ('metric' in col) return METRIC_BY_ID.get(col.metric)!.isRatio;
    return col.derived.op === 'percent';
  };
  const manual = t.columns.filter((c) => 'manual' in c).length;
  return {
    table: {
      title: t.title,
      issuingUnit: unit.full_name,
      periodLabel: periodLabel(period),
      dateLabel: dateLabel(today),
      columns: [
        { label: '序号', width: 6 },
        { label: `${LEVEL_ZH[t.rowLevel] ?? '单位'}名称`, width: 24 },
        ...t.columns.map((c) => ({
          label: c.label,
          width: Math.max(10, c.label.length * 2 + 2),
          isPercent: isPercent(c.key),
        })),
      ],
      groups: (t.headerGroups ?? []).map((g) => ({
        label: g.label,
        from: t.columns.findIndex((c) => c.key === g.from) + 2,
        to: t.columns.findIndex((c) => c.key === g.to) + 2,
      })),
      rows,
      totals: ['合计', null, ...t.columns.map((col) => ('manual' in col ? null : show(totals.get(col.key))))],
    },
    filled: rowUnits.length * (t.columns.length - manual),
    typed: rowUnits.length * manual,
    isUnmasked: false,
  };
}

const FIELD_LABELS: Record<RosterField, string> = {
  name: '姓名',
  gender: '性别',
  age: '年龄',
  birthDate: '出生日期',
  address: '住址',
  orgName: '社区/网格',
  residenceType: '人口类型',
  careTags: '关爱标签',
  relation: '与户主关系',
  ethnicity: '民族',
  phone: '联系电话',
  idNumber: '身份证号',
};

/** The people matching a roster filter under `unit`, with the chosen fields; numbers masked unless revealing. */
async function buildRosterTable(
  deps: AppDeps,
  actor: Actor,
  t: RosterTemplate,
  unit: OrgUnitTable,
  period: string,
  today: string,
  isUnmasked: boolean,
): Promise<Built> {
  const f = t.filter;
  const year = Number(period.slice(0, 4));
  // A number prefix longer than its mask shows (ID: region and birth year; phone: 3 digits) picks people
  // by hidden digits: a masked caller could read a number off the roster's count, a digit at a time.
  const isPrefixHidden =
    (f.idNumberPrefix !== undefined && f.idNumberPrefix.length > 10) ||
    (f.phonePrefix !== undefined && f.phonePrefix.length > 3);
  if (isPrefixHidden && !canAt(actor, 'pii.reveal', unit.path)) {
    throw new AppError('FORBIDDEN', {
      zh: '该名单按号码筛选，您无权在此生成（需要查看个人号码的权限）',
      en: 'This roster filters on personal numbers; generating it here needs pii.reveal',
    });
  }
  const disclosure = fileDisclosure(isUnmasked);
  const now = deps.clock.now();
  let q = deps.db
    .selectFrom('residents')
    .innerJoin('households as h', 'h.id', 'residents.household_id')
    .innerJoin('org_units as o', 'o.id', 'h.org_id')
    .select([
      'residents.id',
      'residents.name',
      'residents.gender',
      'residents.birth_date',
      'residents.residence_type',
      'residents.relation',
      'residents.ethnicity',
      'residents.phone_enc',
      'residents.id_number_enc',
      'h.address',
      'o.name as org_name',
    ])
    .where(inScopeWithin<DB, 'residents'>(actor, 'resident.read', 'residents.org_path', unit.path))
    .where('residents.status', '=', f.status ?? 'living');
  // age = report year − birth year, as in the counts
  if (f.ageMin !== undefined)
    q = q.where('residents.birth_date', '<', `${String(year - f.ageMin + 1).padStart(4, '0')}`);
  if (f.ageMax !== undefined) q = q.where('residents.birth_date', '>=', `${String(year - f.ageMax).padStart(4, '0')}`);
  if (f.gender !== undefined) q = q.where('residents.gender', '=', f.gender);
  if (f.residenceType !== undefined) q = q.where('residents.residence_type', '=', f.residenceType);
  if (f.careTag !== undefined && f.careTag !== 'over_80') {
    const tag = f.careTag;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('resident_tags as rt')
          .innerJoin('care_tags as ct', 'ct.id', 'rt.tag_id')
          .select('rt.tag_id')
          .whereRef('rt.resident_id', '=', 'residents.id')
          .where('ct.code', '=', tag),
      ),
    );
  }
  if (f.careTag === 'over_80') q = q.where('residents.birth_date', '<', String(year - 80 + 1));
  const people = await q
    .orderBy('residents.org_path')
    .orderBy('residents.name')
    .orderBy('residents.id')
    .limit(MAX_ROSTER_ROWS + 1)
    .execute();
  if (people.length > MAX_ROSTER_ROWS) {
    throw invalidField('templateId', 'too_many_rows', {
      zh: `名单超过 ${MAX_ROSTER_ROWS} 人，请缩小范围`,
      en: `The roster exceeds ${MAX_ROSTER_ROWS} people; narrow it`,
    });
  }
  const tagNames = new Map((await listCareTags(deps.db)).map((tag) => [tag.id, tag.name]));
  const tagRows =
    t.fields.includes('careTags') && people.length > 0
      ? await readTagRows(
          deps.db,
          people.map((p) => p.id),
        )
      : [];
  // a number prefix is matched on the number in clear (decrypted only when a filter asks for it)
  const startsWith = (enc: string | null, prefix: string | undefined) =>
    prefix === undefined || (enc !== null && deps.pii.decrypt(enc).startsWith(prefix));
  const rows: Cell[][] = [];
  for (const p of people) {
    if (!startsWith(p.id_number_enc, f.idNumberPrefix) || !startsWith(p.phone_enc, f.phonePrefix)) continue;
    const personal = shapePersonal(deps.pii, p, disclosure, now);
    const value = (field: RosterField): Cell => {
      switch (field) {
        case 'name':
          return p.name;
        case 'gender':
          return GENDER_NAMES[p.gender];
        case 'age':
          return year - Number(p.birth_date.slice(0, 4));
        case 'birthDate':
          return shownBirth(p.birth_date, disclosure);
        case 'address':
          return p.address;
        case 'orgName':
          return p.org_name;
        case 'residenceType':
          return RESIDENCE_TYPE_NAMES[p.residence_type];
        case 'careTags':
          return tagRows
            .filter((r) => r.resident_id === p.id)
            .map((r) => tagNames.get(r.tag_id) ?? '')
            .join('、');
        case 'relation':
          return p.relation;
        case 'ethnicity':
          return p.ethnicity;
        case 'phone':
          return personal.phone;
        case 'idNumber':
          return personal.idNumber;
      }
    };
    rows.push([rows.length + 1, ...t.fields.map(value)]);
  }
  return {
    table: {
      title: t.title,
      issuingUnit: unit.full_name,
      periodLabel: periodLabel(period),
      dateLabel: dateLabel(today),
      columns: [
        { label: '序号', width: 6 },
        ...t.fields.map((field) => ({
          label: field === 'birthDate' && disclosure === 'masked' ? '出生年份' : FIELD_LABELS[field],
          width: field === 'address' ? 36 : field === 'idNumber' ? 22 : 12,
        })),
      ],
      groups: [],
      rows,
      totals: [`合计 ${rows.length} 人`, ...t.fields.map(() => null)],
    },
    filled: rows.length * t.fields.length,
    typed: 0,
    isUnmasked,
  };
}

async function readTagRows(db: Kysely<DB>, ids: string[]) {
  const out: { resident_id: string; tag_id: string }[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    out.push(
      ...(await db
        .selectFrom('resident_tags')
        .select(['resident_id', 'tag_id'])
        .where('resident_id', 'in', ids.slice(i, i + 500))
        .execute()),
    );
  }
  return out;
}

export function toReportSummary(r: ReportTable, orgName: string) {
  return {
    id: r.id,
    templateId: r.template_id,
    templateName: r.template_name,
    templateVersion: r.template_version,
    orgId: r.org_id,
    orgName,
    period: r.period,
    rows: r.row_count,
    columns: r.column_count,
    filledCells: r.filled_cells,
    typedCells: r.typed_cells,
    isUnmasked: r.is_unmasked === 1,
    taskId: r.task_id,
    downloadUrl: `/api/v1/reports/${r.id}/xlsx`,
    createdAt: r.created_at,
  };
}

/**
 * Generates a report from a template for a unit and month: figures from the live counters (units) or
 * the people matching the filter (roster), stored with its .xlsx and the count of cells filled from data
 * and cells left to type. Out of scope → 404. Unmasked rosters need pii.reveal and are audited.
 */
export async function generateReport(
  deps: AppDeps,
  actor: Actor,
  body: GenerateBody,
  options: {
    taskId?: string;
    /** more writes that must land with the report, in its transaction */
    within?: (trx: Kysely<DB>, report: { id: string; filledCells: number; typedCells: number }) => Promise<void>;
  } = {},
) {
  const unit = await getUnitWith(deps.db, actor, body.orgId, 'report.generate');
  const template = await getTemplateRow(deps, body.templateId);
  const t = JSON.parse(template.definition) as TemplateInput;
  const today = currentDay(deps.clock.now());
  if (body.reveal !== undefined && (t.rowKind !== 'roster' || !canAt(actor, 'pii.reveal', unit.path))) {
    throw new AppError('FORBIDDEN', {
      zh: '您无权导出未脱敏的个人号码',
      en: 'You may not export unmasked personal numbers',
    });
  }
  if (t.rowKind === 'roster' && !canAt(actor, 'resident.read', unit.path))
    throw notFound({ zh: '组织', en: 'Org unit' });
  const built =
    t.rowKind === 'units'
      ? await buildUnitsTable(deps, t, unit, body.period, today)
      : await buildRosterTable(deps, actor, t, unit, body.period, today, body.reveal !== undefined);
  const file = (await writeReportWorkbook(built.table)).toString('base64');
  const maskedPreview = built.isUnmasked
    ? { header: [], rows: [], totals: built.table.totals ?? [] }
    : {
        header: built.table.columns.map((c) => c.label),
        rows: built.table.rows.slice(0, 200),
        totals: built.table.totals ?? [],
      };
  const row: ReportTable = {
    id: newId(),
    template_id: template.id,
    template_version: template.version,
    template_name: template.name,
    org_id: unit.id,
    org_path: unit.path,
    period: body.period,
    row_count: built.table.rows.length,
    column_count: built.table.columns.length,
    filled_cells: built.filled,
    typed_cells: built.typed,
    is_unmasked: built.isUnmasked ? 1 : 0,
    file: built.isUnmasked ? deps.pii.encrypt(file) : file,
    preview: JSON.stringify(maskedPreview),
    task_id: options.taskId ?? null,
    created_by: actor.userId,
    created_at: deps.clock.now().toISOString(),
  };
  const write = async (db: Kysely<DB>) => {
    await db.insertInto('reports').values(row).execute();
    await recordAudit(db, deps.clock, whoFromActor(actor), {
      action: built.isUnmasked ? 'report.export.unmasked' : 'report.generate',
      targetType: 'report',
      targetId: row.id,
      orgId: unit.id,
      orgPath: unit.path,
      detail: {
        template: template.name,
        version: template.version,
        period: body.period,
        ...(body.reveal !== undefined ? { reason: body.reveal.reason } : {}),
      },
    });
  };
  await deps.db.transaction().execute(async (trx) => {
    await write(trx);
    if (options.within !== undefined) {
      await options.within(trx, { id: row.id, filledCells: row.filled_cells, typedCells: row.typed_cells });
    }
  });
  return { ...toReportSummary(row, unit.name), preview: maskedPreview };
}
