import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Drawer, Segmented, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { errorText } from '../../../shared/errors';
import { formatTime } from '../../../shared/time';
import { useI18n } from '../../app/i18n';
import { type Delivery, type DeliveryStatus, type Subscriber, webhookKeys } from './queries';

const STATE_COLORS: Record<DeliveryStatus, string | undefined> = {
  queued: 'blue',
  sending: 'processing',
  delivered: 'green',
  parked: 'red',
};

/** A subscriber's delivery log: state, attempts, HTTP code, error, next try; a parked one can be sent again. */
export function DeliveryLogDrawer({
  subscriber,
  eventName,
  onClose,
}: {
  subscriber: Subscriber | null;
  eventName: (type: string) => string;
  onClose: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<DeliveryStatus | 'all'>('all');
  const [page, setPage] = useState(1);
  const id = subscriber?.id ?? '';
  const filter = status === 'all' ? undefined : status;
  const log = useQuery({
    queryKey: webhookKeys.deliveries(id, filter, page),
    enabled: subscriber !== null,
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/webhooks/{id}/deliveries', {
          params: { path: { id }, query: { page, pageSize: 20, ...(filter === undefined ? {} : { status: filter }) } },
        }),
      ),
  });
  const redeliver = useMutation({
    mutationFn: (deliveryId: string) =>
      unwrap(api.POST('/api/v1/webhook-deliveries/{id}/redeliver', { params: { path: { id: deliveryId } } })),
    onSuccess: async () => {
      void message.success(t('webhook.redelivered'));
      await queryClient.invalidateQueries({ queryKey: webhookKeys.all });
    },
    onError: (error) => void message.error(errorText(error, i18n)),
  });

  const columns: TableColumnsType<Delivery> = [
    { title: t('webhook.createdAt'), dataIndex: 'createdAt', width: 150, render: (at: string) => formatTime(at) },
    { title: t('webhook.event'), dataIndex: 'eventType', width: 110, render: (e: string) => eventName(e) },
    { title: t('webhook.case'), dataIndex: 'caseNumber' },
    {
      title: t('webhook.deliveryStatus'),
      dataIndex: 'status',
      render: (s: DeliveryStatus) => <Tag color={STATE_COLORS[s]}>{t(`webhook.state.${s}`)}</Tag>,
    },
    { title: t('webhook.attempts'), dataIndex: 'attempts', width: 70 },
    { title: t('webhook.httpCode'), dataIndex: 'lastStatusCode', width: 90, render: (c: number | null) => c ?? '—' },
    {
      title: t('webhook.error'),
      dataIndex: 'lastError',
      width: 240,
      render: (e: string | null) => (e === null ? '—' : <Typography.Text type="danger">{e}</Typography.Text>),
    },
    {
      title: t('webhook.nextTry'),
      dataIndex: 'nextAttemptAt',
      width: 150,
      render: (at: string | null) => (at === null ? '—' : formatTime(at)),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_v, d) =>
        (d.status === 'parked' || d.status === 'delivered') && (
          <Typography.Link onClick={() => redeliver.mutate(d.id)} data-testid="webhook-redeliver">
            {t('webhook.redeliver')}
          </Typography.Link>
        ),
    },
  ];

  return (
    <Drawer
      title={subscriber === null ? '' : t('webhook.logTitle', { name: subscriber.name })}
      open={subscriber !== null}
      onClose={onClose}
      size="min(1200px, 92vw)"
      destroyOnHidden
    >
      <Segmented<DeliveryStatus | 'all'>
        style={{ marginBottom: 12 }}
        value={status}
        onChange={(v) => {
          setStatus(v);
          setPage(1);
        }}
        options={[
          { value: 'all', label: t('webhook.filterAll') },
          ...(['queued', 'delivered', 'parked'] as const).map((s) => ({ value: s, label: t(`webhook.state.${s}`) })),
        ]}
      />
      {log.error !== null && <Alert type="error" title={errorText(log.error, i18n)} />}
      <Table<Delivery>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={log.data?.items ?? []}
        loading={log.isFetching}
        expandable={{
          expandedRowRender: (d) => (
            <Typography.Paragraph code style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
              {JSON.stringify(JSON.parse(d.payload), null, 2)}
            </Typography.Paragraph>
          ),
        }}
        pagination={{
          current: page,
          pageSize: 20,
          // the server says only whether there is more: offer one page beyond this one
          total: (page - 1) * 20 + (log.data?.items.length ?? 0) + (log.data?.hasMore === true ? 1 : 0),
          onChange: setPage,
          showSizeChanger: false,
        }}
      />
    </Drawer>
  );
}
