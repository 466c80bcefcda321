import { CameraOutlined, CloseOutlined } from '@ant-design/icons';
import { App, Button } from 'antd';
import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n';

export const MAX_PHOTOS = 9;
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** A photo picked on the phone, with the object URL of its thumbnail. */
export interface PhotoDraft {
  key: string;
  file: File;
  url: string;
}

interface PhotoFieldProps {
  id?: string;
  value?: PhotoDraft[];
  onChange?: (photos: PhotoDraft[]) => void;
}

let nextKey = 0;

/**
 * Up to nine photos from the camera or the gallery, shown as thumbnails that can be removed. Size
 * and count are checked here so nothing too big is sent; the server checks that each is an image.
 */
export function PhotoField({ id, value = [], onChange }: PhotoFieldProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const latest = useRef(value);
  useEffect(() => {
    latest.current = value;
  }, [value]);
  useEffect(() => () => latest.current.forEach((p) => URL.revokeObjectURL(p.url)), []);

  const add = (files: File[]) => {
    const room = MAX_PHOTOS - value.length;
    const fitting = files.filter((file) => {
      if (file.size <= MAX_PHOTO_BYTES) return true;
      void message.warning(t('phone.new.photoTooLarge', { name: file.name, mb: MAX_PHOTO_BYTES / 1024 / 1024 }));
      return false;
    });
    if (fitting.length > room) void message.warning(t('phone.new.photoTooMany', { n: MAX_PHOTOS }));
    const added = fitting.slice(0, Math.max(room, 0)).map((file) => ({
      key: `photo-${(nextKey += 1)}`,
      file,
      url: URL.createObjectURL(file),
    }));
    if (added.length > 0) onChange?.([...value, ...added]);
  };

  const remove = (photo: PhotoDraft) => {
    URL.revokeObjectURL(photo.url);
    onChange?.(value.filter((p) => p.key !== photo.key));
  };

  return (
    <div className="tz-photo-grid" data-testid="photo-field">
      {value.map((photo, i) => (
        <div key={photo.key} className="tz-photo-cell" data-testid="photo-thumb">
          <img src={photo.url} alt={photo.file.name} />
          <Button
            size="small"
            shape="circle"
            className="tz-photo-remove"
            icon={<CloseOutlined />}
            aria-label={t('phone.new.removePhoto', { n: i + 1 })}
            onClick={() => remove(photo)}
          />
        </div>
      ))}
      {value.length < MAX_PHOTOS && (
        <label className="tz-photo-add">
          <CameraOutlined />
          <span>{t('phone.new.addPhoto')}</span>
          <input
            id={id}
            className="tz-visually-hidden"
            type="file"
            accept="image/*"
            multiple
            data-testid="photo-input"
            onChange={(e) => {
              add([...(e.target.files ?? [])]);
              // the same photo may be picked again after removing it
              e.target.value = '';
            }}
          />
        </label>
      )}
    </div>
  );
}
