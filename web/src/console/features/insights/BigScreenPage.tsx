import { CompressOutlined, ExpandOutlined, RollbackOutlined } from '@ant-design/icons';
import { Button, Empty, Result, Spin } from 'antd';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';
import { RATE_COLORS } from '../cases/RatesChart';
import {
  careTagRows,
  caseStateRows,
  childrenOption,
  formatShare,
  levelName,
  PALETTE,
  pyramidOption,
  rankingOption,
  ringOption,
  trendOption,
} from './charts';
import { EChart } from './EChart';
import { useInsightsOrg } from './InsightsPage';
import { coveragePercent } from './panels';
import {
  useInsightCases,
  useInsightChildren,
  useInsightPopulation,
  useInsightSummary,
  useInsightTrends,
  useInsightVisits,
} from './queries';
import './screen.css';
import { BurdenScreenStrip } from '../tasks/burden';

const LAST_12_MONTHS = {};

function Panel({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="tz-screen-panel" data-testid={testId}>
      <h2>{title}</h2>
      <div className="tz-screen-panel-body">{children}</div>
    </section>
  );
}

function BigNumber({ label, value, tone, testId }: { label: string; value: string; tone?: string; testId: string }) {
  return (
    <div className="tz-screen-number" data-testid={testId}>
      <div className="tz-screen-number-value" style={tone ? { color: tone } : undefined}>
        {value}
      </div>
      <div className="tz-screen-number-label">{label}</div>
    </div>
  );
}

