import type { FastifyRequest } from 'fastify';
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
