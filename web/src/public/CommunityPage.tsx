import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Collapse, Empty, Flex, Input, Spin, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError, api, unwrap } from '../api/client';
import { fetchCommunityPage } from './fetch';
import { formatPercent } from '../shared/figures';
import { LanguageSwitch } from '../shared/LanguageSwitch';
import { usePublicI18n } from './i18n';
import { PublicMap } from './PublicMap';
import { CouncilDecisions } from './Decisions';
import { VenueCalendar } from './VenueCalendar';
import type { CommunityPage as Page } from './types';

const OPEN_STATES = new Set(['submitted', 'accepted', 'in_progress']);

function useCommunityPage(code: string) {
  return useQuery({
    queryKey: ['public', 'community', code],
    queryFn: () => fetchCommunityPage(code),
    staleTime: 60_000,
  });
}

function useBaseMap() {
  return useQuery({ queryKey: ['meta'], queryFn: () => unwrap(api.GET('/api/v1/meta')), staleTime: Infinity });
}

/** One community's public page: this month's cases by state and item, their map, the three rates, the duty list. */
export function CommunityPage() {
  const { code = '' } = useParams();
  const { t, pick } = usePublicI18n();
  const page = useCommunityPage(code);
  const meta = useBaseMap();

  if (page.isLoading) {
    return (
      <Flex align="center" justify="center" style={{ minHeight: '60vh' }}>
        <Spin size="large" />
      </Flex>
    );
  }
  if (page.error !== null || page.data === undefined) {
    const error = page.error;
    return (
      <main className="tz-public">
        <Header />
        <Alert
          type={error instanceof ApiError && error.status === 404 ? 'warning' : 'error'}
          title={error instanceof ApiError && error.status === 404 ? t('public.notFound') : t('public.error')}
          description={error instanceof ApiError ? pick({ zh: error.message_zh, en: error.message_en }) : undefined}
          showIcon
        />
        <p>
          <Link to="/p">{t('public.back')}</Link>
        </p>
      </main>
    );
  }
  return <Figures page={page.data} baseMap={meta.data?.map} />;
}

function Header({ page }: { page?: Page }) {
  const { t } = usePublicI18n();
  return (
    <header className="tz-public-header">
      <Flex justify="space-between" align="center" gap={8}>
        <Link to="/p" className="tz-public-back">
          {t('public.back')}
        </Link>
        <Flex gap={8} align="center">
          <a href="/m/">{t('public.signIn')}</a>
          <LanguageSwitch />
        </Flex>
      </Flex>
      {page !== undefined && (
        <>
          <Typography.Title level={2} style={{ margin: '12px 0 0' }}>
            {page.community.name}
          </Typography.Title>
          <Typography.Text type="secondary">
            {[page.community.district, page.community.street].filter((s) => s !== null).join(' · ')}
          </Typography.Text>
        </>
      )}
    </header>
  );
}