function useClock(): dayjs.Dayjs {
  const [now, setNow] = useState(() => dayjs());
  useEffect(() => {
    const timer = setInterval(() => setNow(dayjs()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function useFullscreen(): [boolean, () => void] {
  const [isFull, setFull] = useState(() => document.fullscreenElement !== null);
  useEffect(() => {
    const onChange = () => setFull(document.fullscreenElement !== null);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);
  const toggle = () => {
    if (document.fullscreenElement === null) void document.documentElement.requestFullscreen?.().catch(() => {});
    else void document.exitFullscreen().catch(() => {});
  };
  return [isFull, toggle];
}

/** 大屏: the insights of one unit for a wall display — dark, large figures, no console around it, refreshing itself. */
export function BigScreenPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const orgId = useInsightsOrg();
  const now = useClock();
  const [isFull, toggleFull] = useFullscreen();
  const summary = useInsightSummary(orgId);
  const children = useInsightChildren(orgId, summary.data !== undefined && summary.data.childLevel !== null);
  const population = useInsightPopulation(orgId);
  const cases = useInsightCases(orgId, LAST_12_MONTHS);
  const visits = useInsightVisits(orgId);
  const trends = useInsightTrends(orgId);

  const items = useMemo(() => children.data?.items ?? [], [children.data]);
  const options = useMemo(
    () => ({
      children: childrenOption(t, items, true),
      pyramid: population.data && pyramidOption(t, population.data, true),
      tags: population.data && rankingOption(careTagRows(i18n, population.data), PALETTE.alone, true),
      states: cases.data && ringOption(caseStateRows(i18n, cases.data), true),
      trends: trends.data && trendOption(t, trends.data, true),
    }),
    [t, i18n, items, population.data, cases.data, trends.data],
  );

  useEffect(() => {
    document.body.classList.add('tz-screen-body');
    return () => document.body.classList.remove('tz-screen-body');
  }, []);

  if (orgId === undefined) return <Result status="info" title={t('insights.noScope')} />;
  const data = summary.data;
  if (data === undefined) {
    return (
      <div className="tz-screen tz-screen-center">
        {summary.error ? <Empty description={errorText(summary.error, i18n)} /> : <Spin size="large" />}
      </div>
    );
  }
  const drill = (id: string) => void navigate(`/screen/${id}`);

  return (
    <div className="tz-screen" data-testid="big-screen">
      <header className="tz-screen-header">
        <nav className="tz-screen-crumbs">
          {data.breadcrumb.slice(0, -1).map((unit) => (
            <button key={unit.id} type="button" onClick={() => drill(unit.id)}>
              {unit.name}
            </button>
          ))}
        </nav>
        <h1 data-testid="big-screen-title">
          {data.unit.name}
          <span className="tz-screen-level">{levelName(t, data.unit.level)}</span>
          <span className="tz-screen-sub">{t('nav.insights')}</span>
        </h1>
        <div className="tz-screen-tools">
          <span className="tz-screen-clock">{now.tz(DISPLAY_ZONE).format('YYYY-MM-DD HH:mm:ss')}</span>
          <Button
            type="text"
            icon={isFull ? <CompressOutlined /> : <ExpandOutlined />}
            onClick={toggleFull}
            title={t('insights.fullscreen')}
          />
          <Button
            type="text"
            icon={<RollbackOutlined />}
            onClick={() => void navigate(`/insights/${orgId}`)}
            title={t('insights.leaveScreen')}
            data-testid="leave-big-screen"
          />
        </div>
      </header>

      <div className="tz-screen-numbers">
        <BigNumber testId="screen-residents" label={t('insights.residents')} value={data.residents.toLocaleString()} />
        <BigNumber
          testId="screen-households"
          label={t('insights.households')}
          value={data.households.toLocaleString()}
        />
        <BigNumber
          testId="screen-elderlyAlone"
          label={t('insights.elderlyAlone')}
          value={data.elderlyAlone.toLocaleString()}
          tone={PALETTE.alone}
        />
        <BigNumber
          testId="screen-over80"
          label={t('insights.over80')}
          value={data.over80.toLocaleString()}
          tone="#fadb14"
        />
        <BigNumber
          testId="screen-openCases"
          label={t('insights.openCases')}
          value={data.openCases.toLocaleString()}
          tone={PALETTE.open}
        />
        <BigNumber
          testId="screen-overdueCases"
          label={t('insights.overdueCases')}
          value={data.overdueCases.toLocaleString()}
          tone={data.overdueCases > 0 ? '#ff4d4f' : undefined}
        />
        <BigNumber
          testId="screen-visitCoverage"
          label={t('insights.visitCoverage')}
          value={visits.data?.available ? `${coveragePercent(visits.data)}%` : '—'}
          tone="#b37feb"
        />
      </div>

      <main className="tz-screen-grid">
        <div className="tz-screen-column">
          <Panel title={t('insights.pyramid')}>
            {options.pyramid && <EChart theme="dark" option={options.pyramid} height="100%" />}
          </Panel>
          <Panel title={t('insights.careTags')}>
            {options.tags && <EChart theme="dark" option={options.tags} height="100%" />}
          </Panel>
        </div>
        <div className="tz-screen-column tz-screen-wide">
          <Panel
            title={
              children.data?.level
                ? t('insights.childrenOf', { level: levelName(t, children.data.level) })
                : t('insights.children')
            }
            testId="screen-children"
          >
            {items.length === 0 ? (
              <Empty description={t('insights.noChildren')} />
            ) : (
              <EChart
                theme="dark"
                option={options.children}
                height="100%"
                onPick={({ dataIndex }) => {
                  const picked = items[dataIndex];
                  if (picked !== undefined) drill(picked.unit.id);
                }}
              />
            )}
          </Panel>
          <Panel title={t('insights.trends')}>
            {options.trends && <EChart theme="dark" option={options.trends} height="100%" />}
          </Panel>
        </div>
        <div className="tz-screen-column">
          <Panel title={t('insights.threeRates')}>
            {cases.data && (
              <div className="tz-screen-rates">
                <BigNumber
                  testId="screen-response"
                  label={t('rates.response')}
                  value={formatShare(cases.data.rates.responseRate)}
                  tone={RATE_COLORS.response}
                />
                <BigNumber
                  testId="screen-resolution"
                  label={t('rates.resolution')}
                  value={formatShare(cases.data.rates.resolutionRate)}
                  tone={RATE_COLORS.resolution}
                />
                <BigNumber
                  testId="screen-satisfaction"
                  label={t('rates.satisfaction')}
                  value={formatShare(cases.data.rates.satisfactionRate)}
                  tone={RATE_COLORS.satisfaction}
                />
              </div>
            )}
          </Panel>
          <Panel title={t('insights.byState')}>
            {options.states && <EChart theme="dark" option={options.states} height="100%" />}
          </Panel>
        </div>
      </main>
      <BurdenScreenStrip orgId={orgId} />
      <footer className="tz-screen-footer">
        {t('insights.screenFooter', { time: dayjs(data.asOf).tz(DISPLAY_ZONE).format('HH:mm:ss') })}
      </footer>
    </div>
  );
}
