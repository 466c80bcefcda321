import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import type { ApiKey } from '../../../api/types';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { SecretModal } from '../../app/SecretModal';
import { formatTime } from '../../../shared/time';

const KEYS = ['apikeys'] as const;

/** API 密钥: the user's own keys for machine clients; a key is shown once, at creation. */
export function ApiKeysPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ name: string }>();
  const [isCreateOpen, setCreateOpen] = useState(false);
  const [createdKey, setCreatedKey] = useState<string | null>(null);
  const list = useQuery({ queryKey: KEYS, queryFn: async () => (await unwrap(api.GET('/api/v1/apikeys'))).items });

  const create = useMutation({
    mutationFn: (name: string) => unwrap(api.POST('/api/v1/apikeys', { body: { name } })),
    onSuccess: async (created) => {
      setCreateOpen(false);
      form.resetFields();
      setCreatedKey(created.key);
      await queryClient.invalidateQueries({ queryKey: KEYS });
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n, ['name'])) void message.error(errorText(error, i18n));
    },
  });

  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/apikeys/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEYS }),
    onError: (error) => void message.error(errorText(error, i18n)),
  });

  const columns: TableColumnsType<ApiKey> = [
    { title: t('apikey.name'), dataIndex: 'name' },
    {
      title: t('apikey.prefix'),
      dataIndex: 'prefix',
      render: (p: string) => <Typography.Text code>{p}…</Typography.Text>,
    },
    { title: t('apikey.createdAt'), dataIndex: 'createdAt', render: (at: string) => formatTime(at) },
    {
      title: t('apikey.lastUsedAt'),
      dataIndex: 'lastUsedAt',
      render: (at: string | null) => (at ? formatTime(at) : t('apikey.never')),
    },
    {
      title: t('apikey.status'),
      dataIndex: 'revokedAt',
      render: (at: string | null) =>
        at ? <Tag>{`${t('apikey.revoked')} ${formatTime(at)}`}</Tag> : <Tag color="green">{t('apikey.active')}</Tag>,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_v, key) =>
        key.revokedAt === null && (
          <Popconfirm title={t('apikey.revokeConfirm')} onConfirm={() => revoke.mutate(key.id)}>
            <Typography.Link type="danger">{t('apikey.revoke')}</Typography.Link>
          </Popconfirm>
        ),
    },
  ];

  return (
    <Card
      title={t('nav.apikeys')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreateOpen(true)}>
          {t('apikey.create')}
        </Button>
      }
    >
      <Alert type="info" showIcon title={t('apikey.intro')} style={{ marginBottom: 16 }} />
      {list.error !== null && <Alert type="error" title={errorText(list.error, i18n)} />}
      <Table<ApiKey>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.data ?? []}
        loading={list.isFetching}
        pagination={false}
      />
      <Modal
        title={t('apikey.createTitle')}
        open={isCreateOpen}
        onCancel={() => setCreateOpen(false)}
        onOk={() => form.submit()}
        okText={t('common.create')}
        confirmLoading={create.isPending}
        forceRender
      >
        <Form form={form} layout="vertical" onFinish={(v) => create.mutate(v.name.trim())}>
          <Form.Item
            name="name"
            label={t('apikey.name')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={64} placeholder={t('apikey.namePlaceholder')} />
          </Form.Item>
        </Form>
      </Modal>
      <SecretModal
        title={t('apikey.createTitle')}
        hint={t('apikey.shownOnce')}
        secret={createdKey}
        onClose={() => setCreatedKey(null)}
      />
    </Card>
  );
}
