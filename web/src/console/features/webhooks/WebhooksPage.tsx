import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { useAuth } from '../../../shared/auth';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { formatTime } from '../../../shared/time';
import { useI18n } from '../../app/i18n';
import { SecretModal } from '../../app/SecretModal';
import { DeliveryLogDrawer } from './DeliveryLogDrawer';
import { type Subscriber, type WebhookEvent, webhookKeys } from './queries';

interface SubscriberForm {
  name: string;
  url: string;
  events: WebhookEvent[];
  orgId: string;
}

/** 数据推送: the subscribers of signed case events at units one manages, their log, and redelivery. */
export function WebhooksPage() {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { me } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<SubscriberForm>();
  const [editing, setEditing] = useState<Subscriber | 'new' | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [logOf, setLogOf] = useState<Subscriber | null>(null);
  const list = useQuery({
    queryKey: webhookKeys.all,
    queryFn: () => unwrap(api.GET('/api/v1/webhooks', { params: { query: {} } })),
  });
  const eventName = (type: string) => {
    const e = list.data?.events.find((x) => x.type === type);
    return e === undefined ? type : lang === 'zh' ? e.name : e.nameEn;
  };
  // the units where she may set one up: those of her roles that manage webhooks
  const units = (me?.assignments ?? []).filter((a) => a.role === 'admin' || a.role === 'district');
  const refresh = () => queryClient.invalidateQueries({ queryKey: webhookKeys.all });

  const save = useMutation({
    mutationFn: async (v: SubscriberForm) => {
      const body = { name: v.name.trim(), url: v.url.trim(), events: v.events };
      if (editing === 'new') {
        return unwrap(api.POST('/api/v1/webhooks', { body: { ...body, orgId: v.orgId } }));
      }
      return unwrap(api.PATCH('/api/v1/webhooks/{id}', { params: { path: { id: editing!.id } }, body }));
    },
    onSuccess: async (saved) => {
      setEditing(null);
      form.resetFields();
      if ('secret' in saved && typeof saved.secret === 'string') setSecret(saved.secret);
      await refresh();
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n, ['name', 'url', 'events', 'orgId']))
        void message.error(errorText(error, i18n));
    },
  });
  const toggle = useMutation({
    mutationFn: (s: Subscriber) =>
      unwrap(api.PATCH('/api/v1/webhooks/{id}', { params: { path: { id: s.id } }, body: { isActive: !s.isActive } })),
    onSuccess: refresh,
    onError: (error) => void message.error(errorText(error, i18n)),
  });
  const rotate = useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/webhooks/{id}/secret', { params: { path: { id } } })),
    onSuccess: (s) => setSecret(s.secret),
    onError: (error) => void message.error(errorText(error, i18n)),
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/webhooks/{id}', { params: { path: { id } } })),
    onSuccess: refresh,
    onError: (error) => void message.error(errorText(error, i18n)),
  });

  const open = (s: Subscriber | 'new') => {
    setEditing(s);
    form.setFieldsValue(
      s === 'new'
        ? { name: '', url: '', events: ['case.created', 'case.resolved', 'case.rated'], orgId: units[0]?.orgId ?? '' }
        : { name: s.name, url: s.url, events: s.events, orgId: s.orgId },
    );
  };

  const columns: TableColumnsType<Subscriber> = [
    { title: t('webhook.name'), dataIndex: 'name' },
    {
      title: t('webhook.url'),
      dataIndex: 'url',
      render: (url: string) => <Typography.Text code>{url}</Typography.Text>,
    },
    { title: t('webhook.org'), dataIndex: 'orgName' },
    {
      title: t('webhook.events'),
      dataIndex: 'events',
      render: (events: string[]) => events.map((e) => <Tag key={e}>{eventName(e)}</Tag>),
    },
    {
      title: t('webhook.status'),
      key: 'status',
      render: (_v, s) => (
        <Space direction="vertical" size={0}>
          {s.isActive ? <Tag color="green">{t('webhook.active')}</Tag> : <Tag>{t('webhook.paused')}</Tag>}
          <Typography.Text type={s.counts.parked > 0 ? 'danger' : 'secondary'} style={{ fontSize: 12 }}>
            {t('webhook.counts', s.counts)}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('webhook.createdAt'), dataIndex: 'createdAt', render: (at: string) => formatTime(at) },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_v, s) => (
        <Space wrap>
          <Typography.Link onClick={() => setLogOf(s)} data-testid="webhook-log">
            {t('webhook.log')}
          </Typography.Link>
          <Typography.Link onClick={() => open(s)}>{t('webhook.edit')}</Typography.Link>
          <Typography.Link onClick={() => toggle.mutate(s)}>
            {s.isActive ? t('webhook.pause') : t('webhook.resume')}
          </Typography.Link>
          <Popconfirm title={t('webhook.rotateConfirm')} onConfirm={() => rotate.mutate(s.id)}>
            <Typography.Link>{t('webhook.rotate')}</Typography.Link>
          </Popconfirm>
          <Popconfirm title={t('webhook.deleteConfirm')} onConfirm={() => remove.mutate(s.id)}>
            <Typography.Link type="danger">{t('webhook.delete')}</Typography.Link>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={t('nav.webhooks')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="webhook-create">
          {t('webhook.create')}
        </Button>
      }
    >
      <Alert type="info" showIcon title={t('webhook.intro')} style={{ marginBottom: 16 }} />
      {list.error !== null && <Alert type="error" title={errorText(list.error, i18n)} />}
      <Table<Subscriber>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.isFetching}
        locale={{ emptyText: t('webhook.empty') }}
        pagination={false}
      />
      <Modal
        title={editing === 'new' ? t('webhook.createTitle') : t('webhook.editTitle')}
        open={editing !== null}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={editing === 'new' ? t('common.create') : t('common.save')}
        confirmLoading={save.isPending}
        width={640}
        forceRender
      >
        <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
          <Form.Item
            name="name"
            label={t('webhook.name')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={60} placeholder={t('webhook.namePlaceholder')} />
          </Form.Item>
          <Form.Item
            name="url"
            label={t('webhook.url')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={2000} placeholder={t('webhook.urlPlaceholder')} data-testid="webhook-url" />
          </Form.Item>
          <Form.Item name="orgId" label={t('webhook.org')} rules={[{ required: true, message: t('common.required') }]}>
            <Select
              disabled={editing !== 'new'}
              options={(editing !== null && editing !== 'new'
                ? [{ orgId: editing.orgId, orgName: editing.orgName }]
                : units
              ).map((u) => ({ value: u.orgId, label: u.orgName }))}
            />
          </Form.Item>
          <Form.Item
            name="events"
            label={t('webhook.events')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Checkbox.Group
              options={(list.data?.events ?? []).map((e) => ({
                value: e.type,
                label: lang === 'zh' ? e.name : e.nameEn,
              }))}
            />
          </Form.Item>
        </Form>
      </Modal>
      <SecretModal
        title={t('webhook.secretTitle')}
        hint={t('webhook.secretHint')}
        secret={secret}
        onClose={() => setSecret(null)}
      />
      <DeliveryLogDrawer subscriber={logOf} eventName={eventName} onClose={() => setLogOf(null)} />
    </Card>
  );
}
