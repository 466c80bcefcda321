import { InboxOutlined } from '@ant-design/icons';
import { Upload, type UploadFile } from 'antd';
import type { ReactNode } from 'react';

/**
 * The one file drop of the console's imports (ledger, duty list, 12345 tickets): one file, kept in the
 * page until sent — `onChoose` gets it (and null when removed); nothing uploads by itself.
 */
export function FileDrop({
  accept,
  file,
  onChoose,
  text,
  hint,
}: {
  accept: string;
  file: File | null;
  onChoose: (file: File | null) => void;
  text: ReactNode;
  hint?: ReactNode;
}) {
  const fileList: UploadFile[] =
    file === null ? [] : [{ uid: 'file', name: file.name, size: file.size, status: 'done' }];
  return (
    <Upload.Dragger
      accept={accept}
      maxCount={1}
      fileList={fileList}
      beforeUpload={(chosen) => {
        onChoose(chosen);
        return false;
      }}
      onRemove={() => onChoose(null)}
    >
      <p className="ant-upload-drag-icon">
        <InboxOutlined />
      </p>
      <p className="ant-upload-text">{text}</p>
      {hint !== undefined && <p className="ant-upload-hint">{hint}</p>}
    </Upload.Dragger>
  );
}
