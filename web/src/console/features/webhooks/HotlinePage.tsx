import { FileDrop } from '../../app/FileDrop';
import { DownloadOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Card, DatePicker, Result, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { ApiError, downloadFile, sendRaw, type FieldError } from '../../../api/client';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';

interface ImportResult {
  created: number;
  existing: number;
}

/** 12345 工单: tickets in from the hotline's .xlsx, and their outcome back out in the same format. */
export function HotlinePage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [file, setFile] = useState<File | null>(null);
  const [period, setPeriod] = useState<[Dayjs, Dayjs]>([dayjs().startOf('month'), dayjs()]);

  const upload = useMutation({
    mutationFn: async (chosen: File) => {
      const body = new FormData();
      body.set('file', chosen, chosen.name);
      const response = await sendRaw('/api/v1/cases/hotline-imports', { method: 'POST', body });
      return (await response.json()) as ImportResult;
    },
  });
  const exportFile = useMutation({
    mutationFn: () => {
      const [from, to] = period.map((d) => d.format('YYYY-MM-DD'));
      return downloadFile(
        `/api/v1/cases/hotline-exports?from=${from}&to=${to}`,
        `${t('hotline.exportName')}_${from}_${to}.xlsx`,
      );
    },
    onError: (error) => void message.error(errorText(error, i18n)),
  });

  const error = upload.error;
  const rowErrors = error instanceof ApiError ? error.errors.filter((e) => e.field !== 'file') : [];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Alert type="info" showIcon title={t('hotline.intro')} />
      <Card title={t('hotline.export')}>
        <Space wrap>
          <Typography.Text>{t('hotline.period')}</Typography.Text>
          <DatePicker.RangePicker
            value={period}
            allowClear={false}
            onChange={(v) => {
              if (v?.[0] && v[1]) setPeriod([v[0], v[1]]);
            }}
          />
          <Button
            type="primary"
            icon={<DownloadOutlined />}
            loading={exportFile.isPending}
            onClick={() => exportFile.mutate()}
            data-testid="hotline-export"
          >
            {t('hotline.export')}
          </Button>
        </Space>
      </Card>
      <Card title={t('hotline.import')}>
        {upload.data !== undefined ? (
          <Result
            status="success"
            title={t('hotline.importDone', { created: upload.data.created, existing: upload.data.existing })}
            extra={
              <Button
                onClick={() => {
                  setFile(null);
                  upload.reset();
                }}
              >
                {t('hotline.import')}
              </Button>
            }
          />
        ) : (
          <>
            <FileDrop
              accept=".xlsx"
              file={file}
              onChoose={(chosen) => {
                setFile(chosen);
                if (chosen !== null) upload.reset();
              }}
              text={t('hotline.importDrop')}
            />
            <Button
              type="primary"
              style={{ marginTop: 12 }}
              disabled={file === null}
              loading={upload.isPending}
              onClick={() => file !== null && upload.mutate(file)}
            >
              {t('hotline.importStart')}
            </Button>
            {error !== null && <Alert type="error" showIcon style={{ marginTop: 16 }} title={errorText(error, i18n)} />}
            {rowErrors.length > 0 && (
              <Table<FieldError>
                style={{ marginTop: 12 }}
                size="small"
                rowKey={(e) => `${e.field}|${e.code}|${e.message_en}`}
                dataSource={rowErrors}
                pagination={rowErrors.length > 10 ? { pageSize: 10, size: 'small' } : false}
                columns={[
                  { title: t('hotline.importWhere'), dataIndex: 'field', width: 220 },
                  {
                    title: t('hotline.importProblem'),
                    key: 'message',
                    render: (_v, e) => i18n.pick({ zh: e.message_zh, en: e.message_en }),
                  },
                ]}
              />
            )}
          </>
        )}
      </Card>
    </Space>
  );
}
