import ExcelJS from 'exceljs';
import type { DB } from '../../db/types.ts';
import { type Actor, inScopeWithin } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import { SHANGHAI_OFFSET_MS, dayRange } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { invalidField, notFound } from '../../platform/errors.ts';
import { neutralizeCell } from '../registry/export.ts';
import { hotlineTicketNo } from '../webhooks/events.ts';
import { caseKeysFor, publishableText, visibleCases } from './access.ts';
import { CASE_STATE_LABELS } from './states.ts';
import type { CaseTable } from './tables.ts';

/** At most this many tickets in one file; a longer period is split. */
export const HOTLINE_EXPORT_MAX_ROWS = 50_000;

/**
 * The columns of the way back to 12345: first the headers the hotline import reads (hotline.ts
 * HEADER_FIELDS) holding what came in, so the file goes back into either system as it is; then what
 * the platform did with each ticket. The caller's name and number are the hotline's own and are not
 * sent back.
 */
export const HOTLINE_EXPORT_HEADERS = [
  '工单号',
  '事项编码',
  '诉求内容',
  '紧急程度',
  '经度',
  '纬度',
  '地址',
  '社区编码',
  '受理时间',
  '诉求编号',
  '办理单位',
  '状态',
  '签收时间',
  '答复',
  '办结结果',
  '办结时间',
  '满意度评价',
  '是否解决',
  '评价内容',
  '关闭时间',
  '重新打开次数',
] as const;

/** An instant as Asia/Shanghai time with its offset (`2026-11-28T10:00:00+08:00`), which the import reads back. */
function shanghaiTime(iso: string | null): string {
  if (iso === null) return '';
  return `${new Date(Date.parse(iso) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

export interface HotlineExportQuery {
  from: string;
  to: string;
  orgId?: string | undefined;
}

type Row = CaseTable & { org_code: string | null; handler_name: string };

/**
 * The 12345 tickets received in a period (Asia/Shanghai days) among the cases the actor sees, as an
 * .xlsx in the import's format plus reply, result (办结结果), rating and times. Text that reaches the
 * hotline is made publishable (no numbers that identify a person, no caller's name), and every
 * formula-like cell is neutralised. Audited.
 */
export async function exportHotlineTickets(deps: AppDeps, actor: Actor, query: HotlineExportQuery) {
  if (query.to < query.from) {
    throw invalidField('to', 'before_from', { zh: '结束日期不能早于开始日期', en: 'The end is before the start' });
  }
  const period = dayRange(query.from, query.to);
  let within: string | undefined;
  if (query.orgId !== undefined) {
    const org = await deps.db.selectFrom('org_units').select('path').where('id', '=', query.orgId).executeTakeFirst();
    if (org === undefined) throw notFound({ zh: '组织', en: 'Org unit' });
    within = org.path;
  }
  const keys = await caseKeysFor(deps.db, actor, within === undefined ? [] : [within]);
  let q = deps.db
    .selectFrom('cases')
    .innerJoin('org_units as place', 'place.id', 'cases.org_id')
    .innerJoin('org_units as handler', 'handler.id', 'cases.handler_org_id')
    .selectAll('cases')
    .select(['place.code as org_code', 'handler.name as handler_name'])
    .where('cases.channel', '=', 'hotline')
    .where('cases.created_at', '>=', period.start)
    .where('cases.created_at', '<', period.end)
    .where(visibleCases(actor, keys));
  if (within !== undefined)
    q = q.where(inScopeWithin<DB, 'cases'>(actor, 'case.read', 'cases.org_path', within, keys?.org));
  const rows = (await q
    .orderBy('cases.created_at')
    .orderBy('cases.id')
    .limit(HOTLINE_EXPORT_MAX_ROWS + 1)
    .execute()) as Row[];
  if (rows.length > HOTLINE_EXPORT_MAX_ROWS) {
    throw invalidField('to', 'too_many_rows', {
      zh: `该时段工单超过 ${HOTLINE_EXPORT_MAX_ROWS} 条，请缩短时段`,
      en: `More than ${HOTLINE_EXPORT_MAX_ROWS} tickets in this period; choose a shorter one`,
    });
  }
  const texts = await latestTexts(deps, rows);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('工单');
  sheet.columns = HOTLINE_EXPORT_HEADERS.map((h) => ({
    header: h,
    width: ['诉求内容', '答复', '办结结果', '评价内容'].includes(h) ? 40 : h.endsWith('时间') ? 26 : 14,
  }));
  sheet.getRow(1).font = { bold: true };
  const cell = (text: string) => neutralizeCell(text);
  for (const c of rows) {
    const said = texts.get(c.id);
    sheet.addRow([
      cell(hotlineTicketNo(c) ?? ''),
      cell(c.duty_code ?? ''),
      cell(c.description),
      c.priority === 'urgent' ? '紧急' : '一般',
      c.lng ?? '',
      c.lat ?? '',
      cell(c.address ?? ''),
      c.org_code ?? '',
      shanghaiTime(c.created_at),
      c.number,
      cell(c.handler_name),
      CASE_STATE_LABELS[c.status].zh,
      shanghaiTime(c.accepted_at),
      cell(said?.reply === undefined ? '' : publishableText(said.reply, c.contact_name)),
      cell(said?.result === undefined ? '' : publishableText(said.result, c.contact_name)),
      shanghaiTime(c.resolved_at),
      c.rating ?? '',
      c.is_solved === null ? '' : c.is_solved === 1 ? '是' : '否',
      cell(c.rating_comment === null ? '' : publishableText(c.rating_comment, c.contact_name)),
      shanghaiTime(c.closed_at),
      c.reopen_count,
    ]);
  }
  const data = Buffer.from(await workbook.xlsx.writeBuffer());
  await recordAudit(deps.db, deps.clock, whoFromActor(actor), {
    action: 'case.hotline_export',
    targetType: 'cases',
    detail: { from: query.from, to: query.to, orgId: query.orgId ?? null, count: rows.length },
  });
  return { name: `12345工单回传_${query.from}_${query.to}.xlsx`, data, count: rows.length };
}

/** Each case's latest public reply and latest result (办结), read in batches. */
async function latestTexts(deps: AppDeps, rows: Row[]) {
  const out = new Map<string, { reply?: string; result?: string }>();
  for (let i = 0; i < rows.length; i += 500) {
    const ids = rows.slice(i, i + 500).map((r) => r.id);
    const events = await deps.db
      .selectFrom('case_events')
      .select(['case_id', 'kind', 'text'])
      .where('case_id', 'in', ids)
      .where('kind', 'in', ['reply', 'resolved'])
      .orderBy('at')
      .orderBy('id')
      .execute();
    for (const e of events) {
      if (e.text === null) continue;
      const said = out.get(e.case_id) ?? {};
      if (e.kind === 'reply') said.reply = e.text;
      else said.result = e.text;
      out.set(e.case_id, said);
    }
  }
  return out;
}
