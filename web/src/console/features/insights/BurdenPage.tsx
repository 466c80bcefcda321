import { Alert, Card, Col, DatePicker, Empty, Flex, Row, Statistic, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { OrgUnitSelect } from '../orgs/OrgUnitSelect';
import { useOrgUnit } from '../orgs/queries';
import type { BurdenLedger, BurdenTotals } from './api';
import { BURDEN_COLUMNS, type BurdenRow, burdenColumns, generatedShare, hoursOf } from './burden-columns';
import { formatShare, levelColor, levelName, PALETTE } from './charts';
import { EChart, type ChartOption } from './EChart';
import { useInsightsOrg } from './InsightsPage';
import { useBurden } from './queries';
import { SentBurdenCard } from '../tasks/burden';

type Range = [dayjs.Dayjs, dayjs.Dayjs];

/** Tasks that reached the community and those turned away, meetings, and how many report cells nobody had to type. */
function ledgerOption(tr: ReturnType<typeof useI18n>['t'], months: BurdenLedger['months']): ChartOption {
  const bar = (name: string, color: string, stack: string, pick: (m: BurdenTotals) => number, yAxisIndex = 0) => ({
    type: 'bar' as const,
    name,
    stack,
    barMaxWidth: 26,
    yAxisIndex,
    itemStyle: { color },
    data: months.map(pick),
  });
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 48, right: 56, top: 40, bottom: 28 },
    xAxis: { type: 'category', data: months.map((m) => m.month) },
    yAxis: [
      { type: 'value', name: tr('burden.tasks'), minInterval: 1 },
      { type: 'value', name: tr('burden.cells'), splitLine: { show: false } },
    ],
    series: [
      bar(tr('burden.tasksAdmitted'), PALETTE.resolved, 'tasks', (m) => m.tasksAdmitted),
      bar(tr('burden.tasksRefused'), PALETTE.overdue, 'tasks', (m) => m.tasksRefused),
      {
        type: 'line',
        name: tr('burden.meetings'),
        itemStyle: { color: PALETTE.visits },
        data: months.map((m) => m.meetings),
      },
      bar(tr('burden.cellsGenerated'), '#91caff', 'cells', (m) => m.cellsGenerated, 1),
      bar(tr('burden.cellsTyped'), PALETTE.added, 'cells', (m) => m.cellsTyped, 1),
    ],
  };
}

