import { Card, Col, DatePicker, Empty, Row, Statistic, Table, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { formatPercent } from '../../../shared/figures';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { useI18n } from '../../app/i18n';
import type { InsightServices } from './api';
import { PALETTE } from './charts';
import { EChart, type ChartOption } from './EChart';
import { useInsightServices } from './queries';

type Figures = InsightServices['figures'];
type Child = InsightServices['children'][number];
type Key = Parameters<ReturnType<typeof useI18n>['t']>[0];

const yuan = (fen: number | null) => (fen === null ? '—' : (fen / 100).toFixed(2));

interface Stat {
  key: string;
  title: Key;
  value: number | string;
  note?: string;
}

type T = ReturnType<typeof useI18n>['t'];

/** The panel's service groups, in order: each a card of statistics read from the unit's figures. */
const SERVICE_GROUPS: { id: string; title: Key; stats: (f: Figures, t: T) => Stat[] }[] = [
  {
    id: 'venues',
    title: 'services.venues',
    stats: (f) => [
      { key: 'hoursUsed', title: 'services.hoursUsed', value: f.venues.hoursUsed },
      { key: 'residentShare', title: 'services.residentShare', value: formatPercent(f.venues.residentShare) },
      { key: 'peopleServed', title: 'services.peopleServed', value: f.venues.peopleServed },
      { key: 'activitiesHeld', title: 'services.activitiesHeld', value: f.venues.activitiesHeld },
      { key: 'noShows', title: 'services.noShows', value: f.venues.noShows },
    ],
  },
  {
    id: 'canteen',
    title: 'services.canteen',
    stats: (f, t) => [
      {
        key: 'mealsServed',
        title: 'services.mealsServed',
        value: f.canteen.mealsServed,
        note: t('services.lunchDinner', { lunch: f.canteen.lunchServed, dinner: f.canteen.dinnerServed }),
      },
      { key: 'delivered', title: 'services.delivered', value: f.canteen.delivered },
      {
        key: 'dinerShare',
        title: 'services.dinerShare',
        value: formatPercent(f.canteen.dinerShare),
        note: t('services.dinersOf', { diners: f.canteen.diners, elderly: f.canteen.elderly }),
      },
      { key: 'costPerMeal', title: 'services.costPerMeal', value: yuan(f.canteen.costPerMealFen) },
      { key: 'subsidy', title: 'services.subsidy', value: yuan(f.canteen.subsidyFen) },
    ],
  },
  {
    id: 'volunteering',
    title: 'services.volunteering',
    stats: (f) => [
      { key: 'volunteers', title: 'services.volunteers', value: f.volunteering.volunteers },
      { key: 'volunteerHours', title: 'services.volunteerHours', value: f.volunteering.volunteerHours },
      { key: 'pointsEarned', title: 'services.pointsEarned', value: f.volunteering.pointsEarned },
      { key: 'pointsSpent', title: 'services.pointsSpent', value: f.volunteering.pointsSpent },
      { key: 'redemptions', title: 'services.redemptions', value: f.volunteering.redemptions },
      { key: 'dualMembers', title: 'services.dualMembers', value: f.volunteering.dualMembers },
      { key: 'dualHours', title: 'services.dualHours', value: f.volunteering.dualHours },
      { key: 'projectsDone', title: 'services.projectsDone', value: f.volunteering.projectsDone },
    ],
  },
  {
    id: 'councils',
    title: 'services.councils',
    stats: (f, t) => [
      {
        key: 'topics',
        title: 'services.topics',
        value: f.councils.topics,
        note: `${t('services.residentTopics')} ${f.councils.residentTopics}`,
      },
      { key: 'meetingsHeld', title: 'services.meetingsHeld', value: f.councils.meetingsHeld },
      { key: 'decisions', title: 'services.decisions', value: f.councils.decisions },
      { key: 'progress', title: 'services.progress', value: formatPercent(f.councils.progress) },
    ],
  },
  {
    id: 'funds',
    title: 'services.funds',
    stats: (f, t) => [
      {
        key: 'income',
        title: 'services.income',
        value: yuan(f.funds.ownersFen + f.funds.subsidyFen + f.funds.companyFen),
        note: t('services.incomeSplit', {
          owners: yuan(f.funds.ownersFen),
          subsidy: yuan(f.funds.subsidyFen),
          company: yuan(f.funds.companyFen),
        }),
      },
      { key: 'spending', title: 'services.spending', value: yuan(f.funds.spendingFen) },
      { key: 'arrears', title: 'services.arrears', value: yuan(f.funds.arrearsFen) },
      { key: 'householdsBehind', title: 'services.householdsBehind', value: f.funds.householdsBehind },
    ],
  },
  {
    id: 'notices',
    title: 'services.notices',
    stats: (f) => [
      { key: 'sent', title: 'services.sent', value: f.notices.sent },
      { key: 'reached', title: 'services.reached', value: f.notices.reached },
      { key: 'readShare', title: 'services.readShare', value: formatPercent(f.notices.readShare) },
    ],
  },
];

/** One service's figures as a row of statistics. */
function Group({ id, title, stats }: { id: string; title: Key; stats: Stat[] }) {
  const { t } = useI18n();
  return (
    <Card size="small" title={t(title)} data-testid={`services-${id}`} style={{ height: '100%' }}>
      <Row gutter={[12, 12]}>
        {stats.map((s) => (
          <Col key={s.key} xs={12} md={8} data-testid={`service-${s.key}`} data-value={s.value}>
            <Statistic title={t(s.title)} value={s.value} styles={{ content: { fontSize: 22 } }} />
            {s.note !== undefined && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {s.note}
              </Typography.Text>
            )}
          </Col>
        ))}
      </Row>
    </Card>
  );
}

