import ExcelJS from 'exceljs';
import { cellText } from '../../platform/spreadsheet.ts';
import type { Actor } from '../../platform/access/scope.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { issueToFieldError } from '../../platform/http/validation.ts';
import { checkIntake, type IntakeInput, submitCase } from './intake.ts';
import { suggestConfidentItem } from '../duties/suggest/service.ts';
import { HotlineTicket } from './schema.ts';

const HEADER_FIELDS: Record<string, keyof HotlineTicket> = {
  工单号: 'ticketNo',
  工单编号: 'ticketNo',
  诉求类别编码: 'dutyCode',
  事项编码: 'dutyCode',
  诉求内容: 'description',
  内容: 'description',
  紧急程度: 'priority',
  经度: 'lng',
  纬度: 'lat',
  地址: 'address',
  社区编码: 'orgCode',
  网格编码: 'orgCode',
  联系人: 'contactName',
  联系电话: 'contactPhone',
  受理时间: 'receivedAt',
};

/**
 * Hotline tickets from a 12345 export: one row per ticket, headers as the hotline names them; `rows`
 * holds each ticket's row number in Excel, for naming it in errors.
 */
export async function readHotlineWorkbook(data: Buffer): Promise<{ tickets: unknown[]; rows: number[] }> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', { zh: '文件不是有效的 .xlsx 表格', en: 'Not a valid .xlsx workbook' });
  }
  const sheet = workbook.worksheets[0];
  if (sheet === undefined) return { tickets: [], rows: [] };
  const header = (sheet.getRow(1).values as ExcelJS.CellValue[]).map(cellText);
  const tickets: unknown[] = [];
  const rows: number[] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const values = sheet.getRow(r).values as ExcelJS.CellValue[];
    const ticket: Record<string, unknown> = {};
    header.forEach((h, i) => {
      const field = HEADER_FIELDS[h];
      const text = cellText(values[i]);
      if (field === undefined || text === '') return;
      if (field === 'lng' || field === 'lat') ticket[field] = Number(text);
      else if (field === 'priority') ticket[field] = text === '紧急' || text === 'urgent' ? 'urgent' : 'normal';
      else ticket[field] = text;
    });
    if (Object.keys(ticket).length > 0) {
      tickets.push(ticket);
      rows.push(r);
    }
  }
  return { tickets, rows };
}

function toIntake(t: HotlineTicket): IntakeInput {
  return {
    channel: 'hotline',
    dutyCode: t.dutyCode,
    description: t.description,
    priority: t.priority,
    lng: t.lng,
    lat: t.lat,
    address: t.address,
    orgCode: t.orgCode,
    contactName: t.contactName,
    contactPhone: t.contactPhone,
    isAnonymous: false,
    externalRef: `hotline:${t.ticketNo}`,
    receivedAt: t.receivedAt,
    photos: [],
    force: true,
  };
}

/**
 * Imports hotline tickets. Every ticket is checked first; if any is bad nothing is stored and each
 * problem is named by its position. A ticket seen before returns its existing case, so a re-sent
 * batch never creates twice.
 */
export async function importHotlineTickets(
  deps: AppDeps,
  actor: Actor,
  raw: unknown[],
  /** how a ticket is named in errors: `tickets.3` for JSON, `第5行` for a spreadsheet row */
  place: (index: number) => string = (i) => `tickets.${i}`,
) {
  const errors: FieldError[] = [];
  const tickets: { index: number; ticket: HotlineTicket }[] = [];
  raw.forEach((t, i) => {
    const parsed = HotlineTicket.safeParse(t, { reportInput: true });
    if (parsed.success) tickets.push({ index: i, ticket: parsed.data });
    else
      for (const issue of parsed.error.issues) {
        const e = issueToFieldError(issue, 'body');
        errors.push({ ...e, field: `${place(i)}.${e.field}` });
      }
  });
  const seen = new Set<string>();
  for (const { index, ticket } of tickets) {
    if (seen.has(ticket.ticketNo)) {
      errors.push({
        code: 'duplicate',
        field: `${place(index)}.ticketNo`,
        message_zh: `工单号 ${ticket.ticketNo} 在本批中重复`,
        message_en: `Ticket ${ticket.ticketNo} appears twice in this batch`,
      });
    }
    seen.add(ticket.ticketNo);
  }
  const by = { actor, permission: 'case.intake' as const };
  // a ticket without an item code is classified from its text when one item clearly fits (说出来，不用选)
  for (const entry of tickets) {
    if (entry.ticket.dutyCode !== undefined) continue;
    const code = await suggestConfidentItem(deps, entry.ticket.description);
    if (code !== null) entry.ticket = { ...entry.ticket, dutyCode: code };
  }
  // every well-formed ticket: check its item and place too, so one pass reports every problem
  for (const { index, ticket } of tickets) {
    if (errors.length >= 200) break;
    try {
      await checkIntake(deps, toIntake(ticket), by);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      for (const e of error.errors) errors.push({ ...e, field: `${place(index)}.${e.field}` });
    }
  }
  if (errors.length > 0) {
    throw new AppError(
      'VALIDATION',
      { zh: `有 ${errors.length} 处错误，未导入任何工单`, en: `${errors.length} problems; nothing imported` },
      errors.slice(0, 200),
    );
  }
  const cases = [];
  for (const { ticket: t } of tickets) {
    const outcome = await submitCase(deps, toIntake(t), by);
    if (outcome.kind === 'duplicates') continue;
    cases.push({
      ticketNo: t.ticketNo,
      caseId: outcome.caseId,
      number: outcome.number,
      isNew: outcome.kind === 'created',
    });
  }
  return { created: cases.filter((c) => c.isNew).length, existing: cases.filter((c) => !c.isNew).length, cases };
}
