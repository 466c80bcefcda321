import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Popconfirm, Space, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { errorText } from '../../../shared/errors';
import { formatTime } from '../../../shared/time';
import { useI18n } from '../../app/i18n';

type Binding =
  paths['/api/v1/resident-bindings']['get']['responses'][200]['content']['application/json']['items'][number];
type Status = 'pending' | 'bound' | 'rejected';

const KEY = ['resident-bindings'] as const;
const MATCH_COLOR = { exact: 'success', phone_differs: 'warning', phone_absent: 'default' } as const;

/** 居民绑定申请: residents of her scope asking to be bound to their household; confirm, reject or end. */
export function BindingRequestsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<Status>('pending');
  const list = useQuery({
    queryKey: [...KEY, status],
    queryFn: () => unwrap(api.GET('/api/v1/resident-bindings', { params: { query: { status } } })),
    staleTime: 0,
  });
  const act = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'confirm' | 'reject' | 'end' }) =>
      unwrap(api.POST(`/api/v1/resident-bindings/{id}/${action}`, { params: { path: { id } }, body: {} })),
    onSuccess: async () => {
      void message.success(t('binding.done'));
      await queryClient.invalidateQueries({ queryKey: KEY });
    },
    onError: (error) => void message.error(errorText(error, i18n)),
  });

  const columns: TableColumnsType<Binding> = [
    {
      title: t('binding.resident'),
      key: 'resident',
      render: (_v, r) => (
        <Space direction="vertical" size={0}>
          <span>{r.residentName}</span>
          <Typography.Text type="secondary">
            {r.orgName} {r.address}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('binding.account'), dataIndex: 'accountName' },
    { title: t('binding.accountPhone'), dataIndex: 'accountPhone', render: (v: string | null) => v ?? '—' },
    { title: t('binding.registryPhone'), dataIndex: 'registryPhone', render: (v: string | null) => v ?? '—' },
    {
      title: t('binding.match'),
      dataIndex: 'match',
      render: (v: Binding['match']) => <Tag color={MATCH_COLOR[v]}>{t(`binding.match.${v}`)}</Tag>,
    },
    { title: t('binding.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatTime(v) },
    {
      key: 'actions',
      render: (_v, r) =>
        r.status === 'pending' ? (
          <Space>
            <Popconfirm
              title={t('binding.confirmTitle', { name: r.residentName })}
              onConfirm={() => act.mutate({ id: r.id, action: 'confirm' })}
            >
              <Button size="small" type="primary" data-testid="confirm-binding">
                {t('binding.confirm')}
              </Button>
            </Popconfirm>
            <Button size="small" onClick={() => act.mutate({ id: r.id, action: 'reject' })}>
              {t('binding.reject')}
            </Button>
          </Space>
        ) : r.status === 'bound' ? (
          <Popconfirm title={t('binding.end')} onConfirm={() => act.mutate({ id: r.id, action: 'end' })}>
            <Button size="small" danger>
              {t('binding.end')}
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];

  return (
    <Card title={t('nav.residentBindings')}>
      <Typography.Paragraph type="secondary">{t('binding.intro')}</Typography.Paragraph>
      <Tabs
        activeKey={status}
        onChange={(key) => setStatus(key as Status)}
        items={(['pending', 'bound', 'rejected'] as const).map((key) => ({ key, label: t(`binding.tab.${key}`) }))}
      />
      {list.error !== null && <Alert type="error" showIcon title={errorText(list.error, i18n)} />}
      <Table<Binding>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.isFetching}
        pagination={false}
        data-testid="resident-bindings"
      />
    </Card>
  );
}