/** The units below side by side: room hours, meals served and volunteer hours. */
function childrenOption(t: ReturnType<typeof useI18n>['t'], items: Child[]): ChartOption {
  const series = [
    { name: t('services.hoursUsed'), color: PALETTE.residents, of: (f: Figures) => f.venues.hoursUsed },
    { name: t('services.mealsServed'), color: PALETTE.alone, of: (f: Figures) => f.canteen.mealsServed },
    {
      name: t('services.volunteerHours'),
      color: PALETTE.open,
      of: (f: Figures) => f.volunteering.volunteerHours,
    },
  ];
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 56 },
    xAxis: {
      type: 'category',
      data: items.map((c) => c.unit.name),
      axisLabel: { interval: 0, rotate: items.length > 6 ? 30 : 0, width: 96, overflow: 'truncate' },
    },
    yAxis: { type: 'value' },
    series: series.map((s) => ({
      name: s.name,
      type: 'bar',
      barMaxWidth: 18,
      itemStyle: { color: s.color },
      data: items.map((c) => s.of(c.figures)),
    })),
  };
}

/**
 * 公共服务: the figures of the resident-facing services for a unit and a month — rooms, canteen,
 * volunteering and points, councils, funds, notices — from the live counters, and the units below.
 */
export function ServicesPanel({ orgId, onDrill }: { orgId: string; onDrill: (id: string) => void }) {
  const { t } = useI18n();
  const [month, setMonth] = useState(() => dayjs().tz(DISPLAY_ZONE).format('YYYY-MM'));
  const services = useInsightServices(orgId, month);
  const data = services.data;
  const children = useMemo(() => data?.children ?? [], [data]);
  const option = useMemo(() => childrenOption(t, children), [t, children]);
  // rooms, canteens and councils sit at the community: below it (grids) the bars would all be empty
  const hasBars = children.some(
    (c) => c.figures.venues.hoursUsed + c.figures.canteen.mealsServed + c.figures.volunteering.volunteerHours > 0,
  );
  const f = data?.figures;

  const columns: TableColumnsType<Child> = [
    {
      title: t('insights.unit'),
      key: 'unit',
      ellipsis: true,
      render: (_v, row) => <Typography.Link>{row.unit.name}</Typography.Link>,
    },
    { title: t('services.hoursUsed'), key: 'h', align: 'right', render: (_v, r) => r.figures.venues.hoursUsed },
    { title: t('services.peopleServed'), key: 'p', align: 'right', render: (_v, r) => r.figures.venues.peopleServed },
    { title: t('services.mealsServed'), key: 'm', align: 'right', render: (_v, r) => r.figures.canteen.mealsServed },
    { title: t('services.volunteers'), key: 'v', align: 'right', render: (_v, r) => r.figures.volunteering.volunteers },
    {
      title: t('services.volunteerHours'),
      key: 'vh',
      align: 'right',
      render: (_v, r) => r.figures.volunteering.volunteerHours,
    },
    { title: t('services.meetingsHeld'), key: 'c', align: 'right', render: (_v, r) => r.figures.councils.meetingsHeld },
    {
      title: t('services.readShare'),
      key: 'n',
      align: 'right',
      render: (_v, r) => formatPercent(r.figures.notices.readShare),
    },
  ];

  return (
    <Card
      title={t('services.title')}
      loading={services.isPending}
      data-testid="insights-services"
      extra={
        <DatePicker
          picker="month"
          allowClear={false}
          aria-label={t('services.month')}
          value={dayjs(`${month}-01`)}
          onChange={(d) => {
            if (d !== null) setMonth(d.format('YYYY-MM'));
          }}
          data-testid="services-month"
        />
      }
    >
      {f !== undefined && (
        <Row gutter={[16, 16]}>
          {SERVICE_GROUPS.map((g) => (
            <Col key={g.id} xs={24} xl={12}>
              <Group id={g.id} title={g.title} stats={g.stats(f, t)} />
            </Col>
          ))}
          {children.length > 0 && (
            <Col xs={24}>
              <Card size="small" title={t('services.byUnit')} data-testid="services-children">
                {hasBars && (
                  <EChart
                    option={option}
                    height={260}
                    onPick={({ dataIndex }) => {
                      const unit = children[dataIndex]?.unit;
                      if (unit !== undefined) onDrill(unit.id);
                    }}
                    data-testid="services-chart"
                  />
                )}
                <Table
                  size="small"
                  rowKey={(r) => r.unit.id}
                  columns={columns}
                  dataSource={children}
                  pagination={false}
                  onRow={(r) => ({ onClick: () => onDrill(r.unit.id), style: { cursor: 'pointer' } })}
                />
              </Card>
            </Col>
          )}
        </Row>
      )}
      {services.isError && <Empty description={t('insights.noScope')} />}
    </Card>
  );
}
