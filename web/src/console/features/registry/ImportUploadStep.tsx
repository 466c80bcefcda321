import { FileDrop } from '../../app/FileDrop';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Flex } from 'antd';
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

  return (
    <Flex vertical gap={16}>
      <div data-testid="import-upload">
        <FileDrop
          accept=".xlsx,.csv"
          file={file}
          onChoose={(chosen) => {
            setFile(chosen);
            if (chosen !== null) upload.reset();
          }}
          text={t('import.dropHint')}
          hint={t('import.dropFormats')}
        />
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
