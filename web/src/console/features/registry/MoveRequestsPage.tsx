import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Popconfirm, Space, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { errorText } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { formatTime } from '../../../shared/time';
import { registryKeys, useMoveRequests } from './queries';

type MoveRequest =
  paths['/api/v1/resident-move-requests']['get']['responses'][200]['content']['application/json']['items'][number];

const STATUS_COLOR = { pending: 'processing', accepted: 'success', declined: 'default' } as const;

/**
 * 迁入申请: requests to move a resident registered here to another community (accept or decline), and
 * those this unit sent. A sent request shows nobody until her community accepts.
 */
export function MoveRequestsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [direction, setDirection] = useState<'incoming' | 'outgoing'>('incoming');
  const requests = useMoveRequests(direction);

  const decide = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'accept' | 'decline' }) =>
      unwrap(api.POST(`/api/v1/resident-move-requests/{id}/${action}`, { params: { path: { id } }, body: {} })),
    onSuccess: async () => {
      void message.success(t('moveRequest.done'));
      await queryClient.invalidateQueries({ queryKey: registryKeys.all });
    },
    onError: (error) => void message.error(errorText(error, i18n)),
  });

  const columns: TableColumnsType<MoveRequest> = [
    {
      title: t('moveRequest.resident'),
      key: 'resident',
      render: (_v, r) =>
        r.resident === null ? (
          <Typography.Text type="secondary">{t('moveRequest.hidden')}</Typography.Text>
        ) : (
          <Space direction="vertical" size={0}>
            <span>{r.resident.name}</span>
            <Typography.Text type="secondary" className="tz-mono">
              {r.resident.idNumber ?? ''} ·{' '}
              {t('resident.birthYearOnly', { year: r.resident.birthYear, age: r.resident.age })}
            </Typography.Text>
            <Typography.Text type="secondary">{r.resident.address}</Typography.Text>
          </Space>
        ),
    },
    {
      title: t('moveRequest.to'),
      key: 'to',
      render: (_v, r) => (
        <Space direction="vertical" size={0}>
          <span>{r.toOrgName}</span>
          <Typography.Text type="secondary">{r.toAddress}</Typography.Text>
        </Space>
      ),
    },
    { title: t('moveRequest.reason'), dataIndex: 'reason', render: (v: string | null) => v ?? '' },
    { title: t('moveRequest.requestedBy'), dataIndex: 'requestedBy', render: (v: string | null) => v ?? '' },
    { title: t('moveRequest.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatTime(v) },
    {
      title: t('moveRequest.status'),
      key: 'status',
      render: (_v, r) => <Tag color={STATUS_COLOR[r.status]}>{t(`moveRequest.status.${r.status}`)}</Tag>,
    },
    ...(direction === 'incoming'
      ? [
          {
            key: 'actions',
            render: (_v: unknown, r: MoveRequest) =>
              r.status === 'pending' && (
                <Space>
                  <Popconfirm
                    title={t('moveRequest.acceptConfirm', { name: r.resident?.name ?? '', to: r.toOrgName })}
                    onConfirm={() => decide.mutate({ id: r.id, action: 'accept' })}
                  >
                    <Button size="small" type="primary" data-testid="accept-move">
                      {t('moveRequest.accept')}
                    </Button>
                  </Popconfirm>
                  <Button size="small" onClick={() => decide.mutate({ id: r.id, action: 'decline' })}>
                    {t('moveRequest.decline')}
                  </Button>
                </Space>
              ),
          },
        ]
      : []),
  ];

  return (
    <Card title={t('nav.moveRequests')}>
      <Typography.Paragraph type="secondary">{t('moveRequest.intro')}</Typography.Paragraph>
      <Tabs
        activeKey={direction}
        onChange={(key) => setDirection(key as 'incoming' | 'outgoing')}
        items={[
          { key: 'incoming', label: t('moveRequest.incoming') },
          { key: 'outgoing', label: t('moveRequest.outgoing') },
        ]}
      />
      {requests.error !== null && <Alert type="error" showIcon title={errorText(requests.error, i18n)} />}
      <Table<MoveRequest>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={requests.data ?? []}
        loading={requests.isFetching}
        pagination={false}
        data-testid="move-requests"
      />
    </Card>
  );
}
