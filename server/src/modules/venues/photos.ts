import type { Actor } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { conflict, invalidField, notFound } from '../../platform/errors.ts';
import type { UploadedFile } from '../../platform/http/multipart.ts';
import { newId } from '../../platform/ids.ts';
import { sniffImageType } from '../cases/photos.ts';
import { isUniqueViolation } from './bookings.ts';
import { getSpaceRow, photoIdsOf, spaceOut } from './spaces.ts';

/** At most this many photos of a room, each at most this big. */
export const MAX_SPACE_PHOTOS = 6;
export const SPACE_PHOTO_LIMITS = { field: 'photos', maxCount: MAX_SPACE_PHOTOS, maxBytes: 5 * 1024 * 1024 };

const PHOTO = { zh: '照片', en: 'Photo' };

/** Adds photos to a room (JPEG, PNG, WebP or HEIC by their bytes), up to MAX_SPACE_PHOTOS; all or none. */
export async function addSpacePhotos(deps: AppDeps, actor: Actor, spaceId: string, files: UploadedFile[]) {
  const space = await getSpaceRow(deps.db, spaceId);
  if (files.length === 0) throw invalidField('photos', 'required', { zh: '请选择照片', en: 'Choose a photo' });
  const typed = files.map((f) => ({ file: f, mime: sniffImageType(f.data) }));
  const bad = typed.find((f) => f.mime === null);
  if (bad !== undefined)
    throw invalidField('photos', 'not_an_image', {
      zh: `${bad.file.fileName} 不是照片（JPEG、PNG、WebP、HEIC）`,
      en: `${bad.file.fileName} is not a photo (JPEG, PNG, WebP, HEIC)`,
    });
  const existing = await deps.db
    .selectFrom('venue_space_photos')
    .select('position')
    .where('space_id', '=', space.id)
    .orderBy('position', 'desc')
    .execute();
  if (existing.length + files.length > MAX_SPACE_PHOTOS)
    throw invalidField('photos', 'too_many', {
      zh: `每个活动室最多 ${MAX_SPACE_PHOTOS} 张照片（已有 ${existing.length} 张）`,
      en: `At most ${MAX_SPACE_PHOTOS} photos a room (${existing.length} already)`,
    });
  const first = (existing[0]?.position ?? 0) + 1;
  const at = deps.clock.now().toISOString();
  try {
    await deps.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('venue_space_photos')
        .values(
          typed.map((f, i) => ({
            id: newId(),
            space_id: space.id,
            org_path: space.org_path,
            mime: f.mime!,
            size: f.file.data.length,
            data: f.file.data,
            position: first + i,
            created_at: at,
          })),
        )
        .execute();
      await recordAudit(trx, deps.clock, whoFromActor(actor), {
        action: 'venue.space_photos_add',
        targetType: 'venue_space',
        targetId: space.id,
        orgPath: space.org_path,
        detail: { count: files.length },
      });
    });
  } catch (error) {
    // two uploads to one room at the same moment: the positions' key lets one through
    if (isUniqueViolation(error))
      throw conflict('CONFLICT', 'photos', { zh: '照片正在上传，请稍后重试', en: 'Photos are being added; try again' });
    throw error;
  }
  return spaceOut(space, await photoIdsOf(deps.db, space.id));
}

/** Removes one photo of a room. */
export async function removeSpacePhoto(deps: AppDeps, actor: Actor, spaceId: string, photoId: string) {
  const space = await getSpaceRow(deps.db, spaceId);
  await deps.db.transaction().execute(async (trx) => {
    const removed = await trx
      .deleteFrom('venue_space_photos')
      .where('id', '=', photoId)
      .where('space_id', '=', space.id)
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw notFound(PHOTO);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'venue.space_photo_remove',
      targetType: 'venue_space',
      targetId: space.id,
      orgPath: space.org_path,
      detail: { photoId },
    });
  });
  return spaceOut(space, await photoIdsOf(deps.db, space.id));
}

/** A room's photo: public, like the room itself on the community's public page. */
export async function getSpacePhoto(deps: AppDeps, photoId: string) {
  const row = await deps.db
    .selectFrom('venue_space_photos')
    .select(['mime', 'data'])
    .where('id', '=', photoId)
    .executeTakeFirst();
  if (row === undefined) throw notFound(PHOTO);
  return row;
}
