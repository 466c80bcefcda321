import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Table, Tag, Typography, type TableColumnsType } from 'antd';
import type { CareTag } from '../../../api/types';
import { useAuth } from '../../../shared/auth';
import { clearErrorsOnChange, errorText, showFieldErrors } from '../../../shared/errors';
import { useI18n } from '../../app/i18n';
import { api, unwrap } from '../../../api/client';
import { useCareTags } from './queries';

/** 关爱标签: the built-in care tags (独居老人, 低保, …) and the unit's own; a new one belongs to the caller's unit. */
export function CareTagsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { can } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const tags = useCareTags();
  const [form] = Form.useForm<{ name: string }>();

  const create = useMutation({
    mutationFn: (name: string) => unwrap(api.POST('/api/v1/care-tags', { body: { name } })),
    onSuccess: async (tag) => {
      void message.success(t('careTag.created', { name: tag.name }));
      form.resetFields();
      await queryClient.invalidateQueries({ queryKey: ['registry', 'care-tags'] });
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n, ['name'])) void message.error(errorText(error, i18n));
    },
  });

  const columns: TableColumnsType<CareTag> = [
    {
      title: t('careTag.name'),
      dataIndex: 'name',
      render: (name: string, tag) => (
        <Tag color={tag.isDerived ? 'default' : 'volcano'} variant="filled">
          {name}
        </Tag>
      ),
    },
    {
      title: t('careTag.kind'),
      key: 'kind',
      render: (_v, tag) =>
        tag.isDerived ? (
          <Typography.Text type="secondary">{t('careTag.derived')}</Typography.Text>
        ) : tag.isBuiltin ? (
          t('careTag.builtin')
        ) : (
          t('careTag.custom')
        ),
    },
    {
      title: t('careTag.owner'),
      key: 'owner',
      render: (_v, tag) => tag.orgName ?? <Typography.Text type="secondary">{t('careTag.everywhere')}</Typography.Text>,
    },
    { title: t('careTag.code'), dataIndex: 'code', render: (code: string) => <span className="tz-mono">{code}</span> },
  ];

  return (
    <Card title={t('nav.careTags')} style={{ maxWidth: 880 }}>
      <Typography.Paragraph type="secondary">{t('careTag.intro')}</Typography.Paragraph>
      {can('caretag.manage') && (
        <Form
          form={form}
          layout="inline"
          style={{ marginBottom: 16 }}
          onValuesChange={clearErrorsOnChange(form)}
          onFinish={(v) => create.mutate(v.name.trim())}
          data-testid="care-tag-form"
        >
          <Form.Item
            name="name"
            rules={[
              { required: true, whitespace: true, message: t('common.required') },
              { min: 2, max: 20, message: t('careTag.nameRule') },
            ]}
          >
            <Input placeholder={t('careTag.namePlaceholder')} maxLength={20} style={{ width: 240 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={create.isPending}>
            {t('careTag.add')}
          </Button>
        </Form>
      )}
      {tags.error !== null && <Alert type="error" showIcon title={errorText(tags.error, i18n)} />}
      <Table<CareTag>
        rowKey="code"
        size="middle"
        columns={columns}
        dataSource={tags.data ?? []}
        loading={tags.isFetching}
        pagination={false}
      />
    </Card>
  );
}
