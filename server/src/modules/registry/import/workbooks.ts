import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { ETHNICITIES, RELATIONS } from '../vocabulary.ts';
import { TEMPLATE_HEADERS } from './columns.ts';
import type { ImportProblem } from './run.ts';

/** The ledger template: Chinese headers (required ones marked *), one example row, and a notes sheet. */
export async function writeImportTemplate(out: Writable): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('居民台账');
  sheet.columns = TEMPLATE_HEADERS.map((h) => ({
    header: h.isRequired ? `${h.header}*` : h.header,
    width: h.header === '地址' ? 28 : 14,
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.addRow(TEMPLATE_HEADERS.map((h) => h.example));
  sheet.getColumn(8).numFmt = '@'; // 身份证号 as text, so Excel keeps all 18 characters
  sheet.getColumn(12).numFmt = '@';
  const notes = workbook.addWorksheet('填写说明');
  notes.columns = [
    { header: '列', width: 14 },
    { header: '说明', width: 90 },
  ];
  const rows: [string, string][] = [
    ['社区 / 网格', '填写名称或编码；在社区下导入时可不填社区。网格不填时按经纬度落格，否则归入社区。'],
    ['身份证号', '18 位，最后一位可为 X；出生日期和性别由身份证号得出。无证人员请填写“无证原因”和性别、出生日期。'],
    ['与户主关系', RELATIONS.join('、')],
    ['人口类型', '户籍、常住、流动'],
    ['状态', '在住（默认）、迁出、死亡'],
    ['民族', `默认汉族；可填：${ETHNICITIES.slice(0, 10).join('、')}…`],
    [
      '关爱标签',
      '独居老人、空巢老人、残疾人、低保户、特困人员、留守儿童、困境儿童、退役军人、失业人员；多个用顿号分隔。高龄（80 岁以上）自动判定。填“党员”则编入所在地党组织（党员不计为关爱对象）。',
    ],
  ];
  for (const r of rows) notes.addRow(r);
  await workbook.xlsx.write(out);
}

/** The rejected rows: row number, column and reason in Chinese (and English), never the cell values. */
export async function writeProblemReport(problems: ImportProblem[], out: Writable): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
  const sheet = workbook.addWorksheet('错误报告');
  sheet.columns = [
    { header: '行号', width: 8 },
    { header: '列', width: 14 },
    { header: '原因', width: 60 },
    { header: 'Reason', width: 60 },
  ];
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for (const p of problems) sheet.addRow([p.row, p.column, p.reason_zh, p.reason_en]).commit();
  sheet.commit();
  await workbook.commit();
}
