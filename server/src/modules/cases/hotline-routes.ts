import { z } from 'zod';
import type { AppDeps } from '../../platform/deps.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import { exportHotlineTickets } from './hotline-export.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const HotlineExportQuery = z.strictObject({ from: Day, to: Day, orgId: z.uuid().optional() });

/** The way back to 12345: the tickets of a period with what became of them, in the import's format. */
export function hotlineRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/cases/hotline-exports',
      summary:
        '导出 12345 工单办理结果（导入格式 + 答复、办结结果、评价、时间）/ Export hotline tickets with their outcome',
      tags: ['cases'],
      auth: 'case.intake',
      scope: { query: { orgId: 'org' } },
      query: HotlineExportQuery,
      response: z.unknown(),
      isRaw: true,
      handler: async ({ actor, query, reply }) => {
        const file = await exportHotlineTickets(deps, actor, query);
        reply.hijack();
        reply.raw.writeHead(200, {
          'content-type': XLSX,
          'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
          'content-length': file.data.length,
          'cache-control': 'no-store',
        });
        reply.raw.end(file.data);
      },
    }),
  ];
}
