import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { jobProgress } from '../../platform/jobs.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import { writePartToFile } from '../../platform/http/multipart.ts';
import { parsePart } from '../../platform/http/validation.ts';
import { prepareResidentExport } from './export.ts';
import {
  getImportJobInScope,
  importTarget,
  listImportJobs,
  runImportJob,
  toImportJobOut,
  uploadDir,
} from './import/jobs.ts';
import { ensurePrivateDir } from '../../platform/pii/private-files.ts';
import { writeImportTemplate, writeProblemReport } from './import/workbooks.ts';
import type { ImportProblem } from './import/run.ts';
import type { ImportJobTable } from './tables.ts';
import { IdParams, ResidentSearchBody } from './schema.ts';

const tags = ['registry-import'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

const ImportJobOut = z.object({
  id: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  fileName: z.string(),
  orgId: z.string(),
  mode: z.string(),
  onDuplicate: z.string(),
  rowsTotal: z.number().int(),
  rowsDone: z.number().int(),
  imported: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  rejected: z.number().int(),
  phase: z.string().nullable(),
  error: z.object({ code: z.string(), message_zh: z.string(), message_en: z.string() }).nullable(),
  problemCount: z.number().int(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

const ImportFields = z.strictObject({
  orgId: z.uuid(),
  mode: z.enum(['all-or-nothing', 'valid-rows']).default('all-or-nothing'),
  onDuplicate: z.enum(['update', 'skip']).default('skip'),
  mapping: z
    .string()
    .max(5000)
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      try {
        return z.record(z.string().max(40), z.string().max(40)).parse(JSON.parse(v));
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'mapping must be a JSON object of header → field',
          params: { zh: '列映射须为 JSON 对象（表头 → 字段）' },
        });
        return z.NEVER;
      }
    }),
});

const ExportBody = ResidentSearchBody.omit({ page: true, pageSize: true }).extend({
  isUnmasked: z.boolean().default(false),
});

const xlsxName = (base: string) => `attachment; filename*=UTF-8''${encodeURIComponent(base)}.xlsx`;

