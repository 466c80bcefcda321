import { FileDrop } from '../../app/FileDrop';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Modal, Result, Table, Typography } from 'antd';
import { useState } from 'react';
import { ApiError, sendRaw, type FieldError } from '../../../api/client';
import type { DutyImportResult } from '../../../api/types';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { dutyKeys } from './queries';

/**
 * Imports the duty list from .xlsx (the layout of the export). The server checks every row and
 * imports nothing when any is wrong; the problems are listed by row.
 */
export function DutyImportModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);

  const upload = useMutation({
    mutationFn: async (chosen: File) => {
      const body = new FormData();
      body.set('file', chosen, chosen.name);
      const response = await sendRaw('/api/v1/duties/import', { method: 'POST', body });
      return (await response.json()) as DutyImportResult;
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: dutyKeys.all }),
  });

  const close = () => {
    setFile(null);
    upload.reset();
    onClose();
  };

  const error = upload.error;
  const rowErrors = error instanceof ApiError ? error.errors.filter((e) => e.field !== 'file') : [];
  const result = upload.data;

  return (
    <Modal
      title={t('duties.import')}
      open={open}
      onCancel={close}
      onOk={() => (result === undefined ? file !== null && upload.mutate(file) : close())}
      okText={result === undefined ? t('duties.importStart') : t('common.close')}
      okButtonProps={{ disabled: result === undefined && file === null, 'data-testid': 'duty-import-start' }}
      cancelButtonProps={{ style: result === undefined ? {} : { display: 'none' } }}
      confirmLoading={upload.isPending}
      width={680}
      destroyOnHidden
    >
      {result !== undefined ? (
        <Result
          status="success"
          title={t('duties.importDone')}
          subTitle={t('duties.importCounts', {
            created: result.created,
            revised: result.revised,
            unchanged: result.unchanged,
            v: result.listVersion,
          })}
        />
      ) : (
        <>
          <Typography.Paragraph type="secondary">{t('duties.importHint')}</Typography.Paragraph>
          <div data-testid="duty-import-upload">
            <FileDrop
              accept=".xlsx"
              file={file}
              onChoose={(chosen) => {
                setFile(chosen);
                if (chosen !== null) upload.reset();
              }}
              text={t('duties.importDrop')}
            />
          </div>
          {error !== null && <Alert type="error" showIcon style={{ marginTop: 16 }} title={errorText(error, i18n)} />}
          {rowErrors.length > 0 && (
            <Table<FieldError>
              style={{ marginTop: 12 }}
              size="small"
              rowKey={(e) => `${e.field}|${e.code}|${e.message_en}`}
              dataSource={rowErrors}
              pagination={rowErrors.length > 10 ? { pageSize: 10, size: 'small' } : false}
              columns={[
                {
                  title: t('duties.importWhere'),
                  dataIndex: 'field',
                  width: 200,
                  render: (f: string) => f.replace('.', ' · '),
                },
                {
                  title: t('duties.importProblem'),
                  key: 'message',
                  render: (_v, e) => pick({ zh: e.message_zh, en: e.message_en }),
                },
              ]}
              data-testid="duty-import-errors"
            />
          )}
        </>
      )}
    </Modal>
  );
}
