import { Card, Table, Tag, Typography, type TableColumnsType } from 'antd';
import type { ImportJob } from '../../../api/types';
import { useI18n } from '../../app/i18n';
import type { MessageKey } from '../../app/messages';
import { formatTime } from '../../../shared/time';
import { useImportJobs } from './queries';

const STATUS: Record<ImportJob['status'], { label: MessageKey; color: string }> = {
  queued: { label: 'import.status.queued', color: 'default' },
  running: { label: 'import.status.running', color: 'processing' },
  succeeded: { label: 'import.status.succeeded', color: 'success' },
  failed: { label: 'import.status.failed', color: 'error' },
};

/** The latest imports in scope, each reopening its progress or summary. */
export function RecentImports({ currentId, onOpen }: { currentId: string | undefined; onOpen: (id: string) => void }) {
  const { t } = useI18n();
  const jobs = useImportJobs();
  const columns: TableColumnsType<ImportJob> = [
    {
      title: t('import.file'),
      dataIndex: 'fileName',
      ellipsis: { showTitle: true },
      render: (name: string, job) =>
        job.id === currentId ? name : <Typography.Link onClick={() => onOpen(job.id)}>{name}</Typography.Link>,
    },
    { title: t('import.startedAt'), dataIndex: 'createdAt', width: 170, render: (at: string) => formatTime(at) },
    {
      title: t('import.statusTitle'),
      dataIndex: 'status',
      width: 100,
      render: (status: ImportJob['status']) => <Tag color={STATUS[status].color}>{t(STATUS[status].label)}</Tag>,
    },
    { title: t('import.count.rows'), dataIndex: 'rowsTotal', width: 80, align: 'right' },
    { title: t('import.count.imported'), dataIndex: 'imported', width: 80, align: 'right' },
    { title: t('import.count.updated'), dataIndex: 'updated', width: 80, align: 'right' },
    { title: t('import.count.skipped'), dataIndex: 'skipped', width: 80, align: 'right' },
    {
      title: t('import.count.rejected'),
      dataIndex: 'rejected',
      width: 80,
      align: 'right',
      render: (n: number) => (n > 0 ? <Typography.Text type="danger">{n}</Typography.Text> : n),
    },
  ];
  return (
    <Card title={t('import.recent')} style={{ marginTop: 16 }} size="small">
      <Table<ImportJob>
        rowKey="id"
        size="small"
        tableLayout="fixed"
        columns={columns}
        dataSource={jobs.data ?? []}
        loading={jobs.isFetching}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        rowClassName={(job) => (job.id === currentId ? 'tz-row-current' : '')}
        data-testid="recent-imports"
      />
    </Card>
  );
}
