import {
  Alert,
  Card,
  Col,
  DatePicker,
  Empty,
  Flex,
  Progress,
  Row,
  Statistic,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { errorText } from '../../../shared/errors';
import { percentOf, shareOf } from '../../../shared/figures';
import { useI18n } from '../../app/i18n';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import type { OrgLevel } from '../../../api/types';
import { LEVEL_COLOR, LEVEL_LABEL } from '../orgs/levels';
import { useCoverage, type Coverage, type CoverageFigures } from './queries';
import { UnitPicker, useUnitTrail } from './UnitPicker';

type Child = Coverage['children'][number];
type Worker = Coverage['workers'][number];

const isLevel = (level: string): level is OrgLevel => level in LEVEL_LABEL;
/** The share of households visited in the month, as a percentage rounded once (app/figures.ts). */
const share = (part: number, whole: number) => percentOf(shareOf(part, whole)) ?? 0;

/** The figure columns both tables share: households, visited this month (with the share), due, overdue, never. */
function useFigureColumns<T extends CoverageFigures>(): TableColumnsType<T> {
  const { t } = useI18n();
  const count = (key: keyof CoverageFigures, title: string, danger = false) => ({
    title,
    key,
    width: 112,
    align: 'right' as const,
    sorter: (a: T, b: T) => a[key] - b[key],
    render: (_v: unknown, row: T) =>
      danger && row[key] > 0 ? <Typography.Text type="danger">{row[key]}</Typography.Text> : row[key],
  });
  return [
    count('households', t('fieldwork.households')),
    {
      title: t('fieldwork.visitedThisMonth'),
      key: 'visited',
      width: 200,
      sorter: (a, b) => share(a.visitedThisMonth, a.households) - share(b.visitedThisMonth, b.households),
      render: (_v, row) => (
        <Flex align="center" gap={8}>
          <span className="tz-nowrap" style={{ minWidth: 40, textAlign: 'right' }}>
            {row.visitedThisMonth}
          </span>
          <Progress percent={share(row.visitedThisMonth, row.households)} size="small" style={{ margin: 0, flex: 1 }} />
        </Flex>
      ),
    },
    count('due', t('fieldwork.due')),
    count('overdue', t('fieldwork.overdue'), true),
    count('neverVisited', t('fieldwork.neverVisited'), true),
  ];
}

/** 走访覆盖: households due, overdue, visited this month and never visited, per unit and per grid worker. */
export function CoveragePage() {
  const i18n = useI18n();
  const { t } = i18n;
  const trail = useUnitTrail();
  const [month, setMonth] = useState(() => dayjs().tz(DISPLAY_ZONE).startOf('month'));
  const report = useCoverage(trail.current?.id, month.format('YYYY-MM'));
  const data = report.data;
  const figureColumns = useFigureColumns<Child>();
  const workerFigureColumns = useFigureColumns<Worker>();

  const childColumns: TableColumnsType<Child> = [
    {
      title: t('fieldwork.unit'),
      key: 'unit',
      ellipsis: true,
      render: (_v, row) => (
        <span>
          {isLevel(row.unit.level) && (
            <Tag color={LEVEL_COLOR[row.unit.level]} variant="filled" style={{ fontSize: 11 }}>
              {t(LEVEL_LABEL[row.unit.level])}
            </Tag>
          )}
          <Typography.Link>{row.unit.name}</Typography.Link>
        </span>
      ),
    },
    ...figureColumns,
  ];
  const workerColumns: TableColumnsType<Worker> = [
    { title: t('fieldwork.worker'), dataIndex: 'name', ellipsis: true },
    ...workerFigureColumns,
  ];

  return (
    <Flex vertical gap={16} data-testid="coverage-page">
      <Card
        title={t('nav.fieldworkCoverage')}
        extra={
          <DatePicker
            picker="month"
            value={month}
            allowClear={false}
            disabledDate={(d) => d.isAfter(dayjs().endOf('month'))}
            onChange={(d) => {
              if (d !== null) setMonth(d);
            }}
            data-testid="coverage-month"
          />
        }
        styles={{ body: { paddingBottom: 12 } }}
      >
        <UnitPicker trail={trail} testId="coverage-org" />
      </Card>
      {report.error !== null && <Alert type="error" showIcon title={errorText(report.error, i18n)} />}
      {trail.current === undefined && <Empty description={t('fieldwork.noScope')} />}
      {data !== undefined && (
        <>
          <Row gutter={[16, 16]} data-testid="coverage-totals">
            <Col xs={12} md={6}>
              <Card size="small">
                <Statistic title={t('fieldwork.households')} value={data.households} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card size="small">
                <Statistic
                  title={t('fieldwork.visitedThisMonthOf', { month: month.format(i18n.lang === 'zh' ? 'M月' : 'MMM') })}
                  value={data.visitedThisMonth}
                  suffix={
                    <span style={{ fontSize: 14, color: '#8c8c8c' }}>
                      {share(data.visitedThisMonth, data.households)}%
                    </span>
                  }
                  styles={{ content: { color: '#389e0d' } }}
                />
              </Card>
            </Col>
            <Col xs={12} md={4}>
              <Card size="small">
                <Statistic title={t('fieldwork.due')} value={data.due} styles={{ content: { color: '#d48806' } }} />
              </Card>
            </Col>
            <Col xs={12} md={4}>
              <Card size="small">
                <Statistic
                  title={t('fieldwork.overdue')}
                  value={data.overdue}
                  styles={{ content: data.overdue > 0 ? { color: '#cf1322' } : {} }}
                />
              </Card>
            </Col>
            <Col xs={12} md={4}>
              <Card size="small">
                <Statistic
                  title={t('fieldwork.neverVisited')}
                  value={data.neverVisited}
                  styles={{ content: data.neverVisited > 0 ? { color: '#d46b08' } : {} }}
                />
              </Card>
            </Col>
          </Row>
          <Typography.Text type="secondary">{t('fieldwork.definitions')}</Typography.Text>
          {data.children.length > 0 && (
            <Card
              size="small"
              title={t('fieldwork.byUnit')}
              extra={<Typography.Text type="secondary">{t('fieldwork.drillHint')}</Typography.Text>}
              loading={report.isFetching && report.isPlaceholderData}
            >
              <Table<Child>
                rowKey={(row) => row.unit.id}
                size="small"
                tableLayout="fixed"
                columns={childColumns}
                dataSource={data.children}
                pagination={false}
                onRow={(row) => ({
                  onClick: () => trail.drill({ id: row.unit.id, name: row.unit.name }),
                  style: { cursor: 'pointer' },
                })}
                data-testid="coverage-children"
              />
            </Card>
          )}
          <Card size="small" title={t('fieldwork.byWorker')}>
            <Table<Worker>
              rowKey="userId"
              size="small"
              tableLayout="fixed"
              columns={workerColumns}
              dataSource={data.workers}
              pagination={data.workers.length > 20 ? { pageSize: 20, size: 'small' } : false}
              locale={{ emptyText: t('fieldwork.noWorkers') }}
              data-testid="coverage-workers"
            />
          </Card>
        </>
      )}
    </Flex>
  );
}
