import type ExcelJS from 'exceljs';

/**
 * A cell of an uploaded workbook as trimmed text: rich text joined, a formula's cached result,
 * a date as ISO 8601. (The resident ledger import has its own reader, which refuses formulas.)
 */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText(value.result);
    if ('text' in value) return String(value.text);
    return '';
  }
  return String(value).trim();
}
