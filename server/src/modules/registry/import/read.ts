import fs from 'node:fs';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

export const MAX_CELL_CHARS = 2_000;

export class SpreadsheetError extends Error {
  constructor(
    readonly code: string,
    readonly zh: string,
    en: string,
  ) {
    super(en);
  }
}

/** One data row: its 1-based row number as the user sees it in Excel (header is row 1) and its cell texts. */
export interface SheetRow {
  row: number;
  values: string[];
}

async function sniff(file: string): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, 4096, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** GB18030 (a superset of GBK) unless the start of the file is valid UTF-8 — what Chinese Excel writes. */
function detectEncoding(head: Buffer): 'utf8' | 'gb18030' {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf8';
  // Cut the sample at a line end so a character split by the 4 KiB boundary does not look invalid.
  const cut = head.lastIndexOf(0x0a);
  const sample = cut > 0 ? head.subarray(0, cut) : head;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample);
    return 'utf8';
  } catch {
    return 'gb18030';
  }
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('formula' in value || 'sharedFormula' in value)
      throw new SpreadsheetError(
        'formula',
        '文件含有公式，请粘贴为数值后再导入',
        'The file contains formulas; paste values before importing',
      );
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value) return String(value.text);
    if ('error' in value) return '';
  }
  return '';
}

async function* readCsv(file: string, head: Buffer): AsyncGenerator<string[]> {
  const encoding = detectEncoding(head);
  const source = fs.createReadStream(file);
  const text = encoding === 'utf8' ? source : source.pipe(iconv.decodeStream('gb18030'));
  const parser = (text as Readable).pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_CELL_CHARS * 64 }),
  );
  for await (const record of parser as AsyncIterable<string[]>) yield record;
}

async function* readXlsx(file: string): AsyncGenerator<string[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'emit',
  });
  for await (const worksheet of reader) {
    for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
      const values = row.values as ExcelJS.CellValue[];
      const out: string[] = [];
      for (let i = 1; i < values.length; i++) out.push(cellText(values[i]));
      yield out;
    }
    return; // the first worksheet is the ledger
  }
}

/**
 * Streams a ledger file (.xlsx, or .csv in UTF-8 or GBK/GB18030) row by row with constant memory.
 * Refuses anything else, formulas and over-long cells. Any number of rows: what an import keeps per row
 * is a few bytes in typed arrays (compact-maps.ts), so a city's five million rows read in flat memory.
 */
export async function* readSpreadsheet(file: string): AsyncGenerator<{ headers: string[] } | SheetRow> {
  const head = await sniff(file);
  if (head.length === 0) throw new SpreadsheetError('empty_file', '文件为空', 'The file is empty');
  const isZip = head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  const looksBinary = !isZip && head.subarray(0, 512).some((b) => b === 0);
  if (looksBinary)
    throw new SpreadsheetError(
      'not_spreadsheet',
      '文件不是 Excel（.xlsx）或 CSV 表格',
      'The file is not an .xlsx or .csv spreadsheet',
    );
  const rows = isZip ? readXlsx(file) : readCsv(file, head);
  let rowNumber = 0;
  let headers: string[] | null = null;
  try {
    for await (const values of rows) {
      rowNumber += 1;
      const garbled = values.findIndex((v) => v.includes('\ufffd'));
      if (garbled !== -1) {
        // bytes that were neither UTF-8 nor GBK arrive as U+FFFD: refused, never stored as such
        const where = placeOf(rowNumber, garbled, headers);
        throw new SpreadsheetError(
          'invalid_encoding',
          `${where.zh}含有无法识别的字符：请将文件另存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx`,
          `${where.en} holds bytes that are not text; save the file as UTF-8 or GBK CSV, or as .xlsx`,
        );
      }
      if (values.some((v) => v.length > MAX_CELL_CHARS)) {
        throw new SpreadsheetError(
          'cell_too_long',
          `第 ${rowNumber} 行有超过 ${MAX_CELL_CHARS} 个字符的单元格`,
          `Row ${rowNumber} has a cell longer than ${MAX_CELL_CHARS} characters`,
        );
      }
      if (headers === null) {
        if (values.every((v) => v.trim() === '')) continue;
        headers = values.map((v) => v.trim());
        yield { headers };
        continue;
      }
      if (values.every((v) => v.trim() === '')) continue;
      yield { row: rowNumber, values };
    }
  } catch (err) {
    if (err instanceof SpreadsheetError) throw err;
    // the parser may fail on its first chunk, before the header row reached this loop
    throw unreadable(err, rowNumber, headers ?? (isZip ? null : await csvHeaderOf(head)));
  }
  if (headers === null) throw new SpreadsheetError('no_header', '文件没有表头', 'The file has no header row');
}

/** The header cells of a CSV file from its first bytes, or null when they do not parse on their own. */
async function csvHeaderOf(head: Buffer): Promise<string[] | null> {
  const end = head.indexOf(0x0a);
  const line = head.subarray(0, end === -1 ? head.length : end);
  const text = detectEncoding(head) === 'utf8' ? line.toString('utf8') : iconv.decode(line, 'gb18030');
  try {
    for await (const record of Readable.from([text]).pipe(parse({ bom: true, relax_column_count: true })))
      return (record as string[]).map((v) => v.trim());
  } catch {
    // a broken header line names no columns
  }
  return null;
}

/** "第 3 行第 2 列（身份证号）" — a place in the file, named by row and column only. */
function placeOf(row: number, column: number | null, headers: string[] | null): { zh: string; en: string } {
  if (column === null) return { zh: `第 ${row} 行`, en: `Row ${row}` };
  const header = headers?.[column];
  const name = header !== undefined && header !== '' ? header.slice(0, 20) : null;
  return {
    zh: `第 ${row} 行第 ${column + 1} 列${name === null ? '' : `（${name}）`}`,
    en: `Row ${row}, column ${column + 1}${name === null ? '' : ` (${name})`}`,
  };
}

/**
 * A file the reader cannot go on with. The parsers' own messages quote the offending cell (csv-parse:
 * `value is "62010219…"`), and a cell may be an ID number: the error says where, never what — the row
 * and column from the parser's position when it has one, else the row after the last one read.
 */
function unreadable(err: unknown, rowsRead: number, headers: string[] | null): SpreadsheetError {
  const csv = err as { code?: unknown; lines?: unknown; column?: unknown };
  const isCsv = typeof csv.code === 'string' && typeof csv.lines === 'number';
  const row = isCsv ? (csv.lines as number) : rowsRead + 1;
  const column = isCsv && typeof csv.column === 'number' ? csv.column : null;
  const where = placeOf(row, column, headers);
  return new SpreadsheetError(
    'unreadable',
    `无法读取文件：${where.zh}附近不是有效的 CSV 或 Excel（.xlsx）内容（如引号不成对）`,
    `Cannot read the file: ${where.en} is not valid CSV or .xlsx content (say, an unmatched quote)`,
  );
}
