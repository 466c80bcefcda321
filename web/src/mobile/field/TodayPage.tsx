import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Empty, Flex, Input, Skeleton, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { useI18n } from '../i18n';
import { shortTime } from '../cases/time';
import { useField } from './FieldContext';
import { FieldLayout } from './FieldLayout';
import { useHouseholdViews, type HouseholdView } from './households';
import { RequestLines, StandingTag, TagNames, visitLine } from './parts';

/** Cards drawn at first; the rest follow as she scrolls, so 500 households open at once. */
const FIRST_CARDS = 40;
const MORE_CARDS = 120;

type Filter = 'todo' | 'all' | 'visited';

/** On today's list: a visit asked for, overdue, never visited or due soon — and not visited today. */
const isToDo = (h: HouseholdView) => h.standing !== 'visited' && (h.standing !== 'ok' || h.openRequests.length > 0);

function HouseholdCard({ household }: { household: HouseholdView }) {
  const i18n = useI18n();
  const { t } = i18n;
  const head = household.members.find((m) => m.relation === '户主') ?? household.members[0];
  return (
    <Link
      to={`/m/field/h/${household.id}`}
      className="tz-case-card tz-field-card"
      data-testid="field-household"
      data-standing={household.standing}
    >
      <Flex justify="space-between" align="flex-start" gap={8}>
        <Typography.Text strong style={{ fontSize: 16, lineHeight: 1.4 }}>
          {household.address}
        </Typography.Text>
        <StandingTag standing={household.standing} />
      </Flex>
      <div className="tz-field-card-meta">
        {head !== undefined && (
          <span>
            {t('mobile.head')} {head.name}
          </span>
        )}
        <span>{t('field.memberCount', { n: household.members.length })}</span>
        <span>{visitLine(household, i18n)}</span>
      </div>
      <TagNames codes={household.careTags} />
      <RequestLines requests={household.openRequests} />
    </Link>
  );
}

/** 今日走访: her households from the phone's cache, the ones to visit first on top. */
export function TodayPage() {
  const { t, pick, lang } = useI18n();
  const { cache, isCacheRead, isRefreshing, refreshProblem, refresh, identity, syncState } = useField();
  const views = useHouseholdViews();
  const [q, setQ] = useState('');
  const [filter, setFilter] = useState<Filter>('todo');
  const [shown, setShown] = useState(FIRST_CARDS);
  const more = useRef<HTMLDivElement>(null);

  const counts = useMemo(() => {
    const by = { overdue: 0, never: 0, due: 0, visited: 0, requested: 0, todo: 0 };
    for (const h of views) {
      if (h.standing !== 'ok') by[h.standing] += 1;
      if (h.standing !== 'visited' && h.openRequests.length > 0) by.requested += 1;
      if (isToDo(h)) by.todo += 1;
    }
    return by;
  }, [views]);

  const visible = useMemo(() => {
    const text = q.trim();
    return views.filter((h) => {
      const isWanted = filter === 'all' || (filter === 'visited' ? h.standing === 'visited' : isToDo(h));
      return isWanted && (text === '' || h.address.includes(text) || h.members.some((m) => m.name.includes(text)));
    });
  }, [views, q, filter]);

  useEffect(() => {
    if (cache !== null && views.length > 0) performance.mark('tz-field-list');
  }, [cache, views.length]);

  useEffect(() => {
    const sentinel = more.current;
    if (sentinel === null) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setShown((n) => n + MORE_CARDS);
    });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [visible.length]);

  const chips: { key: Filter; label: string }[] = [
    { key: 'todo', label: t('field.today.todo', { n: counts.todo }) },
    { key: 'visited', label: t('field.today.visitedChip', { n: counts.visited }) },
    { key: 'all', label: t('field.today.all', { n: views.length }) },
  ];

  return (
    <FieldLayout title={t('field.today.title')}>
      <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
        <Typography.Text type="secondary">{identity.displayName}</Typography.Text>
        <Button
          size="small"
          type="text"
          icon={<ReloadOutlined spin={isRefreshing} />}
          disabled={!syncState.isOnline || isRefreshing}
          onClick={() => void refresh()}
          data-testid="refresh-cache"
        >
          {t('field.today.refresh')}
        </Button>
      </Flex>
      {cache !== null && (
        <div className="tz-field-summary" data-testid="today-summary">
          <div className="is-overdue">
            <b>{counts.overdue}</b>
            {t('field.standing.overdue')}
          </div>
          <div className="is-never">
            <b>{counts.never}</b>
            {t('field.standing.never')}
          </div>
          <div className="is-due">
            <b>{counts.due}</b>
            {t('field.standing.due')}
          </div>
          <div className="is-visited">
            <b>{counts.visited}</b>
            {t('field.standing.visited')}
          </div>
        </div>
      )}
      {cache !== null && counts.requested > 0 && (
        <Alert
          type="info"
          showIcon
          data-testid="today-requested"
          title={t('field.today.requested', { n: counts.requested })}
          style={{ marginBottom: 10 }}
        />
      )}
      {refreshProblem !== null && cache !== null && (
        <Alert type="warning" showIcon title={pick(refreshProblem)} style={{ marginBottom: 10 }} />
      )}
      {!isCacheRead && <Skeleton active paragraph={{ rows: 6 }} />}
      {isCacheRead && cache === null && (
        <Empty
          description={isRefreshing ? t('field.today.downloading') : t('field.today.noCache')}
          style={{ marginTop: 48 }}
        >
          {!isRefreshing && refreshProblem !== null && <Alert type="error" showIcon title={pick(refreshProblem)} />}
        </Empty>
      )}
      {cache !== null && (
        <>
          <Input
            allowClear
            size="large"
            prefix={<SearchOutlined />}
            placeholder={t('mobile.searchPlaceholder')}
            aria-label={t('mobile.searchPlaceholder')}
            onChange={(e) => setQ(e.target.value)}
            style={{ marginBottom: 10 }}
          />
          <Flex gap={6} wrap style={{ marginBottom: 12 }} role="tablist">
            {chips.map((chip) => (
              <button
                key={chip.key}
                type="button"
                role="tab"
                aria-selected={filter === chip.key}
                className={`tz-field-chip${filter === chip.key ? ' is-active' : ''}`}
                onClick={() => {
                  setFilter(chip.key);
                  setShown(FIRST_CARDS);
                }}
              >
                {chip.label}
              </button>
            ))}
          </Flex>
          {visible.length === 0 && (
            <Empty description={filter === 'todo' ? t('field.today.allDone') : t('mobile.empty')} />
          )}
          <Flex vertical gap={10} data-testid="today-list" data-count={visible.length}>
            {visible.slice(0, shown).map((h) => (
              <HouseholdCard key={h.id} household={h} />
            ))}
          </Flex>
          {shown < visible.length && <div ref={more} style={{ height: 1 }} />}
          <Typography.Paragraph type="secondary" style={{ textAlign: 'center', marginTop: 12, fontSize: 12 }}>
            {t('field.today.cachedAt', { time: shortTime(cache.savedAt, lang) })}
          </Typography.Paragraph>
        </>
      )}
    </FieldLayout>
  );
}
