import { formatPercent } from '../../../shared/figures';
import { QuestionCircleOutlined } from '@ant-design/icons';
import {
  Alert,
  Breadcrumb,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Flex,
  Popover,
  Row,
  Statistic,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import type { OrgLevel, Rates, RatesReport } from '../../../api/types';
import { useAuth } from '../../../shared/auth';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { LEVEL_COLOR, LEVEL_LABEL } from '../orgs/levels';
import { OrgUnitSelect } from '../orgs/OrgUnitSelect';
import { useCaseRates } from './queries';
import { RATE_COLORS, RatesChart } from './RatesChart';

type Period = [dayjs.Dayjs, dayjs.Dayjs];
type Child = RatesReport['children'][number];
type ByItem = RatesReport['byItem'][number];

/** A rate as a percentage with one decimal; "—" when nothing was there to count (app/figures.ts, as everywhere). */
export const formatRate = formatPercent;
const formatHours = (hours: number | null, unit: string) => (hours === null ? '—' : `${hours} ${unit}`);
const isLevel = (level: string): level is OrgLevel => level in LEVEL_LABEL;

/** Periods a user picks most, as calendar days in China Standard Time. */
function presetPeriods() {
  const now = dayjs().tz(DISPLAY_ZONE);
  const quarterStart = now.startOf('month').subtract(now.month() % 3, 'month');
  return {
    year: [now.startOf('year'), now.endOf('year')] as Period,
    quarter: [quarterStart, quarterStart.add(2, 'month').endOf('month')] as Period,
    month: [now.startOf('month'), now.endOf('month')] as Period,
    last30: [now.subtract(29, 'day'), now] as Period,
  };
}

/** The definitions of the three rates, as the server computes them. */
function RatesHelp() {
  const { t } = useI18n();
  const content = (
    <Flex vertical gap={8} style={{ maxWidth: 420 }}>
      <Typography.Text>
        <b>{t('rates.response')}</b> = {t('rates.responseDefinition')}
      </Typography.Text>
      <Typography.Text>
        <b>{t('rates.resolution')}</b> = {t('rates.resolutionDefinition')}
      </Typography.Text>
      <Typography.Text>
        <b>{t('rates.satisfaction')}</b> = {t('rates.satisfactionDefinition')}
      </Typography.Text>
      <Typography.Text type="secondary">{t('rates.periodDefinition')}</Typography.Text>
      <Typography.Text type="secondary">{t('rates.groupingDefinition')}</Typography.Text>
    </Flex>
  );
  return (
    <Popover title={t('rates.definitions')} content={content} trigger="click" placement="bottomRight">
      <Button type="link" icon={<QuestionCircleOutlined />} data-testid="rates-help">
        {t('rates.definitions')}
      </Button>
    </Popover>
  );
}

function RateCard({
  title,
  rate,
  color,
  detail,
}: {
  title: string;
  rate: number | null;
  color: string;
  detail: string;
}) {
  return (
    <Card size="small">
      <Statistic title={title} value={formatRate(rate)} styles={{ content: { color, fontSize: 36 } }} />
      <Typography.Text type="secondary">{detail}</Typography.Text>
    </Card>
  );
}

function Totals({ total }: { total: Rates }) {
  const { t } = useI18n();
  const hoursUnit = t('rates.hours');
  return (
    <Row gutter={[16, 16]} data-testid="rates-totals">
      <Col xs={24} md={8}>
        <RateCard
          title={t('rates.response')}
          rate={total.responseRate}
          color={RATE_COLORS.response}
          detail={t('rates.responseCounts', { n: total.acceptedOnTime, d: total.received })}
        />
      </Col>
      <Col xs={24} md={8}>
        <RateCard
          title={t('rates.resolution')}
          rate={total.resolutionRate}
          color={RATE_COLORS.resolution}
          detail={t('rates.resolutionCounts', { n: total.solved, d: total.closed })}
        />
      </Col>
      <Col xs={24} md={8}>
        <RateCard
          title={t('rates.satisfaction')}
          rate={total.satisfactionRate}
          color={RATE_COLORS.satisfaction}
          detail={t('rates.satisfactionCounts', { n: total.satisfied, d: total.rated })}
        />
      </Col>
      <Col span={24}>
        <Card size="small">
          <Flex gap={48} wrap>
            <Statistic title={t('rates.received')} value={total.received} />
            <Statistic title={t('rates.meanAccept')} value={formatHours(total.meanAcceptHours, hoursUnit)} />
            <Statistic title={t('rates.meanResolve')} value={formatHours(total.meanResolveHours, hoursUnit)} />
            <Statistic
              title={t('rates.overdueNow')}
              value={total.overdueNow}
              styles={{ content: total.overdueNow > 0 ? { color: '#cf1322' } : {} }}
            />
            <Statistic title={t('rates.everOverdue')} value={total.everOverdue} />
          </Flex>
        </Card>
      </Col>
    </Row>
  );
}

/** The columns every rates table shares: counts and the three rates. */
function useRateColumns<T extends { rates: Rates }>(): TableColumnsType<T> {
  const { t } = useI18n();
  const rate = (pick: (r: Rates) => number | null, title: string, key: string) => ({
    title,
    key,
    width: 124,
    align: 'right' as const,
    sorter: (a: T, b: T) => (pick(a.rates) ?? -1) - (pick(b.rates) ?? -1),
    render: (_v: unknown, row: T) => formatRate(pick(row.rates)),
  });
  return [
    {
      title: t('rates.received'),
      key: 'received',
      width: 100,
      align: 'right',
      sorter: (a, b) => a.rates.received - b.rates.received,
      render: (_v, row) => row.rates.received,
    },
    rate((r) => r.responseRate, t('rates.response'), 'response'),
    rate((r) => r.resolutionRate, t('rates.resolution'), 'resolution'),
    rate((r) => r.satisfactionRate, t('rates.satisfaction'), 'satisfaction'),
    {
      title: t('rates.overdueNow'),
      key: 'overdue',
      width: 112,
      align: 'right',
      sorter: (a, b) => a.rates.overdueNow - b.rates.overdueNow,
      render: (_v, row) =>
        row.rates.overdueNow > 0 ? <Typography.Text type="danger">{row.rates.overdueNow}</Typography.Text> : 0,
    },
  ];
}

/** 三率统计: a unit's response, resolution and satisfaction rates over a period, with drill-down. */
export function RatesPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { me } = useAuth();
  const first = me?.assignments[0];
  const [trail, setTrail] = useState<{ id: string; name: string }[]>(
    first === undefined ? [] : [{ id: first.orgId, name: first.orgName }],
  );
  const [period, setPeriod] = useState<Period>(() => presetPeriods().year);
  const current = trail[trail.length - 1];
  const report = useCaseRates(
    current === undefined
      ? undefined
      : { orgId: current.id, from: period[0].format('YYYY-MM-DD'), to: period[1].format('YYYY-MM-DD') },
  );
  const data = report.data;
  const rateColumns = useRateColumns<Child>();
  const itemRateColumns = useRateColumns<ByItem>();

  const childColumns: TableColumnsType<Child> = [
    {
      title: t('rates.unit'),
      dataIndex: 'name',
      ellipsis: true,
      render: (name: string, row) => (
        <span>
          {isLevel(row.level) && (
            <Tag color={LEVEL_COLOR[row.level]} variant="filled" style={{ fontSize: 11 }}>
              {t(LEVEL_LABEL[row.level])}
            </Tag>
          )}
          <Typography.Link>{name}</Typography.Link>
        </span>
      ),
    },
    ...rateColumns,
  ];
  const itemColumns: TableColumnsType<ByItem> = [
    { title: t('duties.code'), dataIndex: 'code', width: 90, className: 'tz-mono' },
    { title: t('duties.name'), dataIndex: 'name', ellipsis: true },
    ...itemRateColumns,
  ];

  const chartRows = data === undefined ? [] : data.children.length > 0 ? data.children : data.byItem.slice(0, 12);
  return (
    <Flex vertical gap={16}>
      <Card title={t('rates.titleByHandler')} extra={<RatesHelp />} styles={{ body: { paddingBottom: 12 } }}>
        <Flex gap={12} wrap align="center">
          <OrgUnitSelect
            placeholder={t('rates.pickUnit')}
            style={{ width: 300 }}
            value={undefined}
            onChange={(id, unit) => {
              if (id !== undefined) setTrail([{ id, name: unit?.name ?? '' }]);
            }}
            data-testid="rates-org"
          />
          <DatePicker.RangePicker
            value={period}
            allowClear={false}
            onChange={(range) => {
              if (range?.[0] && range[1]) setPeriod([range[0], range[1]]);
            }}
            presets={Object.entries(presetPeriods()).map(([key, value]) => ({
              label: t(`rates.preset.${key as keyof ReturnType<typeof presetPeriods>}`),
              value,
            }))}
            data-testid="rates-period"
          />
        </Flex>
        <Breadcrumb
          style={{ marginTop: 12 }}
          data-testid="rates-breadcrumb"
          items={trail.map((unit, i) => {
            const name = i === trail.length - 1 ? (data?.org.name ?? unit.name) : unit.name;
            return i === trail.length - 1
              ? { title: <Typography.Text strong>{name}</Typography.Text> }
              : { title: <Typography.Link onClick={() => setTrail(trail.slice(0, i + 1))}>{name}</Typography.Link> };
          })}
        />
      </Card>
      {report.error !== null && <Alert type="error" showIcon title={errorText(report.error, i18n)} />}
      {current === undefined && <Empty description={t('rates.noScope')} />}
      {data !== undefined && (
        <>
          <Totals total={data.total} />
          <Card
            size="small"
            title={data.children.length > 0 ? t('rates.chartByUnit') : t('rates.chartByItem')}
            loading={report.isFetching && report.isPlaceholderData}
          >
            {chartRows.length === 0 ? <Empty description={t('rates.noCases')} /> : <RatesChart rows={chartRows} />}
          </Card>
          {data.children.length > 0 && (
            <Card
              size="small"
              title={t('rates.byUnit')}
              extra={<Typography.Text type="secondary">{t('rates.drillHint')}</Typography.Text>}
            >
              <Table<Child>
                rowKey="id"
                size="small"
                tableLayout="fixed"
                columns={childColumns}
                dataSource={data.children}
                pagination={false}
                onRow={(row) => ({
                  onClick: () =>
                    // the crumb being left takes the unit's short name from the report
                    setTrail([...trail.slice(0, -1), { id: data.org.id, name: data.org.name }, row]),
                  style: { cursor: 'pointer' },
                })}
                data-testid="rates-children"
              />
            </Card>
          )}
          <Card size="small" title={t('rates.byItem')}>
            <Table<ByItem>
              rowKey="code"
              size="small"
              tableLayout="fixed"
              columns={itemColumns}
              dataSource={data.byItem}
              pagination={data.byItem.length > 20 ? { pageSize: 20, size: 'small' } : false}
              data-testid="rates-items"
            />
          </Card>
        </>
      )}
    </Flex>
  );
}
