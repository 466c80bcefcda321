import fs from 'node:fs';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

export interface UploadedFile {
  field: string;
  fileName: string;
  data: Buffer;
}

export interface FileLimits {
  /** the form field carrying the files, e.g. `photos` */
  field: string;
  maxCount: number;
  maxBytes: number;
}

const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** RFC 2046: a boundary is 1–70 characters, quoted or a plain token. */
const BOUNDARY = /;\s*boundary\s*=\s*(?:"[^"]{1,70}"|[^\s;"]{1,70})\s*(?:;|$)/i;

const malformedMultipart = (en: string, zh: string) =>
  new AppError('BAD_REQUEST', { zh: '上传的表单格式有误', en: 'Malformed multipart/form-data' }, [
    { code: 'malformed_multipart', field: 'content-type', message_zh: zh, message_en: en },
  ]);

/**
 * Multipart for every route: the plugin, and one check before any handler reads a part — a
 * multipart/form-data request without a usable boundary is a 400 on every route, whether it declares
 * `files` or reads its parts itself (busboy would otherwise throw a plain error, a 500).
 */
export async function registerMultipart(app: FastifyInstance, limits: { maxFileBytes: number }): Promise<void> {
  await app.register(multipart, { limits: { fileSize: limits.maxFileBytes, files: 1 } });
  app.addHook('preValidation', async (request) => {
    const type = request.headers['content-type'];
    if (typeof type !== 'string' || !/^multipart\/form-data\b/i.test(type)) return;
    if (!BOUNDARY.test(type.slice('multipart/form-data'.length)))
      throw malformedMultipart(
        'multipart/form-data needs a boundary parameter (1–70 characters)',
        'multipart/form-data 须带 boundary 参数（1–70 个字符）',
      );
  });
}

/**
 * Whether an error is busboy's word that the multipart body itself is broken (a part cut short, a
 * malformed header): bad input, a 400, never a 500. Busboy throws plain errors, known by their text; a
 * file part that ends with the body, before its boundary, surfaces as a premature close of its stream.
 */
export function isMalformedMultipartError(error: unknown, request: FastifyRequest): boolean {
  if (!(error instanceof Error) || 'statusCode' in error) return false;
  if ((error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') return request.isMultipart();
  return /^Multipart: |terminated early|Unexpected end of (multipart data|form)|Malformed part header|Boundary required/.test(
    error.message,
  );
}

/**
 * Streams an uploaded file part to `file`, created owner-only. A part cut short rejects (it is never
 * left waiting, as `pipeline` can be); the caller removes the file on any failure.
 */
export async function writePartToFile(part: AsyncIterable<unknown>, file: string): Promise<void> {
  const out = await fs.promises.open(file, 'w', 0o600);
  try {
    for await (const chunk of part) await out.write(chunk as Buffer);
  } finally {
    await out.close();
  }
}

/** The error body for a broken multipart body (errors.ts maps busboy's errors through it). */
export const brokenMultipart = () =>
  malformedMultipart('The multipart/form-data body is cut short or malformed', '表单内容不完整或格式有误');

/**
 * Reads a multipart request into memory: the JSON of its `payload` field and its files, within
 * limits. Too many or too large files are refused naming the field, before anything is stored.
 */
export async function readMultipart(
  request: FastifyRequest,
  limits: FileLimits,
): Promise<{ payload: unknown; files: UploadedFile[] }> {
  const files: UploadedFile[] = [];
  let payload: unknown = {};
  const tooMany = () =>
    new AppError(
      'PAYLOAD_TOO_LARGE',
      { zh: `最多上传 ${limits.maxCount} 个文件`, en: `At most ${limits.maxCount} files` },
      [
        {
          code: 'too_many_files',
          field: limits.field,
          message_zh: `最多上传 ${limits.maxCount} 个文件`,
          message_en: `At most ${limits.maxCount} files`,
        },
      ],
    );
  try {
    for await (const part of request.parts({
      limits: { fileSize: limits.maxBytes, files: limits.maxCount + 1, fields: 5, fieldSize: 1024 * 1024 },
    })) {
      if (part.type === 'file') {
        if (part.fieldname !== limits.field) {
          part.file.resume();
          throw new AppError('VALIDATION', { zh: '输入有误', en: 'Invalid input' }, [
            {
              code: 'unknown_field',
              field: part.fieldname,
              message_zh: `文件须放在 ${limits.field} 字段`,
              message_en: `Files go in the ${limits.field} field`,
            },
          ]);
        }
        if (files.length >= limits.maxCount) {
          part.file.resume();
          throw tooMany();
        }
        const data = await part.toBuffer();
        files.push({ field: part.fieldname, fileName: part.filename, data });
      } else if (part.fieldname === 'payload' && typeof part.value === 'string') {
        try {
          payload = JSON.parse(part.value);
        } catch {
          throw new AppError('VALIDATION', { zh: '输入有误', en: 'Invalid input' }, [
            {
              code: 'invalid_json',
              field: 'payload',
              message_zh: 'payload 须为 JSON',
              message_en: 'payload must be JSON',
            },
          ]);
        }
      }
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      const zh = `单个文件不能超过 ${megabytes(limits.maxBytes)} MB`;
      const en = `Each file must be at most ${megabytes(limits.maxBytes)} MB`;
      throw new AppError('PAYLOAD_TOO_LARGE', { zh, en }, [
        { code: 'file_too_large', field: limits.field, message_zh: zh, message_en: en },
      ]);
    }
    if (code === 'FST_FILES_LIMIT') throw tooMany();
    throw error;
  }
  return { payload, files };
}
