import { DesktopOutlined, EnvironmentOutlined, LogoutOutlined, TeamOutlined, UserOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Badge, Button, Empty, Flex, Input, Skeleton, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { Household, Resident } from '../../api/types';
import { useAuth } from '../../shared/auth';
import { openOtherApp } from '../../shared/navigation';
import { BrandMark } from '../../shared/BrandMark';
import { errorText } from '../../shared/errors';
import { useI18n } from '../i18n';
import { LanguageSwitch } from '../../shared/LanguageSwitch';
import { CareTagList } from '../../shared/CareTagList';
import { GENDER_LABEL, HEAD_RELATION, relationKey } from '../../shared/registry-vocabulary';

const PAGE = 200;
const MAX_PAGES = 25;

/** Every page of a paged list, for the few hundred households of one grid. */
async function fetchAll<T>(fetchPage: (page: number) => Promise<{ items: T[]; hasMore: boolean }>): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const answer = await fetchPage(page);
    items.push(...answer.items);
    if (!answer.hasMore || answer.items.length === 0) break;
  }
  return items;
}

function useGridLedger() {
  return useQuery({
    queryKey: ['registry', 'grid-ledger'],
    queryFn: async () => {
      const [households, residents] = await Promise.all([
        fetchAll(async (page) => {
          const answer = await unwrap(api.GET('/api/v1/households', { params: { query: { page, pageSize: PAGE } } }));
          return { items: answer.items, hasMore: page * PAGE < answer.total };
        }),
        fetchAll((page) =>
          unwrap(api.POST('/api/v1/residents/search', { body: { status: 'living', page, pageSize: PAGE } })),
        ),
      ]);
      const members = new Map<string, Resident[]>();
      for (const r of residents) members.set(r.householdId, [...(members.get(r.householdId) ?? []), r]);
      return { households, members };
    },
  });
}

function HouseholdCard({ household, members }: { household: Household; members: Resident[] }) {
  const { t } = useI18n();
  const [isOpen, setOpen] = useState(false);
  const tags = members.flatMap((m) => m.careTags);
  const distinctTags = tags.filter((tag, i) => tags.findIndex((x) => x.code === tag.code) === i);
  return (
    <div
      className="tz-m-card"
      role="button"
      tabIndex={0}
      aria-expanded={isOpen}
      onClick={() => setOpen((v) => !v)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') setOpen((v) => !v);
      }}
      data-testid="grid-household"
    >
      <Flex justify="space-between" align="flex-start" gap={8}>
        <Typography.Text strong style={{ fontSize: 16, lineHeight: 1.4 }}>
          {household.address}
        </Typography.Text>
        <Badge count={household.memberCount} showZero color="#1f2937" title={t('household.memberCount')} />
      </Flex>
      <Flex gap={12} style={{ margin: '6px 0', color: '#595959' }} wrap>
        <span>
          <UserOutlined /> {t('mobile.head')}: {household.headName ?? '—'}
        </span>
        <span>
          <EnvironmentOutlined /> {household.orgName}
        </span>
      </Flex>
      <CareTagList tags={distinctTags} empty={t('mobile.noCareTags')} />
      {isOpen && (
        <div className="tz-m-members">
          {members.length === 0 && <Typography.Text type="secondary">{t('mobile.noMembers')}</Typography.Text>}
          {members.map((m) => {
            const key = relationKey(m.relation);
            return (
              <Flex key={m.id} justify="space-between" align="center" gap={8} className="tz-m-member">
                <span>
                  <Typography.Text strong={m.relation === HEAD_RELATION}>{m.name}</Typography.Text>
                  <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontSize: 13 }}>
                    {key === undefined ? m.relation : t(key)} · {t(GENDER_LABEL[m.gender])} ·{' '}
                    {t('mobile.age', { n: m.age })}
                  </Typography.Text>
                </span>
                <CareTagList tags={m.careTags} empty="" />
              </Flex>
            );
          })}
        </div>
      )}
    </div>
  );
}

