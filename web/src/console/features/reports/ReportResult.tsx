import { DownloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Flex, Progress, Statistic, Table, Typography } from 'antd';
import { useState } from 'react';
import { downloadFile } from '../../../api/client';
import { errorText } from '../../../shared/errors';
import { percentOf, shareOf } from '../../../shared/figures';
import { useI18n } from '../../app/i18n';
import { useReport } from './queries';

/** Downloads the .xlsx of a generated report. */
export function DownloadReportButton({ reportId, name }: { reportId: string; name: string }) {
  const i18n = useI18n();
  const { message } = App.useApp();
  const [isBusy, setBusy] = useState(false);
  return (
    <Button
      type="primary"
      icon={<DownloadOutlined />}
      loading={isBusy}
      data-testid="report-download"
      onClick={() => {
        setBusy(true);
        downloadFile(`/api/v1/reports/${encodeURIComponent(reportId)}/xlsx`, `${name}.xlsx`)
          .catch((error: unknown) => void message.error(errorText(error, i18n)))
          .finally(() => setBusy(false));
      }}
    >
      {i18n.t('reports.download')}
    </Button>
  );
}

/** How many cells the data filled and how many someone has to type: the burden the platform saved, as a number. */
export function CellCounts({ filled, typed }: { filled: number; typed: number }) {
  const { t } = useI18n();
  const total = filled + typed;
  const percent = percentOf(shareOf(filled, total)) ?? 100;
  return (
    <Flex gap={32} align="center" wrap data-testid="report-cells" data-filled={filled} data-typed={typed}>
      <Statistic
        title={t('reports.filledCells')}
        value={filled}
        styles={{ content: { color: '#389e0d', fontSize: 32 } }}
      />
      <Statistic
        title={t('reports.typedCells')}
        value={typed}
        styles={{ content: { color: typed > 0 ? '#d46b08' : '#8c8c8c', fontSize: 32 } }}
      />
      <Flex vertical style={{ minWidth: 220, flex: 1 }}>
        <Typography.Text type="secondary">{t('reports.generatedShare')}</Typography.Text>
        <Progress percent={percent} strokeColor="#52c41a" />
      </Flex>
    </Flex>
  );
}

/** A generated report: its cell counts, the download, and the first rows as the spreadsheet shows them. */
export function ReportResult({ reportId }: { reportId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const report = useReport(reportId);
  const data = report.data;
  if (report.error !== null) return <Typography.Text type="danger">{errorText(report.error, i18n)}</Typography.Text>;
  if (data === undefined) return <Card loading size="small" />;
  const preview = data.preview;
  return (
    <Flex vertical gap={16} data-testid="report-result" data-report-id={data.id}>
      <Flex justify="space-between" align="center" wrap gap={12}>
        <Flex vertical>
          <Typography.Text strong>
            {data.templateName} · {data.orgName} · {data.period}
          </Typography.Text>
          <Typography.Text type="secondary">
            {t('reports.size', { rows: data.rows, columns: data.columns })}
          </Typography.Text>
        </Flex>
        <DownloadReportButton reportId={data.id} name={`${data.templateName}-${data.orgName}-${data.period}`} />
      </Flex>
      <CellCounts filled={data.filledCells} typed={data.typedCells} />
      {preview !== undefined && (
        <Table<(string | number | null)[]>
          size="small"
          bordered
          rowKey={(_row, i) => String(i)}
          scroll={{ x: 'max-content', y: 360 }}
          pagination={preview.rows.length > 50 ? { pageSize: 50, size: 'small' } : false}
          dataSource={preview.rows}
          columns={preview.header.map((title, i) => ({
            title,
            key: String(i),
            align: typeof preview.rows[0]?.[i] === 'number' ? 'right' : 'left',
            render: (_v: unknown, row: (string | number | null)[]) => {
              const cell = row[i];
              return (cell === null || cell === undefined) && data.typedCells > 0 ? (
                <Typography.Text type="warning">{t('reports.toType')}</Typography.Text>
              ) : (
                cell
              );
            },
          }))}
          summary={() => (
            <Table.Summary fixed>
              <Table.Summary.Row>
                {preview.header.map((_h, i) => (
                  <Table.Summary.Cell
                    key={i}
                    index={i}
                    align={typeof preview.totals[i] === 'number' ? 'right' : 'left'}
                  >
                    <b>{preview.totals[i] ?? ''}</b>
                  </Table.Summary.Cell>
                ))}
              </Table.Summary.Row>
            </Table.Summary>
          )}
          data-testid="report-preview"
        />
      )}
    </Flex>
  );
}