function Figures({ page, baseMap }: { page: Page; baseMap: Parameters<typeof PublicMap>[0]['baseMap'] }) {
  const { t, pick, lang } = usePublicI18n();
  const stateLabels = useMemo(() => new Map(page.byState.map((s) => [s.state, s.label])), [page.byState]);
  const itemNames = useMemo(() => new Map(page.byItem.map((i) => [i.code, i.name])), [page.byItem]);
  const describe = useCallback(
    (code: string, state: string) => {
      const label = stateLabels.get(state as Page['byState'][number]['state']);
      return `${itemNames.get(code) ?? code} · ${label === undefined ? state : pick(label)}`;
    },
    [itemNames, stateLabels, pick],
  );
  const month = page.month;
  return (
    <main className="tz-public">
      <Header page={page} />

      <section aria-labelledby="tz-received">
        <Card size="small">
          <Typography.Text type="secondary" id="tz-received">
            {t('public.received')} · {lang === 'zh' ? t('public.month', { month: month.replace('-', ' 年 ') }) : month}
          </Typography.Text>
          <div className="tz-public-total" data-testid="public-total">
            {page.total}
            <small> {t('public.unit')}</small>
          </div>
          <Flex wrap gap={6} aria-label={t('public.byState')}>
            {page.byState
              .filter((s) => s.count > 0)
              .map((s) => (
                <Tag key={s.state} color={OPEN_STATES.has(s.state) ? 'orange' : 'green'}>
                  {pick(s.label)} {s.count}
                </Tag>
              ))}
          </Flex>
        </Card>
      </section>

      <section>
        <Typography.Title level={4}>{t('public.byItem')}</Typography.Title>
        {page.byItem.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('public.noItems')} />
        ) : (
          <ul className="tz-public-items" data-testid="public-items">
            {page.byItem.map((item) => (
              <li key={item.code}>
                <Flex justify="space-between" align="baseline" gap={8}>
                  <span className="tz-public-item-name">{item.name}</span>
                  <strong>{item.count}</strong>
                </Flex>
                <Flex wrap gap={4}>
                  {item.byState.map((s) => {
                    const label = stateLabels.get(s.state);
                    return (
                      <Tag key={s.state} bordered={false} color={OPEN_STATES.has(s.state) ? 'orange' : 'green'}>
                        {label === undefined ? s.state : pick(label)} {s.count}
                      </Tag>
                    );
                  })}
                </Flex>
              </li>
            ))}
            <li>
              <Flex justify="space-between" align="baseline" gap={8}>
                <span className="tz-public-item-name">{t('public.other')}</span>
                <strong data-testid="public-other">{page.other}</strong>
              </Flex>
            </li>
          </ul>
        )}
        <Typography.Paragraph type="secondary" className="tz-public-note">
          {t('public.otherHint', { n: page.minItemCases })}
        </Typography.Paragraph>
      </section>

      <section>
        <Typography.Title level={4}>{t('public.map')}</Typography.Title>
        <PublicMap page={page} baseMap={baseMap} describe={describe} />
        <Typography.Paragraph type="secondary" className="tz-public-note">
          {t('public.mapHint')}
        </Typography.Paragraph>
      </section>

      <section>
        <Typography.Title level={4}>{t('public.rates')}</Typography.Title>
        <div className="tz-public-rates">
          {page.rates.explained.map((r) => (
            <Card key={r.key} size="small" data-testid={`public-rate-${r.key}`}>
              <Typography.Text strong>{pick(r.label)}</Typography.Text>
              <div className="tz-public-rate">{formatPercent(r.value)}</div>
              <Typography.Text type="secondary">
                {t('public.rateParts', { n: r.numerator, d: r.denominator })}
              </Typography.Text>
              <Typography.Paragraph type="secondary" className="tz-public-note">
                {pick(r.definition)}
              </Typography.Paragraph>
            </Card>
          ))}
        </div>
      </section>

      <CouncilDecisions code={page.community.code} />

      <VenueCalendar code={page.community.code} />

      <Duties page={page} />

      <Typography.Paragraph type="secondary" className="tz-public-note">
        {t('public.asOf', { time: dayjs(page.asOf).format('YYYY-MM-DD HH:mm') })}
      </Typography.Paragraph>
    </main>
  );
}

function Duties({ page }: { page: Page }) {
  const { t, pick } = usePublicI18n();
  const [q, setQ] = useState('');
  const span = (hours: number) =>
    hours >= 48 && hours % 24 === 0 ? t('public.days', { n: hours / 24 }) : t('public.hours', { n: hours });
  const groups = useMemo(() => {
    const wanted = q.trim();
    const out = new Map<string, Page['duties']>();
    for (const d of page.duties) {
      if (wanted !== '' && !`${d.name}${d.category.join('')}${d.handler}`.includes(wanted)) continue;
      const list = out.get(d.category[0]);
      if (list === undefined) out.set(d.category[0], [d]);
      else list.push(d);
    }
    return [...out];
  }, [page.duties, q]);
  return (
    <section>
      <Typography.Title level={4}>{t('public.duties')}</Typography.Title>
      <Typography.Paragraph type="secondary" className="tz-public-note">
        {t('public.dutiesHint')}
      </Typography.Paragraph>
      <Input.Search
        allowClear
        placeholder={t('public.dutySearch')}
        aria-label={t('public.dutySearch')}
        onChange={(e) => setQ(e.target.value)}
        style={{ marginBottom: 8 }}
      />
      <Collapse
        data-testid="public-duties"
        {...(q.trim() === '' ? {} : { activeKey: groups.map(([top]) => top) })}
        items={groups.map(([top, duties]) => ({
          key: top,
          label: `${top}（${duties.length}）`,
          children: (
            <ul className="tz-public-duties">
              {duties.map((d) => (
                <li key={d.code}>
                  <div className="tz-public-item-name">{d.name}</div>
                  <Typography.Text type="secondary">
                    {d.handler}
                    {d.assists !== null ? `（${t('public.assists', { unit: d.assists })}）` : ''} · {pick(d.kindLabel)}
                  </Typography.Text>
                  <div>{t('public.limits', { accept: span(d.acceptHours), resolve: span(d.resolveHours) })}</div>
                </li>
              ))}
            </ul>
          ),
        }))}
      />
    </section>
  );
}
