import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Modal, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { errorText, showFieldErrors } from '../../../shared/errors';
import { formatTime } from '../../../shared/time';
import { useI18n, type I18n } from '../../app/i18n';
import { type Council, type Topic, useCouncilMutation, useTopics } from './queries';

/** One label and colour per topic state, wherever the console shows it. */
export const TOPIC_COLORS: Record<Topic['status'], string> = {
  open: 'blue',
  agenda: 'gold',
  lapsed: 'default',
  declined: 'default',
  adopted: 'green',
  rejected: 'red',
};
export const topicStatusLabel = (t: I18n['t'], status: Topic['status']) => t(`councils.status.${status}`);

function NewTopic({ council, onClose }: { council: Council; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [form] = Form.useForm<{ title: string; body: string }>();
  const create = useCouncilMutation((body: { title: string; body: string }) =>
    unwrap(api.POST('/api/v1/councils/{id}/topics', { params: { path: { id: council.id } }, body })),
  );
  return (
    <Modal
      open
      title={t('councils.topic.new')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) =>
          create.mutate(v, { onSuccess: onClose, onError: (e) => showFieldErrors(form, e, i18n, ['title', 'body']) })
        }
      >
        <Form.Item
          name="title"
          label={t('councils.topic')}
          rules={[{ required: true, message: t('councils.required') }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item
          name="body"
          label={t('councils.topic.body')}
          rules={[{ required: true, message: t('councils.required') }]}
        >
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 录入联名: staff tick the households of the council's unit that signed a paper petition. */
function Petition({ council, topic, onClose }: { council: Council; topic: Topic; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [selected, setSelected] = useState<string[]>([]);
  const [page, setPage] = useState(1);
  const households = useQuery({
    queryKey: ['households', council.orgId, page],
    queryFn: () =>
      unwrap(api.GET('/api/v1/households', { params: { query: { orgId: council.orgId, page, pageSize: 50 } } })),
  });
  const record = useCouncilMutation((householdIds: string[]) =>
    unwrap(
      api.POST('/api/v1/council-topics/{id}/supports', { params: { path: { id: topic.id } }, body: { householdIds } }),
    ),
  );
  return (
    <Modal
      open
      width={720}
      title={`${t('councils.topic.petition')} · ${topic.title}`}
      onCancel={onClose}
      okButtonProps={{ disabled: selected.length === 0, 'data-testid': 'petition-save' }}
      onOk={() => record.mutate(selected, { onSuccess: onClose })}
      confirmLoading={record.isPending}
    >
      <Typography.Paragraph type="secondary">{t('councils.topic.petition.hint')}</Typography.Paragraph>
      {record.error !== null && <Alert type="error" showIcon title={errorText(record.error, i18n)} />}
      <Table
        size="small"
        rowKey="id"
        loading={households.isPending}
        dataSource={households.data?.items ?? []}
        rowSelection={{
          selectedRowKeys: selected,
          onChange: (keys) => setSelected(keys as string[]),
          preserveSelectedRowKeys: true,
        }}
        pagination={{ current: page, pageSize: 50, total: households.data?.total ?? 0, onChange: setPage }}
        columns={[{ title: t('councils.member.household'), dataIndex: 'address' }]}
        data-testid="petition-households"
      />
    </Modal>
  );
}

function Decline({ topic, onClose }: { topic: Topic; onClose: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [form] = Form.useForm<{ reason: string }>();
  const decline = useCouncilMutation((reason: string) =>
    unwrap(api.POST('/api/v1/council-topics/{id}/decline', { params: { path: { id: topic.id } }, body: { reason } })),
  );
  return (
    <Modal open title={`${t('councils.topic.decline')} · ${topic.title}`} onCancel={onClose} onOk={() => form.submit()}>
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) =>
          decline.mutate(v.reason, { onSuccess: onClose, onError: (e) => showFieldErrors(form, e, i18n, ['reason']) })
        }
      >
        <Form.Item
          name="reason"
          label={t('councils.topic.reason')}
          rules={[{ required: true, message: t('councils.required') }]}
        >
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        {decline.error !== null && <Alert type="error" showIcon title={errorText(decline.error, i18n)} />}
      </Form>
    </Modal>
  );
}

export function TopicsTab({ council }: { council: Council }) {
  const i18n = useI18n();
  const { t } = i18n;
  const topics = useTopics(council.id);
  const [isNew, setNew] = useState(false);
  const [petitionOf, setPetitionOf] = useState<Topic | null>(null);
  const [declining, setDeclining] = useState<Topic | null>(null);
  const columns: TableColumnsType<Topic> = [
    {
      title: t('councils.topic'),
      dataIndex: 'title',
      render: (title: string, r) => (
        <Space direction="vertical" size={0}>
          <Typography.Text strong>{title}</Typography.Text>
          <Typography.Text type="secondary">{r.body}</Typography.Text>
        </Space>
      ),
    },
    {
      title: t('councils.topic.proposer'),
      render: (_, r) => `${r.proposerName}（${t(`councils.topic.proposer.${r.proposerKind}`)}）`,
    },
    {
      title: t('councils.topic.supporters'),
      render: (_, r) => (
        <span data-testid="topic-supporters">
          {r.supporters} / {r.threshold}
        </span>
      ),
    },
    {
      title: t('councils.pick'),
      dataIndex: 'status',
      render: (s: Topic['status']) => (
        <Tag color={TOPIC_COLORS[s]} data-testid="topic-status">
          {topicStatusLabel(t, s)}
        </Tag>
      ),
    },
    { title: t('councils.meeting.startsAt'), dataIndex: 'createdAt', render: (v: string) => formatTime(v) },
    {
      key: 'actions',
      render: (_, r) =>
        r.status === 'open' || r.status === 'agenda' ? (
          <Space>
            <Button size="small" onClick={() => setPetitionOf(r)} data-testid="topic-petition">
              {t('councils.topic.petition')}
            </Button>
            <Button size="small" danger onClick={() => setDeclining(r)}>
              {t('councils.topic.decline')}
            </Button>
          </Space>
        ) : null,
    },
  ];
  return (
    <>
      <Button type="primary" style={{ marginBottom: 12 }} onClick={() => setNew(true)}>
        {t('councils.topic.new')}
      </Button>
      {topics.error !== null && <Alert type="error" showIcon title={errorText(topics.error, i18n)} />}
      <Table
        rowKey="id"
        size="small"
        loading={topics.isPending}
        dataSource={topics.data ?? []}
        columns={columns}
        onRow={(r) => ({ 'data-title': r.title }) as object}
        pagination={false}
        data-testid="council-topics"
      />
      {isNew && <NewTopic council={council} onClose={() => setNew(false)} />}
      {petitionOf !== null && <Petition council={council} topic={petitionOf} onClose={() => setPetitionOf(null)} />}
      {declining !== null && <Decline topic={declining} onClose={() => setDeclining(null)} />}
    </>
  );
}
