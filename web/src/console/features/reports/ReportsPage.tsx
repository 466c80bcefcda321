import { ImportOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Drawer, Flex, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { useAuth } from '../../../shared/auth';
import { useI18n } from '../../app/i18n';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { levelName } from '../insights/charts';
import type { ReportSummary, TemplateSummary } from './api';
import { GenerateModal } from './GenerateModal';
import { ImportTemplateModal } from './ImportTemplateModal';
import { useCopyTemplate, useReportHistory, useTemplates } from './queries';
import { ReportResult } from './ReportResult';

const when = (iso: string) => dayjs(iso).tz(DISPLAY_ZONE).format('YYYY-MM-DD HH:mm');

function TemplateList() {
  const { t } = useI18n();
  const { can } = useAuth();
  const navigate = useNavigate();
  // another unit's template is copied into one of ours, then opened for editing
  const copy = useCopyTemplate();
  const templates = useTemplates();
  const [generating, setGenerating] = useState<TemplateSummary | null>(null);
  const [isImportOpen, setImportOpen] = useState(false);
  const canEdit = can('report.template');
  const canGenerate = can('report.generate');

  const columns: TableColumnsType<TemplateSummary> = [
    {
      title: t('reports.name'),
      dataIndex: 'name',
      render: (name: string, row) => (
        <Flex vertical>
          <Typography.Text strong>{name}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {row.title}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('reports.rows'),
      key: 'rows',
      width: 160,
      render: (_v, row) =>
        row.rowKind === 'roster' ? (
          <Tag color="purple">{t('reports.rowKind.roster')}</Tag>
        ) : (
          <Tag color="blue">{t('reports.byLevel', { level: levelName(t, row.rowLevel ?? '') })}</Tag>
        ),
    },
    {
      title: t('reports.owner'),
      dataIndex: 'ownerName',
      width: 160,
      render: (name: string | null, row) => name ?? (row.isOwned ? '—' : t('reports.otherUnit')),
    },
    { title: t('reports.columnCount'), dataIndex: 'columnCount', width: 90, align: 'right' },
    { title: t('reports.version'), dataIndex: 'version', width: 80, align: 'right', render: (v: number) => `v${v}` },
    { title: t('reports.updatedAt'), dataIndex: 'updatedAt', width: 160, render: when },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 220,
      render: (_v, row) => (
        <Flex gap={4}>
          {canGenerate && (
            <Button size="small" type="primary" onClick={() => setGenerating(row)} data-testid={`generate-${row.name}`}>
              {t('reports.generate')}
            </Button>
          )}
          {canEdit && row.isOwned && (
            <Button size="small" onClick={() => void navigate(`/reports/templates/${row.id}`)}>
              {t('reports.edit')}
            </Button>
          )}
          {canEdit && (
            <Button
              size="small"
              loading={copy.isPending && copy.variables === row.id}
              onClick={() => copy.mutate(row.id)}
              data-testid={`copy-${row.name}`}
            >
              {t('reports.copy')}
            </Button>
          )}
        </Flex>
      ),
    },
  ];

  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">{t('reports.intro')}</Typography.Text>
        {canEdit && (
          <Flex gap={8}>
            <Button icon={<ImportOutlined />} onClick={() => setImportOpen(true)} data-testid="template-import">
              {t('reports.importJson')}
            </Button>
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => void navigate('/reports/templates/new')}
              data-testid="template-new"
            >
              {t('reports.newTemplate')}
            </Button>
          </Flex>
        )}
      </Flex>
      <Table<TemplateSummary>
        rowKey="id"
        size="small"
        loading={templates.isPending}
        columns={columns}
        dataSource={templates.data ?? []}
        pagination={false}
        data-testid="template-list"
      />
      <GenerateModal template={generating} onClose={() => setGenerating(null)} />
      <ImportTemplateModal isOpen={isImportOpen} onClose={() => setImportOpen(false)} />
    </>
  );
}

function ReportHistory() {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const history = useReportHistory({ page });
  const [shown, setShown] = useState<ReportSummary | null>(null);
  const columns: TableColumnsType<ReportSummary> = [
    { title: t('reports.template'), dataIndex: 'templateName', ellipsis: true },
    { title: t('reports.org'), dataIndex: 'orgName', ellipsis: true },
    { title: t('reports.period'), dataIndex: 'period', width: 100 },
    {
      title: t('reports.filledCells'),
      dataIndex: 'filledCells',
      width: 110,
      align: 'right',
      render: (n: number) => <Typography.Text type="success">{n}</Typography.Text>,
    },
    {
      title: t('reports.typedCells'),
      dataIndex: 'typedCells',
      width: 110,
      align: 'right',
      render: (n: number) => (n > 0 ? <Typography.Text type="warning">{n}</Typography.Text> : 0),
    },
    { title: t('reports.createdAt'), dataIndex: 'createdAt', width: 160, render: when },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      render: (_v, row) => (
        <Button size="small" type="link" onClick={() => setShown(row)}>
          {t('reports.view')}
        </Button>
      ),
    },
  ];
  return (
    <>
      <Table<ReportSummary>
        rowKey="id"
        size="small"
        loading={history.isPending}
        columns={columns}
        dataSource={history.data?.items ?? []}
        pagination={{ current: page, pageSize: 20, total: history.data?.total ?? 0, onChange: setPage, size: 'small' }}
        data-testid="report-history"
      />
      <Drawer
        title={shown?.templateName}
        open={shown !== null}
        onClose={() => setShown(null)}
        size="large"
        destroyOnHidden
      >
        {shown && <ReportResult reportId={shown.id} />}
      </Drawer>
    </>
  );
}

/** 一表通: report templates and the reports generated from them. */
export function ReportsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'history' ? 'history' : 'templates';
  return (
    <Card title={t('nav.reports')}>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === 'templates' ? {} : { tab: key }, { replace: true })}
        items={[
          { key: 'templates', label: t('reports.templates'), children: <TemplateList /> },
          { key: 'history', label: t('reports.history'), children: <ReportHistory /> },
        ]}
      />
    </Card>
  );
}