export function importRoutes(deps: AppDeps): RouteDef[] {
  const job = { params: { id: 'importJob' } } as const;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/residents/import-template',
      summary: '下载台账导入模板（.xlsx）/ Download the ledger template',
      tags,
      auth: 'resident.import',
      response: z.unknown(),
      isRaw: true,
      handler: async ({ reply }) => {
        reply.hijack();
        reply.raw.writeHead(200, { 'content-type': XLSX, 'content-disposition': xlsxName('居民台账导入模板') });
        await writeImportTemplate(reply.raw);
        reply.raw.end();
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/residents/imports',
      summary:
        '上传台账（multipart：file, orgId, mode, onDuplicate, mapping）并开始导入 / Upload a ledger and start an import',
      tags,
      auth: 'resident.import',
      response: ImportJobOut,
      status: 202,
      isRaw: true,
      bodyLimit: MAX_UPLOAD_BYTES,
      handler: async ({ actor, request, reply }) => {
        if (!request.isMultipart()) {
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', {
            zh: '请以 multipart/form-data 上传文件',
            en: 'Upload the file as multipart/form-data',
          });
        }
        const fields: Record<string, string> = {};
        let saved: { file: string; name: string } | null = null;
        const jobId = newId();
        const file = path.join(uploadDir(deps), `${jobId}.upload`);
        ensurePrivateDir(uploadDir(deps));
        try {
          for await (const part of request.parts({ limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10 } })) {
            if (part.type === 'file') {
              await writePartToFile(part.file, file);
              if (part.file.truncated)
                throw new AppError('PAYLOAD_TOO_LARGE', { zh: '文件超过 200 MB', en: 'The file exceeds 200 MB' });
              saved = { file, name: part.filename };
            } else if (typeof part.value === 'string') {
              fields[part.fieldname] = part.value;
            }
          }
        } catch (err) {
          // a refused, cut-off or aborted upload leaves no part of the ledger on disk
          await fs.promises.rm(file, { force: true });
          throw err;
        }
        if (saved === null) {
          throw new AppError('VALIDATION', { zh: '缺少文件', en: 'No file' }, [
            {
              code: 'required',
              field: 'file',
              message_zh: '请选择要导入的文件',
              message_en: 'Choose a file to import',
            },
          ]);
        }
        try {
          const options = parsePart(ImportFields, fields, 'body');
          const target = await importTarget(deps, actor, { id: options.orgId });
          // Answer as soon as the job is recorded; the import goes on in the background.
          const savedFile = saved;
          const started = await new Promise<ImportJobTable>((resolve, reject) => {
            runImportJob(deps, actor, {
              file: savedFile.file,
              fileName: savedFile.name,
              target,
              jobId,
              options: {
                mode: options.mode,
                onDuplicate: options.onDuplicate,
                ...(options.mapping !== undefined ? { mapping: options.mapping } : {}),
              },
              onStarted: (job) => resolve({ ...job }),
            }).catch((err: unknown) => {
              request.log.error({ err, jobId }, 'import job failed');
              reject(err instanceof Error ? err : new Error(String(err)));
            });
          });
          return reply.code(202).send(toImportJobOut(started));
        } catch (err) {
          await fs.promises.rm(saved.file, { force: true });
          throw err;
        }
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/residents/imports',
      summary: '最近的导入任务 / Recent import jobs',
      tags,
      auth: 'resident.import',
      response: z.object({ items: z.array(ImportJobOut) }),
      handler: async ({ actor }) => ({ items: await listImportJobs(deps, actor) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/residents/imports/:id',
      summary: '导入任务进度与结果 / An import job',
      tags,
      auth: 'resident.import',
      scope: job,
      params: IdParams,
      response: ImportJobOut,
      handler: async ({ actor, params }) => toImportJobOut(await getImportJobInScope(deps, actor, params.id)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/residents/imports/:id/events',
      summary: '导入进度（server-sent events）/ Import progress as server-sent events',
      tags,
      auth: 'resident.import',
      scope: job,
      params: IdParams,
      response: z.unknown(),
      isRaw: true,
      handler: async ({ actor, params, reply, request }) => {
        // Listen before reading the job, so that a job finishing in between is not missed.
        const events: unknown[] = [];
        let deliver = (p: unknown) => void events.push(p);
        const listener = (p: unknown) => deliver(p);
        jobProgress.on(params.id, listener);
        let row;
        try {
          row = await getImportJobInScope(deps, actor, params.id);
        } catch (err) {
          jobProgress.off(params.id, listener);
          throw err;
        }
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
        });
        const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        const finish = async () => {
          send('done', toImportJobOut(await getImportJobInScope(deps, actor, params.id)));
          res.end();
        };
        if (row.status !== 'running' || events.includes(null)) {
          jobProgress.off(params.id, listener);
          return finish();
        }
        send('progress', toImportJobOut(row));
        deliver = (p: unknown) => {
          if (p === null) {
            jobProgress.off(params.id, listener);
            void finish();
          } else send('progress', p);
        };
        for (const p of events) deliver(p);
        request.raw.on('close', () => jobProgress.off(params.id, listener));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/residents/imports/:id/report',
      summary: '下载错误报告（.xlsx）/ Download the report of rejected rows',
      tags,
      auth: 'resident.import',
      scope: job,
      params: IdParams,
      response: z.unknown(),
      isRaw: true,
      handler: async ({ actor, params, reply }) => {
        const row = await getImportJobInScope(deps, actor, params.id);
        const problems = row.problems === null ? [] : (JSON.parse(row.problems) as ImportProblem[]);
        reply.hijack();
        reply.raw.writeHead(200, {
          'content-type': XLSX,
          'content-disposition': xlsxName(`导入错误报告-${row.file_name.replace(/\.[^.]+$/, '')}`),
        });
        await writeProblemReport(problems, reply.raw);
        reply.raw.end();
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/residents/export',
      summary: '导出居民（.xlsx，默认脱敏，留痕）/ Export residents to .xlsx (masked unless permitted; audited)',
      tags,
      auth: 'resident.export',
      scope: { body: { orgId: 'org' } },
      body: ExportBody,
      response: z.unknown(),
      isRaw: true,
      handler: async ({ actor, body, reply }) => {
        const { isUnmasked, ...filter } = body;
        const writeExport = await prepareResidentExport(deps, actor, filter, { isUnmasked });
        reply.hijack();
        reply.raw.writeHead(200, { 'content-type': XLSX, 'content-disposition': xlsxName('居民导出') });
        await writeExport(reply.raw);
        reply.raw.end();
      },
    }),
  ];
}
