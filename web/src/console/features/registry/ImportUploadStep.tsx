import { InboxOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Flex, Upload, type UploadFile } from 'antd';
import { useState } from 'react';
import { sendRaw } from '../../../api/client';
import type { ImportJob } from '../../../api/types';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import type { ImportSettings } from './ImportSettingsStep';
import { registryKeys } from './queries';

/** Step 2: pick the ledger (.xlsx or .csv) and send it with the settings as multipart/form-data. */
export function ImportUploadStep({
  settings,
  onBack,
  onStarted,
}: {
  settings: ImportSettings;
  onBack: () => void;
  onStarted: (jobId: string) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);

  const upload = useMutation({
    mutationFn: async (chosen: File) => {
      const body = new FormData();
      body.set('orgId', settings.orgId);
      body.set('mode', settings.mode);
      body.set('onDuplicate', settings.onDuplicate);
      body.set('file', chosen, chosen.name);
      const response = await sendRaw('/api/v1/residents/imports', { method: 'POST', body });
      return (await response.json()) as ImportJob;
    },
    onSuccess: (job) => {
      queryClient.setQueryData(registryKeys.importJob(job.id), job);
      void queryClient.invalidateQueries({ queryKey: registryKeys.imports() });
      onStarted(job.id);
    },
  });

  const fileList: UploadFile[] =
    file === null ? [] : [{ uid: 'ledger', name: file.name, size: file.size, status: 'done' }];

  return (
    <Flex vertical gap={16}>
      <div data-testid="import-upload">
        <Upload.Dragger
          accept=".xlsx,.csv"
          maxCount={1}
          fileList={fileList}
          beforeUpload={(chosen) => {
            setFile(chosen);
            upload.reset();
            return false;
          }}
          onRemove={() => setFile(null)}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{t('import.dropHint')}</p>
          <p className="ant-upload-hint">{t('import.dropFormats')}</p>
        </Upload.Dragger>
      </div>
      {upload.error !== null && <Alert type="error" showIcon title={errorText(upload.error, i18n)} />}
      <Flex gap={8}>
        <Button onClick={onBack}>{t('import.back')}</Button>
        <Button
          type="primary"
          disabled={file === null}
          loading={upload.isPending}
          onClick={() => file !== null && upload.mutate(file)}
          data-testid="import-start"
        >
          {t('import.start')}
        </Button>
      </Flex>
    </Flex>
  );
}