/** 减负台账: per community and month, what was sent down, what was refused, and the typing the platform saved. */
export function BurdenPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const orgId = useInsightsOrg();
  const unit = useOrgUnit(orgId);
  const [range, setRange] = useState<Range>(() => {
    const now = dayjs().tz(DISPLAY_ZONE);
    return [now.subtract(11, 'month').startOf('month'), now.startOf('month')];
  });
  const burden = useBurden(orgId, { from: range[0].format('YYYY-MM'), to: range[1].format('YYYY-MM') });
  const data = burden.data;
  const option = useMemo(() => ledgerOption(t, data?.months ?? []), [t, data]);
  const total = data?.totals;

  const columns = burdenColumns(t, {
    unitTitle: t('insights.unit'),
    renderUnit: (row) => <Typography.Link>{row.unit.name}</Typography.Link>,
  });
  const senderColumns = burdenColumns(t, {
    unitTitle: t('burden.sender'),
    columns: BURDEN_COLUMNS.filter((c) => c !== 'generatedShare'),
  });

  return (
    <Flex vertical gap={16}>
      <Card title={t('nav.burden')} extra={<Typography.Text type="secondary">{t('burden.intro')}</Typography.Text>}>
        <Flex gap={12} wrap align="center">
          <OrgUnitSelect
            key={orgId}
            placeholder={t('insights.pickUnit')}
            style={{ width: 320 }}
            value={undefined}
            onChange={(id) => {
              if (id !== undefined) void navigate(`/burden/${id}`);
            }}
            data-testid="burden-org"
          />
          {unit.data !== undefined && (
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="burden-unit">
              {unit.data.name}
              <Tag color={levelColor(unit.data.level)} variant="filled" style={{ marginInlineStart: 8 }}>
                {levelName(t, unit.data.level)}
              </Tag>
            </Typography.Title>
          )}
          <DatePicker.RangePicker
            picker="month"
            value={range}
            allowClear={false}
            onChange={(next) => {
              if (next?.[0] && next[1]) setRange([next[0], next[1]]);
            }}
          />
        </Flex>
      </Card>
      {burden.error !== null && <Alert type="error" showIcon title={errorText(burden.error, i18n)} />}
      {orgId === undefined && <Empty description={t('insights.noScope')} />}
      {data !== undefined && total !== undefined && (
        <>
          <Row gutter={[16, 16]} data-testid="burden-totals">
            {(
              [
                ['tasksReceived', total.tasksReceived, undefined],
                ['tasksRefused', total.tasksRefused, PALETTE.overdue],
                ['tasksAdmitted', total.tasksAdmitted, PALETTE.resolved],
                ['meetings', total.meetings, undefined],
                ['meetingsAttended', total.meetingsAttended, undefined],
                ['meetingHours', hoursOf(total.meetingMinutes), undefined],
                ['councilMeetings', total.councilMeetings, PALETTE.resolved],
                ['documents', total.documents, undefined],
                ['reportsAnswered', total.reportsAnswered, undefined],
                ['tasksOverdue', total.tasksOverdue, PALETTE.overdue],
              ] as const
            ).map(([key, value, color]) => (
              <Col key={key} xs={12} md={8} xl={4}>
                <Card size="small" style={{ height: '100%' }} data-testid={`burden-${key}`} data-value={value}>
                  <Statistic title={t(`burden.${key}`)} value={value} styles={{ content: color ? { color } : {} }} />
                </Card>
              </Col>
            ))}
            <Col xs={12} md={8} xl={4}>
              <Card size="small" style={{ height: '100%' }} data-testid="burden-share">
                <Statistic
                  title={t('burden.generatedShare')}
                  value={formatShare(generatedShare(total))}
                  styles={{ content: { color: '#0958d9' } }}
                />
                <Typography.Text type="secondary">
                  {t('burden.cellsSplit', { generated: total.cellsGenerated, typed: total.cellsTyped })}
                </Typography.Text>
              </Card>
            </Col>
          </Row>
          <Card size="small" title={t('burden.trend')}>
            {data.months.length === 0 ? <Empty /> : <EChart option={option} height={360} data-testid="burden-chart" />}
          </Card>
          {data.senders.length > 0 && (
            <Card size="small" title={t('burden.bySender')}>
              <Table<BurdenRow>
                rowKey={(row) => row.unit.id}
                size="small"
                tableLayout="fixed"
                columns={senderColumns}
                dataSource={data.senders}
                pagination={false}
                onRow={(row) =>
                  ({
                    'data-sender': row.unit.name,
                    'data-meetings': row.meetings,
                    'data-documents': row.documents,
                    'data-forms': row.reportsAnswered,
                  }) as object
                }
                data-testid="burden-senders"
              />
            </Card>
          )}
          <SentBurdenCard rows={data.sent} />
          {data.children.length > 0 && (
            <Card size="small" title={t('burden.byUnit')}>
              <Table<BurdenRow>
                rowKey={(row) => row.unit.id}
                size="small"
                tableLayout="fixed"
                columns={columns}
                dataSource={data.children}
                pagination={false}
                onRow={(row) =>
                  ({
                    onClick: () => void navigate(`/burden/${row.unit.id}`),
                    style: { cursor: 'pointer' },
                    'data-unit': row.unit.name,
                    'data-meetings-attended': row.meetingsAttended,
                    'data-documents': row.documents,
                    'data-forms': row.reportsAnswered,
                  }) as object
                }
                data-testid="burden-children"
              />
            </Card>
          )}
        </>
      )}
    </Flex>
  );
}
