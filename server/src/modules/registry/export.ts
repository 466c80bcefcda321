import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Actor } from '../../platform/access/scope.ts';
import { canAt, scopeRoots } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { listCareTags } from './care-tags.ts';
import { type Disclosure, fileDisclosure, shapePersonal, shownBirth } from './disclosure.ts';
import type { ResidentSearchBody } from './schema.ts';
import { buildResidentQuery } from './search.ts';
import { GENDER_NAMES, RESIDENCE_TYPE_NAMES, STATUS_NAMES } from './vocabulary.ts';

/** Text that a spreadsheet would run as a formula (=, +, -, @, and tab/CR tricks) is prefixed with a quote. */
export function neutralizeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const HEADERS = [
  '社区/网格',
  '地址',
  '姓名',
  '身份证号',
  '性别',
  '出生日期',
  '年龄',
  '联系电话',
  '民族',
  '与户主关系',
  '人口类型',
  '状态',
  '关爱标签',
  '备注',
];

/**
 * Prepares an export of the residents matching a filter: checks the filter (bad ones throw 4xx before
 * any byte is sent) and audits the export, then returns the writer that streams the .xlsx page by
 * page so memory stays flat. Numbers are masked unless unmasking is asked for and the actor may
 * reveal them everywhere her export reaches.
 */
export async function prepareResidentExport(
  deps: AppDeps,
  actor: Actor,
  filter: Omit<ResidentSearchBody, 'page' | 'pageSize'>,
  options: { isUnmasked: boolean },
): Promise<(out: Writable) => Promise<number>> {
  const query = await buildResidentQuery(deps, actor, filter, 'resident.export');
  const roots = scopeRoots(actor, 'resident.export');
  const isUnmasked = options.isUnmasked && roots.every((root) => canAt(actor, 'pii.reveal', root));
  const filterNames = Object.keys(filter).filter(
    (k) => (filter as Record<string, unknown>)[k] !== undefined && k !== 'idNumber' && k !== 'phone',
  );
  await recordAudit(deps.db, deps.clock, whoFromActor(actor), {
    action: 'resident.export',
    targetType: 'residents',
    orgPath: roots[0] ?? null,
    detail: { filter: filterNames, isUnmasked },
  });
  return (out) => writeResidents(deps, query, fileDisclosure(isUnmasked), out);
}

async function writeResidents(
  deps: AppDeps,
  query: Awaited<ReturnType<typeof buildResidentQuery>>,
  disclosure: Disclosure,
  out: Writable,
): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
  const sheet = workbook.addWorksheet('居民');
  // A masked file shows the birth year only: beside a masked ID number a full date would undo the mask.
  const headers = HEADERS.map((h) => (h === '出生日期' && disclosure === 'masked' ? '出生年份' : h));
  sheet.columns = headers.map((h) => ({ header: h, width: h === '地址' ? 30 : h === '身份证号' ? 22 : 12 }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  const tags = await listCareTags(deps.db);
  const now = deps.clock.now();
  const pageSize = 2000;
  let count = 0;
  let lastKey: { org_path: string; name: string; id: string } | null = null;
  for (;;) {
    let page = query
      .innerJoin('households', 'households.id', 'residents.household_id')
      .innerJoin('org_units', 'org_units.id', 'households.org_id')
      .selectAll('residents')
      .select(['households.address', 'org_units.name as org_name']);
    if (lastKey !== null) {
      const k: { org_path: string; name: string; id: string } = lastKey;
      // Keyset paging: no OFFSET, so the thousandth page costs what the first does.
      page = page.where((eb) =>
        eb.or([
          eb('residents.org_path', '>', k.org_path),
          eb.and([eb('residents.org_path', '=', k.org_path), eb('residents.name', '>', k.name)]),
          eb.and([
            eb('residents.org_path', '=', k.org_path),
            eb('residents.name', '=', k.name),
            eb('residents.id', '>', k.id),
          ]),
        ]),
      );
    }
    const rows = await page
      .orderBy('residents.org_path')
      .orderBy('residents.name')
      .orderBy('residents.id')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) break;
    const tagRows = await deps.db
      .selectFrom('resident_tags')
      .select(['resident_id', 'tag_id'])
      .where(
        'resident_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    for (const r of rows) {
      const personal = shapePersonal(deps.pii, r, disclosure, now);
      const tagNames = tagRows
        .filter((t) => t.resident_id === r.id)
        .map((t) => tags.find((x) => x.id === t.tag_id)?.name ?? '');
      const age = personal.age;
      if (age >= 80 && r.status === 'living') tagNames.push('高龄');
      const cells = [
        r.org_name,
        r.address,
        r.name,
        personal.idNumber ?? '',
        GENDER_NAMES[r.gender],
        shownBirth(r.birth_date, disclosure),
        String(age),
        personal.phone ?? '',
        r.ethnicity,
        r.relation,
        RESIDENCE_TYPE_NAMES[r.residence_type],
        STATUS_NAMES[r.status],
        tagNames.join('、'),
        r.notes ?? '',
      ];
      sheet.addRow(cells.map(neutralizeCell)).commit();
      count += 1;
    }
    const last = rows[rows.length - 1]!;
    lastKey = { org_path: last.org_path, name: last.name, id: last.id };
    if (rows.length < pageSize) break;
  }
  sheet.commit();
  await workbook.commit();
  return count;
}
