import { useQuery } from '@tanstack/react-query';
import { Empty, Input, List, Spin, Typography } from 'antd';
import { useDeferredValue, useState } from 'react';
import { Link } from 'react-router-dom';
import { LanguageSwitch } from '../shared/LanguageSwitch';
import { fetchCommunities } from './fetch';
import { usePublicI18n } from './i18n';

/** /p: find a community by name or code and open its public page. */
export function CommunityPicker() {
  const { t } = usePublicI18n();
  const [q, setQ] = useState('');
  const query = useDeferredValue(q.trim());
  const list = useQuery({
    queryKey: ['public', 'communities', query],
    queryFn: () => fetchCommunities(query),
    staleTime: 60_000,
  });
  return (
    <main className="tz-public">
      <header className="tz-public-header">
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <a href="/m/">{t('public.signIn')}</a>
          <LanguageSwitch />
        </div>
        <Typography.Title level={2} style={{ margin: '12px 0 4px' }}>
          {t('public.pick.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('public.pick.hint')}</Typography.Paragraph>
      </header>
      <Input.Search
        size="large"
        allowClear
        maxLength={40}
        placeholder={t('public.pick.search')}
        aria-label={t('public.pick.search')}
        onChange={(e) => setQ(e.target.value)}
      />
      {list.isLoading ? (
        <Spin style={{ display: 'block', margin: 24 }} />
      ) : list.data === undefined || list.data.communities.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('public.pick.none')} />
      ) : (
        <List
          data-testid="public-communities"
          dataSource={list.data.communities}
          footer={
            list.data.hasMore ? <Typography.Text type="secondary">{t('public.pick.more')}</Typography.Text> : null
          }
          renderItem={(c) => (
            <List.Item>
              <Link to={`/p/${c.code}`} className="tz-public-community">
                <span>
                  <strong>{c.name}</strong>
                  {c.casesThisMonth > 0 && (
                    <Typography.Text type="secondary">
                      {' '}
                      · {t('public.pick.cases', { n: c.casesThisMonth })}
                    </Typography.Text>
                  )}
                </span>
                <Typography.Text type="secondary">
                  {[c.district, c.street].filter((s) => s !== null).join(' · ')}
                </Typography.Text>
              </Link>
            </List.Item>
          )}
        />
      )}
    </main>
  );
}
