import ExcelJS from 'exceljs';
import { neutralizeCell } from '../registry/export.ts';

/** A finished table: what goes into the official-style workbook. */
export interface ReportTableData {
  title: string;
  issuingUnit: string;
  /** e.g. 2026年10月 */
  periodLabel: string;
  /** e.g. 2026年11月28日 */
  dateLabel: string;
  /** the leading columns (序号, 单位) and the data columns, in order */
  columns: { label: string; width: number; isPercent?: boolean }[];
  /** a merged header over a run of data columns (indexes into `columns`) */
  groups: { label: string; from: number; to: number }[];
  rows: (string | number | null)[][];
  /** null when the table has no totals row */
  totals: (string | number | null)[] | null;
}

const THIN = { style: 'thin' as const, color: { argb: 'FF000000' } };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const FONT = 'SimSun';

/**
 * Writes a table in the style of an official form (公文报表): title across the top, the issuing unit and
 * date beneath it, merged header rows (a group label over its columns, single columns merged down), the
 * data, and a 合计 totals row.
 */
export async function writeReportWorkbook(t: ReportTableData): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Tianzige';
  const ws = wb.addWorksheet('报表', { pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1 } });
  const width = t.columns.length;
  ws.columns = t.columns.map((c) => ({ width: c.width }));

  ws.mergeCells(1, 1, 1, width);
  const title = ws.getCell(1, 1);
  title.value = t.title;
  title.font = { name: FONT, size: 18, bold: true };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 32;

  const half = Math.max(1, Math.floor(width / 2));
  ws.mergeCells(2, 1, 2, half);
  ws.getCell(2, 1).value = `填报单位：${t.issuingUnit}    统计期：${t.periodLabel}`;
  ws.getCell(2, 1).font = { name: FONT, size: 11 };
  if (width > half) {
    ws.mergeCells(2, half + 1, 2, width);
    ws.getCell(2, half + 1).value = `填报日期：${t.dateLabel}`;
    ws.getCell(2, half + 1).alignment = { horizontal: 'right' };
    ws.getCell(2, half + 1).font = { name: FONT, size: 11 };
  }

  const hasGroups = t.groups.length > 0;
  const headerTop = 3;
  const headerBottom = hasGroups ? 4 : 3;
  const grouped = new Set<number>();
  for (const g of t.groups) {
    for (let i = g.from; i <= g.to; i++) grouped.add(i);
    ws.mergeCells(headerTop, g.from + 1, headerTop, g.to + 1);
    ws.getCell(headerTop, g.from + 1).value = g.label;
    for (let i = g.from; i <= g.to; i++) ws.getCell(headerBottom, i + 1).value = t.columns[i]!.label;
  }
  t.columns.forEach((c, i) => {
    if (grouped.has(i)) return;
    if (hasGroups) ws.mergeCells(headerTop, i + 1, headerBottom, i + 1);
    ws.getCell(headerTop, i + 1).value = c.label;
  });
  for (let r = headerTop; r <= headerBottom; r++) {
    for (let c = 1; c <= width; c++) {
      const cell = ws.getCell(r, c);
      cell.font = { name: FONT, size: 11, bold: true };
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      cell.border = BORDER;
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
    }
  }

  const put = (rowValues: (string | number | null)[], isTotals: boolean) => {
    const row = ws.addRow(rowValues.map((v) => (typeof v === 'string' ? neutralizeCell(v) : v)));
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cell.border = BORDER;
      cell.font = { name: FONT, size: 11, bold: isTotals };
      if (t.columns[col - 1]?.isPercent === true && typeof cell.value === 'number') cell.numFmt = '0.00%';
      cell.alignment = { vertical: 'middle', horizontal: typeof cell.value === 'number' ? 'right' : 'left' };
    });
  };
  for (const r of t.rows) put(r, false);
  if (t.totals !== null) put(t.totals, true);
  ws.views = [{ state: 'frozen', ySplit: headerBottom, xSplit: 2 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}
