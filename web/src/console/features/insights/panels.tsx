import { percentOf } from '../../../shared/figures';
import { Card, Col, Empty, Flex, Progress, Row, Segmented, Statistic, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useI18n } from '../../app/i18n';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { RATE_COLORS } from '../cases/RatesChart';
import type { InsightVisits } from './api';
import {
  careTagRows,
  caseStateRows,
  caseLevelRows,
  formatShare,
  PALETTE,
  pyramidOption,
  rankingOption,
  residenceRows,
  ringOption,
  trendOption,
} from './charts';
import { EChart } from './EChart';
import { useInsightCases, useInsightPopulation, useInsightTrends, useInsightVisits } from './queries';

/** Population by age band and gender, residence type and care tag. */
export function PopulationPanel({ orgId }: { orgId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const population = useInsightPopulation(orgId);
  const data = population.data;
  const options = useMemo(
    () =>
      data === undefined
        ? undefined
        : {
            pyramid: pyramidOption(t, data),
            residence: ringOption(residenceRows(i18n, data)),
            tags: rankingOption(careTagRows(i18n, data), PALETTE.alone),
          },
    [data, t, i18n],
  );
  return (
    <Row gutter={[16, 16]} data-testid="insights-population">
      <Col xs={24} xl={10}>
        <Card
          size="small"
          title={t('insights.pyramid')}
          loading={population.isPending}
          extra={
            data && (
              <Typography.Text type="secondary">
                {t('insights.genderSplit', { male: data.byGender.male, female: data.byGender.female })}
              </Typography.Text>
            )
          }
        >
          {data && data.total === 0 && <Empty description={t('insights.nobody')} />}
          {options && data && data.total > 0 && (
            <EChart option={options.pyramid} height={280} data-testid="insights-pyramid" />
          )}
        </Card>
      </Col>
      <Col xs={24} md={12} xl={6}>
        <Card size="small" title={t('insights.residenceType')} loading={population.isPending}>
          {data && data.total === 0 && <Empty description={t('insights.nobody')} />}
          {options && data && data.total > 0 && <EChart option={options.residence} height={280} />}
        </Card>
      </Col>
      <Col xs={24} md={12} xl={8}>
        <Card size="small" title={t('insights.careTags')} loading={population.isPending}>
          {data && !data.byCareTag.some((c) => c.count > 0) && <Empty description={t('insights.noCareTags')} />}
          {options && data && data.byCareTag.some((c) => c.count > 0) && <EChart option={options.tags} height={280} />}
          {data && (
            <div data-testid="insights-care-tags" hidden>
              {data.byCareTag.map((c) => (
                <span key={c.tag} data-tag={c.tag} data-label={c.label_zh} data-value={c.count} />
              ))}
            </div>
          )}
        </Card>
      </Col>
    </Row>
  );
}

type CasePeriod = 'last12' | 'month' | 'quarter' | 'year';

/** The months of a period; the last twelve months are the server's default. */
function periodRange(period: CasePeriod): { from?: string; to?: string } {
  if (period === 'last12') return {};
  const now = dayjs().tz(DISPLAY_ZONE);
  const start =
    period === 'month'
      ? now.startOf('month')
      : period === 'quarter'
        ? now.startOf('month').subtract(now.month() % 3, 'month')
        : now.startOf('year');
  return { from: start.format('YYYY-MM'), to: now.format('YYYY-MM') };
}

/** Cases by state, item and level, with the three rates and what is overdue now. */
export function CasesPanel({ orgId }: { orgId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [period, setPeriod] = useState<CasePeriod>('last12');
  const range = useMemo(() => periodRange(period), [period]);
  const cases = useInsightCases(orgId, range);
  const data = cases.data;
  const options = useMemo(
    () =>
      data === undefined
        ? undefined
        : {
            states: ringOption(caseStateRows(i18n, data)),
            items: rankingOption(
              data.byItem.map((i) => ({ name: i.name, value: i.count })),
              PALETTE.open,
            ),
            levels: rankingOption(caseLevelRows(i18n, data), PALETTE.residents),
          },
    [data, i18n],
  );
  const hours = (h: number | null) => (h === null ? '—' : `${h.toFixed(1)} ${t('rates.hours')}`);

  return (
    <Card
      size="small"
      title={t('insights.cases')}
      loading={cases.isPending}
      data-testid="insights-cases"
      extra={
        <Segmented<CasePeriod>
          size="small"
          value={period}
          onChange={setPeriod}
          options={[
            { value: 'last12', label: t('insights.last12') },
            { value: 'month', label: t('rates.preset.month') },
            { value: 'quarter', label: t('rates.preset.quarter') },
            { value: 'year', label: t('rates.preset.year') },
          ]}
        />
      }
    >
      {data && options && (
        <Flex vertical gap={12}>
          <Flex gap={40} wrap>
            <Statistic
              title={t('insights.responseByPlace')}
              value={formatShare(data.rates.responseRate)}
              styles={{ content: { color: RATE_COLORS.response } }}
            />
            <Statistic
              title={t('insights.resolutionByPlace')}
              value={formatShare(data.rates.resolutionRate)}
              styles={{ content: { color: RATE_COLORS.resolution } }}
            />
            <Statistic
              title={t('insights.satisfactionByPlace')}
              value={formatShare(data.rates.satisfactionRate)}
              styles={{ content: { color: RATE_COLORS.satisfaction } }}
            />
            <Statistic title={t('rates.received')} value={data.rates.received} />
            <Statistic title={t('rates.meanAccept')} value={hours(data.meanHoursToAccept)} />
            <Statistic title={t('rates.meanResolve')} value={hours(data.meanHoursToResolve)} />
            <Statistic
              title={t('rates.overdueNow')}
              value={data.overdueNow}
              styles={{ content: data.overdueNow > 0 ? { color: '#cf1322' } : {} }}
            />
            <Statistic title={t('rates.everOverdue')} value={data.everOverdue} />
          </Flex>
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={7}>
              <Typography.Text strong>{t('insights.byState')}</Typography.Text>
              <EChart option={options.states} height={280} />
            </Col>
            <Col xs={24} xl={11}>
              <Typography.Text strong>{t('insights.byItem')}</Typography.Text>
              <EChart option={options.items} height={280} />
            </Col>
            <Col xs={24} xl={6}>
              <Typography.Text strong>{t('insights.byLevel')}</Typography.Text>
              <EChart option={options.levels} height={280} />
            </Col>
          </Row>
        </Flex>
      )}
    </Card>
  );
}

/** Visit coverage as a percentage with one decimal: households visited in time ÷ all households. */
export const coveragePercent = (visits: InsightVisits) => percentOf(visits.coverage) ?? 0;

/** The share of households visited in time, and those overdue or never visited. */
export function VisitsPanel({ orgId }: { orgId: string }) {
  const { t } = useI18n();
  const visits = useInsightVisits(orgId);
  const data = visits.data;
  return (
    <Card size="small" title={t('insights.visits')} loading={visits.isPending} data-testid="insights-visits">
      {data && !data.available && <Empty description={t('insights.visitsUnavailable')} />}
      {data && data.available && (
        <Flex vertical gap={16} align="center">
          <Progress type="dashboard" percent={coveragePercent(data)} size={150} strokeColor={PALETTE.visits} />
          <Typography.Text type="secondary">{t('insights.visitCoverage')}</Typography.Text>
          <Row gutter={[16, 8]} style={{ width: '100%' }}>
            <Col span={12}>
              <Statistic title={t('insights.households')} value={data.households} />
            </Col>
            <Col span={12}>
              <Statistic title={t('insights.visitedThisMonth')} value={data.visitedThisMonth} />
            </Col>
            <Col span={12}>
              <Statistic title={t('insights.visitsDueSoon')} value={data.dueSoon} />
            </Col>
            <Col span={12}>
              <Statistic
                title={t('insights.visitsOverdue')}
                value={data.overdue}
                styles={{ content: data.overdue > 0 ? { color: '#cf1322' } : {} }}
              />
            </Col>
            <Col span={12}>
              <Statistic title={t('insights.neverVisited')} value={data.neverVisited} />
            </Col>
          </Row>
        </Flex>
      )}
    </Card>
  );
}

export function TrendsPanel({ orgId }: { orgId: string }) {
  const { t } = useI18n();
  const trends = useInsightTrends(orgId);
  const option = useMemo(() => (trends.data ? trendOption(t, trends.data) : undefined), [trends.data, t]);
  return (
    <Card size="small" title={t('insights.trends')} loading={trends.isPending} data-testid="insights-trends">
      {option && <EChart option={option} height={360} />}
    </Card>
  );
}