/** 网格住户 (phone): the households of the grid worker's grid, read-only, for walking the grid. */
export function GridHouseholdsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { me, can, logout } = useAuth();
  const ledger = useGridLedger();
  const [q, setQ] = useState('');
  const [tagFilter, setTagFilter] = useState<string | null>(null);

  const visible = useMemo(() => {
    const text = q.trim();
    return (ledger.data?.households ?? []).filter((h) => {
      const members = ledger.data?.members.get(h.id) ?? [];
      const matchesText = text === '' || h.address.includes(text) || members.some((m) => m.name.includes(text));
      const matchesTag = tagFilter === null || members.some((m) => m.careTags.some((tag) => tag.code === tagFilter));
      return matchesText && matchesTag;
    });
  }, [ledger.data, q, tagFilter]);

  const tagCounts = useMemo(() => {
    const counts = new Map<string, { name: string; n: number }>();
    for (const members of ledger.data?.members.values() ?? []) {
      for (const m of members) {
        for (const tag of m.careTags) counts.set(tag.code, { name: tag.name, n: (counts.get(tag.code)?.n ?? 0) + 1 });
      }
    }
    return [...counts.entries()];
  }, [ledger.data]);

  const unitNames = [...new Set((ledger.data?.households ?? []).map((h) => h.orgName))];

  return (
    <div className="tz-m">
      <header className="tz-m-header">
        <Flex align="center" gap={8}>
          <BrandMark />
          <Typography.Text strong style={{ color: '#fff', fontSize: 17 }}>
            {t('mobile.title')}
          </Typography.Text>
        </Flex>
        <Flex align="center" gap={4}>
          <LanguageSwitch />
          {can('org.read') && (
            <Button
              type="text"
              className="tz-header-button"
              icon={<DesktopOutlined />}
              aria-label={t('mobile.console')}
              onClick={() => openOtherApp('/')}
            />
          )}
          <Button
            type="text"
            className="tz-header-button"
            icon={<LogoutOutlined />}
            aria-label={t('app.logout')}
            onClick={() => void logout()}
          />
        </Flex>
      </header>
      <main className="tz-m-body">
        <Flex justify="space-between" align="baseline" style={{ marginBottom: 8 }}>
          <Typography.Text type="secondary">
            {me?.displayName}
            {unitNames.length > 0 && ` · ${unitNames.join('、')}`}
          </Typography.Text>
          <Typography.Text type="secondary" data-testid="grid-household-count">
            <TeamOutlined /> {t('mobile.count', { n: visible.length })}
          </Typography.Text>
        </Flex>
        <Input.Search
          allowClear
          size="large"
          placeholder={t('mobile.searchPlaceholder')}
          onChange={(e) => setQ(e.target.value)}
          style={{ marginBottom: 10 }}
        />
        {tagCounts.length > 0 && (
          <Flex gap={6} wrap style={{ marginBottom: 12 }}>
            <Tag.CheckableTag checked={tagFilter === null} onChange={() => setTagFilter(null)}>
              {t('mobile.allHouseholds')}
            </Tag.CheckableTag>
            {tagCounts.map(([code, { name, n }]) => (
              <Tag.CheckableTag
                key={code}
                checked={tagFilter === code}
                onChange={(checked) => setTagFilter(checked ? code : null)}
              >
                {name} {n}
              </Tag.CheckableTag>
            ))}
          </Flex>
        )}
        {ledger.error !== null && <Alert type="error" showIcon title={errorText(ledger.error, i18n)} />}
        {ledger.isPending && <Skeleton active paragraph={{ rows: 6 }} />}
        {ledger.data !== undefined && visible.length === 0 && (
          <Empty description={t('mobile.empty')} style={{ marginTop: 48 }} />
        )}
        <Flex vertical gap={10}>
          {visible.map((h) => (
            <HouseholdCard key={h.id} household={h} members={ledger.data?.members.get(h.id) ?? []} />
          ))}
        </Flex>
      </main>
    </div>
  );
}
