import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { cellText } from '../../platform/spreadsheet.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { issueToFieldError } from '../../platform/http/validation.ts';
import { DEPARTMENT_KINDS, type DepartmentKind } from './default-items.ts';
import { DUTY_KIND_NAMES, DUTY_KINDS, DutyItemCreateBody, type DutyItemOut } from './schema.ts';

const HEADERS = [
  '事项编码',
  '一级分类',
  '二级分类',
  '事项名称',
  '责任类型',
  '责任部门',
  '签收时限（小时）',
  '办结时限（小时）',
  '紧急签收时限（小时）',
  '紧急办结时限（小时）',
  '法律依据',
  '事项说明',
  '关键词',
  '居民可选',
] as const;

const FIELD_OF_HEADER: Record<(typeof HEADERS)[number], string> = {
  事项编码: 'code',
  一级分类: 'category',
  二级分类: 'category',
  事项名称: 'name',
  责任类型: 'kind',
  责任部门: 'department',
  '签收时限（小时）': 'acceptHours',
  '办结时限（小时）': 'resolveHours',
  '紧急签收时限（小时）': 'urgentAcceptHours',
  '紧急办结时限（小时）': 'urgentResolveHours',
  法律依据: 'legalBasis',
  事项说明: 'description',
  关键词: 'keywords',
  居民可选: 'isPublic',
};

/** The duty list as a spreadsheet, in the columns the import reads back. */
export async function writeDutyListWorkbook(items: DutyItemOut[], out: Writable): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('权责清单');
  sheet.columns = HEADERS.map((h) => ({ header: h, width: h === '事项名称' || h === '法律依据' ? 36 : 14 }));
  sheet.getRow(1).font = { bold: true };
  for (const i of items) {
    sheet.addRow([
      i.code,
      i.category[0],
      i.category[1],
      i.name,
      DUTY_KIND_NAMES[i.kind].zh,
      i.department === null ? '' : DEPARTMENT_KINDS[i.department].zh,
      i.acceptHours,
      i.resolveHours,
      i.urgentAcceptHours,
      i.urgentResolveHours,
      neutralise(i.legalBasis),
      neutralise(i.description),
      i.keywords.join('、'),
      i.isPublic ? '是' : '否',
    ]);
  }
  await workbook.xlsx.write(out);
}

/** A cell starting with = + - @ would run as a formula in Excel. */
const neutralise = (text: string) => (/^[=+\-@]/.test(text) ? `'${text}` : text);

const kindByName = new Map<string, string>([
  ...DUTY_KINDS.map((k) => [DUTY_KIND_NAMES[k].zh, k] as [string, string]),
  ...DUTY_KINDS.map((k) => [k, k] as [string, string]),
]);
const departmentByName = new Map<string, DepartmentKind>([
  ...Object.entries(DEPARTMENT_KINDS).map(([k, v]) => [v.zh, k as DepartmentKind] as [string, DepartmentKind]),
  ...Object.keys(DEPARTMENT_KINDS).map((k) => [k, k as DepartmentKind] as [string, DepartmentKind]),
]);

/**
 * Reads a duty-list spreadsheet. Every bad row is reported (row number and column); if any row is
 * bad the whole file is refused.
 */
export async function readDutyListWorkbook(data: Buffer): Promise<DutyItemCreateBody[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      { zh: '文件不是有效的 .xlsx 表格', en: 'Not a valid .xlsx workbook' },
      [
        {
          code: 'not_xlsx',
          field: 'file',
          message_zh: '文件不是有效的 .xlsx 表格',
          message_en: 'Not a valid .xlsx workbook',
        },
      ],
    );
  }
  const sheet = workbook.worksheets[0];
  if (sheet === undefined || sheet.rowCount < 2) {
    throw new AppError('VALIDATION', { zh: '表格中没有事项', en: 'The workbook holds no items' }, [
      { code: 'empty', field: 'file', message_zh: '表格中没有事项', message_en: 'The workbook holds no items' },
    ]);
  }
  const header = (sheet.getRow(1).values as ExcelJS.CellValue[]).map(cellText);
  const column = new Map<string, number>();
  header.forEach((h, i) => column.set(h.replace(/\*$/, ''), i));
  const missing = HEADERS.filter((h) => !column.has(h));
  if (missing.length > 0) {
    throw new AppError(
      'VALIDATION',
      { zh: `缺少列：${missing.join('、')}`, en: `Missing columns: ${missing.join(', ')}` },
      [
        {
          code: 'missing_columns',
          field: 'file',
          message_zh: `缺少列：${missing.join('、')}`,
          message_en: `Missing columns`,
        },
      ],
    );
  }
  const items: DutyItemCreateBody[] = [];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const get = (h: (typeof HEADERS)[number]) => cellText(row.getCell(column.get(h)!).value);
    if (HEADERS.every((h) => get(h) === '')) continue;
    const hours = (h: (typeof HEADERS)[number]) => (get(h) === '' ? undefined : Number(get(h)));
    const candidate = {
      code: get('事项编码'),
      category: [get('一级分类'), get('二级分类')],
      name: get('事项名称'),
      kind: kindByName.get(get('责任类型')) ?? get('责任类型'),
      department: get('责任部门') === '' ? null : (departmentByName.get(get('责任部门')) ?? get('责任部门')),
      acceptHours: hours('签收时限（小时）'),
      resolveHours: hours('办结时限（小时）'),
      urgentAcceptHours: hours('紧急签收时限（小时）'),
      urgentResolveHours: hours('紧急办结时限（小时）'),
      legalBasis: get('法律依据').replace(/^'/, ''),
      description: get('事项说明').replace(/^'/, ''),
      keywords: get('关键词')
        .split(/[、,，;；\s]+/)
        .filter((k) => k !== ''),
      isPublic: ['是', 'true', '1', 'yes'].includes(get('居民可选').toLowerCase()),
    };
    const parsed = DutyItemCreateBody.safeParse(candidate, { reportInput: true });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const e = issueToFieldError(issue, 'row');
        const headerName = HEADERS.find((h) => FIELD_OF_HEADER[h] === String(issue.path[0])) ?? e.field;
        errors.push({ ...e, field: `第${r}行.${headerName}`, message_en: `row ${r}, ${e.field}: ${e.message_en}` });
      }
      continue;
    }
    if (seen.has(parsed.data.code)) {
      errors.push({
        code: 'duplicate',
        field: `第${r}行.事项编码`,
        message_zh: `事项编码 ${parsed.data.code} 重复`,
        message_en: `row ${r}: code ${parsed.data.code} appears twice`,
      });
      continue;
    }
    seen.add(parsed.data.code);
    items.push(parsed.data);
  }
  if (errors.length > 0) {
    throw new AppError(
      'VALIDATION',
      { zh: `有 ${errors.length} 处错误，未导入任何事项`, en: `${errors.length} problems; nothing imported` },
      errors.slice(0, 200),
    );
  }
  return items;
}
