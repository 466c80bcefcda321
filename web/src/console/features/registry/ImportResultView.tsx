import { DownloadOutlined, ReloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Result, Row, Statistic } from 'antd';
import { downloadFile } from '../../../api/client';
import type { ImportJob } from '../../../api/types';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { formatTime } from '../../../shared/time';

/** Step 4: what the import did, and the report of rejected rows to fix them from. */
export function ImportResultView({ job, onAgain, onNew }: { job: ImportJob; onAgain: () => void; onNew: () => void }) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const { message } = App.useApp();
  const isSuccess = job.status === 'succeeded';
  const isRolledBack = job.status === 'failed' && job.mode === 'all-or-nothing' && job.rejected > 0;

  const report = useMutation({
    mutationFn: () =>
      downloadFile(`/api/v1/residents/imports/${encodeURIComponent(job.id)}/report`, `${t('import.reportName')}.xlsx`),
    onError: (error) => void message.error(errorText(error, i18n)),
  });

  const subTitle = isSuccess
    ? t('import.succeededHint', { total: job.rowsTotal, at: formatTime(job.finishedAt) })
    : isRolledBack
      ? t('import.rolledBackHint', { n: job.rejected })
      : job.error !== null
        ? pick({ zh: job.error.message_zh, en: job.error.message_en })
        : t('import.failedHint');

  return (
    <div data-testid="import-result" data-status={job.status}>
      <Result
        status={isSuccess ? (job.rejected > 0 ? 'warning' : 'success') : 'error'}
        title={isSuccess ? t('import.succeeded') : t('import.failed')}
        subTitle={subTitle}
        style={{ padding: '8px 0 24px' }}
        extra={[
          job.problemCount > 0 && (
            <Button
              key="report"
              type={isSuccess ? 'default' : 'primary'}
              icon={<DownloadOutlined />}
              loading={report.isPending}
              onClick={() => report.mutate()}
              data-testid="download-report"
            >
              {t('import.downloadReport', { n: job.problemCount })}
            </Button>
          ),
          <Button key="again" icon={<UploadOutlined />} onClick={onAgain} data-testid="import-again">
            {t('import.uploadAgain')}
          </Button>,
          <Button key="new" type="text" icon={<ReloadOutlined />} onClick={onNew}>
            {t('import.newImport')}
          </Button>,
        ]}
      />
      <Row gutter={16}>
        {(
          [
            ['imported', job.imported, '#389e0d'],
            ['updated', job.updated, '#1677ff'],
            ['skipped', job.skipped, '#8c8c8c'],
            ['rejected', job.rejected, job.rejected > 0 ? '#cf1322' : '#8c8c8c'],
          ] as const
        ).map(([key, value, color]) => (
          <Col span={6} key={key}>
            <Card size="small" data-testid={`import-count-${key}`}>
              <Statistic title={t(`import.count.${key}`)} value={value} styles={{ content: { color } }} />
            </Card>
          </Col>
        ))}
      </Row>
      {isRolledBack && <Alert type="info" showIcon style={{ marginTop: 16 }} title={t('import.fixHint')} />}
    </div>
  );
}
