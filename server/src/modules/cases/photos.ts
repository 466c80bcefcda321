import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { CaseTable } from './tables.ts';
import { AppError } from '../../platform/errors.ts';
import type { UploadedFile } from '../../platform/http/multipart.ts';
import { newId } from '../../platform/ids.ts';

/** The image type told by the file's first bytes, whatever its name or declared type says. */
export function sniffImageType(data: Buffer): 'image/jpeg' | 'image/png' | 'image/webp' | 'image/heic' | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP')
    return 'image/webp';
  if (
    data.length >= 12 &&
    data.toString('latin1', 4, 8) === 'ftyp' &&
    /^(heic|heix|mif1|hevc)$/.test(data.toString('latin1', 8, 12))
  )
    return 'image/heic';
  return null;
}

export interface CheckedPhoto {
  mime: string;
  data: Buffer;
}

/** Every file must be an image by content; the first that is not is named (by its position) and nothing is stored. */
export function checkPhotos(files: UploadedFile[]): CheckedPhoto[] {
  return files.map((f, i) => {
    const mime = sniffImageType(f.data);
    if (mime === null) {
      throw new AppError('VALIDATION', { zh: '照片须为图片文件', en: 'Photos must be images' }, [
        {
          code: 'not_an_image',
          field: `photos.${i}`,
          message_zh: `第 ${i + 1} 个文件不是图片（支持 JPEG、PNG、WebP、HEIC）`,
          message_en: `File ${i + 1} is not an image (JPEG, PNG, WebP or HEIC)`,
        },
      ]);
    }
    return { mime, data: f.data };
  });
}

/** Stores checked photos inside the caller's transaction; returns their ids. */
export async function insertPhotos(
  trx: Kysely<DB>,
  theCase: Pick<CaseTable, 'id' | 'county_key'>,
  eventId: string,
  photos: CheckedPhoto[],
  now: string,
): Promise<string[]> {
  const ids: string[] = [];
  for (const p of photos) {
    const id = newId();
    await trx
      .insertInto('case_photos')
      .values({
        id,
        case_id: theCase.id,
        county_key: theCase.county_key,
        event_id: eventId,
        mime: p.mime,
        size: p.data.length,
        sha256: crypto.createHash('sha256').update(p.data).digest('hex'),
        data: p.data,
        created_at: now,
      })
      .execute();
    ids.push(id);
  }
  return ids;
}
