import { PlusOutlined } from '@ant-design/icons';
import { App, Upload, type UploadFile } from 'antd';
import { useI18n } from '../../app/i18n';

export const MAX_PHOTOS = 9;
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** The files picked in a PhotoPicker, ready for `postWithPhotos`. */
export const pickedFiles = (list: UploadFile[] | undefined): File[] =>
  (list ?? []).flatMap((f) => (f.originFileObj === undefined ? [] : [f.originFileObj]));

/**
 * Up to nine photos of ≤ 10 MB, kept in the browser until the form is sent (a form control whose
 * value is the upload list). The server checks the content again.
 */
export function PhotoPicker({ value, onChange }: { value?: UploadFile[]; onChange?: (list: UploadFile[]) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const list = value ?? [];
  return (
    <Upload
      listType="picture-card"
      accept="image/jpeg,image/png,image/webp,image/gif,image/heic"
      multiple
      maxCount={MAX_PHOTOS}
      fileList={list}
      beforeUpload={(file) => {
        if (!file.type.startsWith('image/')) {
          void message.error(t('cases.photo.notImage', { name: file.name }));
          return Upload.LIST_IGNORE;
        }
        if (file.size > MAX_PHOTO_BYTES) {
          void message.error(t('cases.photo.tooLarge', { name: file.name }));
          return Upload.LIST_IGNORE;
        }
        return false;
      }}
      onChange={({ fileList }) => onChange?.(fileList.slice(0, MAX_PHOTOS).map((f) => ({ ...f, status: 'done' })))}
    >
      {list.length < MAX_PHOTOS && (
        <button type="button" style={{ border: 0, background: 'none', cursor: 'pointer' }}>
          <PlusOutlined />
          <div style={{ marginTop: 6 }}>{t('cases.photo.add', { n: list.length, max: MAX_PHOTOS })}</div>
        </button>
      )}
    </Upload>
  );
}
